using Symbolic.Rewrite.Engine;

namespace Symbolic.Tests.Rewrite;

/// <summary>The rules written as code, checked like the text rules: each fires on its instance and keeps the value.</summary>
public class CodeRuleSoundnessTests
{
    private static readonly Variable X = T.Tensor3("x", DType.Float64);

    public static readonly Dictionary<string, Func<Variable>> Instances = new()
    {
        ["constant-fold"] = () => X * (T.Constant(NDArray.From(new double[] { 1, 2, 3, 4 }, 4)) * 3 + 1),
        ["merge-dimshuffles"] = () => T.Exp(T.Transpose(T.Transpose(X, 2, 0, 1), 1, 2, 0)),
        ["merge-sums"] = () => T.Sum(T.Sum(X, 1), 0),
        ["merge-maxes"] = () => T.Max(T.Max(X, 2, keepDims: true), 0, keepDims: true),
        ["merge-mins"] = () => T.Min(T.Min(X, 0), 1),
        ["merge-prods"] = () => T.Prod(T.Prod(X, 1), 1),
        ["merge-means"] = () => T.Mean(T.Mean(X, 2), 0),
        ["keepdims-from-dimshuffle"] = () => X / T.DimShuffle(T.Sum(X, 1), 0, 'x', 1),
        ["drop-noop-reshape"] = () => T.Reshape(X, [T.Shape(X, 0), T.Shape(X, 1), T.Shape(X, 2)]) * 2,
        ["shape-through-reshape"] = () => T.Cast(T.Arange(T.Shape(T.Reshape(T.Exp(X), [T.Shape(X, 0), T.Constant(-1, DType.Int64)]), 0)), DType.Float64)
            + T.Cast(T.Arange(T.Shape(T.Reshape(T.Exp(X), [T.Constant(-1, DType.Int64), T.Constant(2, DType.Int64)]), 1)), DType.Float64),
        ["shape-through-elemwise"] = () => T.Cast(T.Arange(T.Shape(T.Exp(X) * 2, 1)), DType.Float64),
        ["softmax-op"] = () => T.Softmax(X, 1),
        ["log-softmax-view"] = () => T.Log(T.Reshape(T.Softmax(X, 2)[1], -1)),
    };

    public static TheoryData<string> Names() => new(Instances.Keys);

    [Fact]
    public void EveryCodeRuleHasAnInstance()
    {
        var code = Rulebook.Engine.Phases.SelectMany(p => p.Rewriters).OfType<CodeRewriter>().Select(r => r.Name).Distinct();
        Assert.DoesNotContain(code, n => !Instances.ContainsKey(n));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void FiresAndKeepsTheValue(string rule)
    {
        var expr = Instances[rule]();
        var (outs, trace) = Rulebook.Engine.Run([expr]);
        Assert.Contains(trace.Steps, s => s.Rule == rule);
        var rng = new Random(rule.Length);
        var value = NDArray.From(Enumerable.Range(0, 24).Select(_ => rng.NextDouble() + 0.5).ToArray(), 2, 3, 4);
        var before = Interpreter.Evaluate(expr, (X, value));
        var after = Interpreter.Evaluate(outs[0], (X, value));
        Backend.BackendHarness.AssertClose(before, after, 1e-12);
        Backend.BackendHarness.AssertClose(before, Function.Compile([X], [expr]).Invoke(value)[0], 1e-12);
    }
}
