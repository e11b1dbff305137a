using Symbolic.Rewrite.Engine;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Tests.Rewrite;

public class RuleLanguageTests
{
    [Fact]
    public void ParsesNamePatternTemplateConditionsAndTags()
    {
        var r = RuleParser.ParseRule("x-over-x [unsafe, algebra]: x / x => ones_like(x) if float(x), not const(x)");
        Assert.Equal("x-over-x", r.Name);
        Assert.True(r.IsUnsafe);
        Assert.Equal("true_div", r.RootOp);
        Assert.Equal("true_div(x, x)", r.Pattern.ToString());
        Assert.Equal(2, r.Conditions.Count);
        Assert.True(r.Conditions[1].Negated);
        Assert.Equal("x-over-x [unsafe, algebra]: true_div(x, x) => ones_like(x) if float(x), not const(x)", r.ToString());
    }

    [Theory]
    [InlineData("a: x + y * z => x", "add(x, mul(y, z))")]
    [InlineData("a: (x + y) * z => x", "mul(add(x, y), z)")]
    [InlineData("a: x - y - z => x", "sub(sub(x, y), z)")]
    [InlineData("a: -x ** 2 => x", "neg(pow(x, 2))")]
    [InlineData("a: x ** y ** z => x", "pow(x, pow(y, z))")]
    [InlineData("a: -2 * x => x", "mul(-2, x)")]
    [InlineData("a: sum{p}(exp(x)) => x", "sum{p}(exp(x))")]
    [InlineData("a: x / 2.5e-3 => x", "true_div(x, 0.0025)")]
    public void Precedence(string text, string pattern) => Assert.Equal(pattern, RuleParser.ParseRule(text).Pattern.ToString());

    [Theory]
    [InlineData("no-arrow: x + 1", "expected")]
    [InlineData("bad: x + => x", "rule:1:")]
    [InlineData("unbound: x + 1 => y", "uses 'y' on its right side")]
    [InlineData("badparam: x + 1 => sum{p}(x)", "'{p}'")]
    [InlineData("badcond: x + 1 => x if positive(x)", "unknown condition 'positive'")]
    [InlineData("condvar: x + 1 => x if float(q)", "names 'q'")]
    public void ErrorsSayWhatAndWhere(string text, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => RuleParser.ParseRule(text));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void FilesSkipCommentsAndBlankLinesAndRejectDuplicateNames()
    {
        var rules = RuleParser.ParseFile("# header\n\none: x * 1 => x   # trailing\ntwo: x + 0 => x\n", "t.rules");
        Assert.Equal(["one", "two"], rules.Select(r => r.Name));
        var e = Assert.Throws<FormatException>(() => RuleParser.ParseFile("a: x => x\na: y => y", "t.rules"));
        Assert.Contains("t.rules:2", e.Message);
    }

    [Fact]
    public void AddAndMulMatchInEitherOrder()
    {
        var x = T.Matrix("x");
        var rule = RuleParser.ParseRule("r: 1 + exp(x) => x");
        Assert.NotNull(Matcher.Try(rule.Pattern, 1 + T.Exp(x)));
        Assert.NotNull(Matcher.Try(rule.Pattern, T.Exp(x) + 1));
        Assert.Null(Matcher.Try(RuleParser.ParseRule("r: 1 - exp(x) => x").Pattern, T.Exp(x) - 1));
    }

    [Fact]
    public void RepeatedVariablesMustBindTheSameNode()
    {
        var (x, y) = (T.Matrix("x"), T.Matrix("y"));
        var p = RuleParser.ParseRule("r: a * a => sqr(a)").Pattern;
        Assert.NotNull(Matcher.Try(p, x * x));
        Assert.Null(Matcher.Try(p, x * y));
    }

    [Fact]
    public void EveryRuleFileNamesOnlyKnownOps()
    {
        var known = new HashSet<string>(Symbolic.Ops.ScalarOps.All.Select(o => o.Name))
        {
            "sum", "mean", "max", "min", "prod", "argmax", "argmin", "dot", "dimshuffle", "reshape", "subtensor", "take",
            "arange", "shape", "stop_gradient", "concatenate", "cast",
        };
        foreach (var (file, rule) in Rulebook.AllTextRules())
        {
            foreach (var op in Calls(rule.Pattern)) Assert.True(known.Contains(op), $"{file}: rule {rule.Name} matches unknown op '{op}'.");
            foreach (var op in Calls(rule.Template)) Assert.True(TemplateBuilder.IsKnown(op), $"{file}: rule {rule.Name} builds unknown op '{op}'.");
        }
    }

    private static IEnumerable<string> Calls(Pattern p) =>
        p is PatternCall c ? c.Args.SelectMany(Calls).Prepend(c.Op) : [];
}

public class EngineTests
{
    [Fact]
    public void ExcludedRulesPhasesAndUnsafeGroupDoNotFire()
    {
        var x = T.Matrix("x");
        var e = T.Log(1 + T.Exp(x));
        var engine = Rulebook.Engine;
        Assert.Same(T.Log1p(T.Exp(x)), engine.Run([e], new RewriteOptions { ExcludedRules = new HashSet<string> { "softplus-from-log1p-exp" } }).Outputs[0]);
        Assert.Same(e, engine.Run([e], new RewriteOptions { ExcludedPhases = new HashSet<string> { "stabilize" } }).Outputs[0]);
        var d = x - x;
        Assert.IsType<Constant>(engine.Run([d], new RewriteOptions { ExcludeUnsafe = false }).Outputs[0].Owner!.Inputs[1]);
        Assert.Same(d, engine.Run([d], new RewriteOptions { ExcludeUnsafe = true }).Outputs[0]);
        Assert.Same(d, engine.Run([d]).Outputs[0]); // unsafe rules are off by default
    }

    [Fact]
    public void CyclesAreDetectedAndNoted()
    {
        var phase = new Phase("p");
        phase.Add(new TextRewriter(RuleParser.ParseRule("swap: a + b => b + a")));
        var engine = new RewriteEngine([phase]);
        var (x, y) = (T.Matrix("x"), T.Matrix("y"));
        var (outs, trace) = engine.Run([x + y]);
        Assert.Contains(trace.Notes, n => n.Contains("cycle"));
        Assert.NotNull(outs[0]);
    }

    [Fact]
    public void TraceRecordsEveryFiringInOrderAndPrints()
    {
        var x = T.Vector("x");
        var (outs, trace) = Rulebook.Engine.Run([T.Log(1 - T.Sigmoid(x))]);
        Assert.Same(-T.Softplus(x), outs[0]);
        Assert.Equal(["one-minus-sigmoid", "log-sigmoid", "neg-neg"], trace.Steps.Select(s => s.Rule));
        Assert.Equal("[stabilize] one-minus-sigmoid: sub(1, sigmoid(x)) => sigmoid(neg(x))", trace.Steps[0].ToString());
        Assert.Contains("log-sigmoid", trace.ToString());
        Assert.Equal(3, trace.Explain(outs[0]).Count());
    }

    [Fact]
    public void FoldsConstantsAndMergesChains()
    {
        var x = T.Tensor3("x");
        var c = T.Constant(2.0) * 3 + T.Constant(NDArray.From(new float[] { 1, 2 }, 2));
        var folded = Rulebook.Engine.Run([c]).Outputs[0];
        Assert.Equal(new float[] { 7, 8 }, Assert.IsType<Constant>(folded).Value.ToArray<float>());
        var sums = T.Sum(T.Sum(x, 0), 1);
        var merged = Rulebook.Engine.Run([sums]).Outputs[0];
        Assert.Equal("sum{axes=[0,2]}", merged.Owner!.Op.Name);
        var shuffles = T.Transpose(T.Transpose(x, 1, 0, 2), 1, 0, 2);
        Assert.Same(x, Rulebook.Engine.Run([shuffles]).Outputs[0]);
    }

    [Fact]
    public void RewritingIsDeterministic()
    {
        string Run()
        {
            var x = T.Matrix("x");
            var y = T.Vector("y", DType.Int64);
            var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
            var (outs, trace) = Rulebook.Engine.Run([loss, T.Grad(loss, x)]);
            return Graph.DebugPrint(outs) + trace;
        }
        Assert.Equal(Run(), Run());
    }
}
