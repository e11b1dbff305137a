using Symbolic.Rewrite.Engine;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Tests.Rewrite;

public class TraceTests
{
    [Fact]
    public void ARefusedCycleIsNotedOnce()
    {
        var phase = new Phase("p");
        phase.Add(new TextRewriter(RuleParser.ParseRule("to-add: a - b => a + (-b)")));
        phase.Add(new TextRewriter(RuleParser.ParseRule("to-sub: a + (-b) => a - b")));
        var (a, b) = (T.Matrix("a"), T.Matrix("b"));
        var (outs, trace) = new RewriteEngine([phase]).Run([T.Exp(a - b)]);
        Assert.Same(T.Exp(a + -b), outs[0]);
        Assert.Equal(["to-add"], trace.Steps.Select(s => s.Rule));
        Assert.Single(trace.Notes);
        Assert.Contains("cycle", trace.Notes[0]);
    }

    [Fact]
    public void TheBudgetStopsARuleThatNeverFinishes()
    {
        var phase = new Phase("p");
        phase.Add(new TextRewriter(RuleParser.ParseRule("grow: exp(x) => exp(x + 1)")));
        var a = T.Vector("a");
        var (_, trace) = new RewriteEngine([phase]).Run([T.Exp(a)], new RewriteOptions { FiringBudget = 25 });
        Assert.Equal(25, trace.Steps.Count);
        Assert.Contains(trace.Notes, n => n.Contains("budget of 25"));
    }

    [Fact]
    public void Float32ConstantsPrintAsTheirDTypeHoldsThem()
    {
        var w = T.Vector("w");
        var f = Function.Compile([w], [T.Grad(0.01 * T.Sum(T.Sqr(w)), w)]);
        var text = f.RewriteTrace.ToString();
        Assert.Contains("0.01", text);
        Assert.DoesNotContain("0.0099999", text);
    }

    [Fact]
    public void AMisspelledRuleOrPhaseToExcludeIsAnError()
    {
        var x = T.Vector("x");
        var e = Assert.Throws<ArgumentException>(() => Function.Compile([x], [T.Log(1 + T.Exp(x))], options: new CompileOptions { ExcludeRules = ["softplus-from-log1p"] }));
        Assert.Contains("'softplus-from-log1p'", e.Message);
        Assert.Contains("softplus-from-log1p-exp", e.Message);
        var p = Assert.Throws<ArgumentException>(() => Function.Compile([x], [x], options: new CompileOptions { ExcludePhases = ["stabilise"] }));
        Assert.Contains("'stabilise'", p.Message);
        Assert.Contains("merge, canonicalize, stabilize, specialize", p.Message);
    }

    [Fact]
    public void ExcludingARuleThroughCompileOptionsStopsIt()
    {
        var x = T.Vector("x");
        var e = T.Log(T.Exp(x) / (1 + T.Exp(x)));
        var all = Function.Compile([x], [e]);
        Assert.Contains(all.RewriteTrace.Steps, s => s.Rule == "sigmoid-from-exp-ratio");
        var f = Function.Compile([x], [e], options: new CompileOptions { ExcludeRules = ["sigmoid-from-exp-ratio"] });
        Assert.DoesNotContain(f.RewriteTrace.Steps, s => s.Rule == "sigmoid-from-exp-ratio");
        Assert.DoesNotContain("sigmoid", f.DebugPrint());
        var unsafeOff = Function.Compile([x], [x / x, x * 0], options: new CompileOptions { ExcludeUnsafeRules = true });
        Assert.Empty(unsafeOff.RewriteTrace.Steps);
        var nan = unsafeOff.Invoke(NDArray.From(new[] { 0f, float.PositiveInfinity }, 2));
        Assert.True(float.IsNaN(nan[0].ToArray<float>()[0]));
        Assert.True(float.IsNaN(nan[1].ToArray<float>()[1]));
    }
}

public class CycleCheckTests
{
    [Fact]
    public void ANodeRewrittenAwayElsewhereIsRewrittenAgainNotRefusedAsACycle()
    {
        // log1p(exp(x)) is rewritten to softplus for the first output; the second output's
        // log(1 + exp(x)) becomes that same log1p(exp(x)) on its way to softplus.
        var x = T.Vector("x");
        var (outs, trace) = Rulebook.Engine.Run([T.Log1p(T.Exp(x)), T.Log(1 + T.Exp(x))]);
        Assert.Same(T.Softplus(x), outs[0]);
        Assert.Same(T.Softplus(x), outs[1]);
        Assert.Empty(trace.Notes);
        var f = Function.Compile([x], [T.Log1p(T.Exp(x)), T.Log(1 + T.Exp(x))]);
        var r = f.Invoke(NDArray.From(new[] { 1000f }, 1));
        Assert.Equal(1000f, r[1].Item<float>(0));
    }

    [Fact]
    public void ALongerCycleIsRefused()
    {
        var phase = new Phase("p");
        phase.Add(new TextRewriter(RuleParser.ParseRule("r1: exp(x) => sin(x)")));
        phase.Add(new TextRewriter(RuleParser.ParseRule("r2: sin(x) => cos(x)")));
        phase.Add(new TextRewriter(RuleParser.ParseRule("r3: cos(x) => exp(x)")));
        var a = T.Vector("a");
        var (outs, trace) = new RewriteEngine([phase]).Run([T.Exp(a)]);
        Assert.Same(T.Cos(a), outs[0]);
        Assert.Equal(["r1", "r2"], trace.Steps.Select(s => s.Rule));
        Assert.Contains(trace.Notes, n => n.Contains("rule r3") && n.Contains("cycle"));
    }
}

public class DeterminismTests
{
    /// <summary>A training graph built from fresh variables, its pieces made in one order or the reverse.</summary>
    private static Function Build(bool reversed)
    {
        Variable x, y, w1, w2, b1;
        if (!reversed) { x = T.Matrix("x"); y = T.Vector("y", DType.Int64); w1 = T.Matrix("w1"); w2 = T.Matrix("w2"); b1 = T.Vector("b1"); }
        else { b1 = T.Vector("b1"); w2 = T.Matrix("w2"); w1 = T.Matrix("w1"); y = T.Vector("y", DType.Int64); x = T.Matrix("x"); }
        Variable loss;
        Variable[] g;
        if (!reversed)
        {
            var p = T.Softmax(T.Dot(T.Relu(T.Dot(x, w1) + b1), w2));
            loss = T.Mean(T.CategoricalCrossentropy(p, y)) + 0.01 * T.Sum(T.Sqr(w1)) + T.Log(1 + T.Exp(T.Sum(b1)));
            g = T.Grad(loss, b1, w1, w2);
        }
        else
        {
            var reg = T.Log(1 + T.Exp(T.Sum(b1)));
            var sq = 0.01 * T.Sum(T.Sqr(w1));
            var hidden = T.Dot(x, w1);
            var p = T.Softmax(T.Dot(T.Relu(hidden + b1), w2));
            loss = T.Mean(T.CategoricalCrossentropy(p, y)) + sq + reg;
            g = T.Grad(loss, w2, w1, b1).Reverse().ToArray();
        }
        return Function.Compile([x, y, w1, w2, b1], [loss, .. g]);
    }

    [Fact]
    public void TheSameGraphBuiltInAnotherOrderGivesTheSameSourceDebugPrintAndTrace()
    {
        var a = Build(reversed: false);
        var b = Build(reversed: true);
        Assert.Equal(a.Source, b.Source);
        Assert.Equal(a.DebugPrint(), b.DebugPrint());
        Assert.Equal(a.RewriteTrace.ToString(), b.RewriteTrace.ToString());
    }
}
