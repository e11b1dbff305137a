namespace Symbolic.Tests.Rewrite;

/// <summary>
/// Each stabilization through Function.Compile in float32, at inputs (around ±1000, or tiny) where the
/// naive float32 formula or its gradient gives 0, inf or NaN: the value and the gradient of its sum against the
/// float64 truth. The gradient is T.Grad's, which is built from the stabilized cost.
/// </summary>
public class CompiledStabilityTests
{
    public sealed record Case(string Name, int[] Shape, Func<Variable, Variable> Build, float[] Input, double[] Value, double[] Gradient);

    private static readonly double Ln2 = Math.Log(2);

    private static readonly Case[] Cases =
    [
        new("log1p", [2], x => T.Log(1 + x), [1e-10f, -3e-9f], [1e-10, -3e-9], [1, 1]),
        new("expm1", [2], x => T.Exp(x) - 1, [1e-10f, -4e-9f], [1e-10, -4e-9], [1, 1]),
        new("expm1-written-as-add", [2], x => T.Exp(x) + (-1), [1e-10f, -4e-9f], [1e-10, -4e-9], [1, 1]),
        new("softplus", [3], x => T.Log(1 + T.Exp(x)), [1000, -1000, 0], [1000, 0, Ln2], [1, 0, 0.5]),
        new("softplus-commuted", [2], x => T.Log(T.Exp(x) + 1), [1000, -1000], [1000, 0], [1, 0]),
        new("log-sigmoid", [2], x => T.Log(T.Sigmoid(x)), [1000, -1000], [0, -1000], [0, 1]),
        new("log-one-minus-sigmoid", [2], x => T.Log(1 - T.Sigmoid(x)), [1000, -1000], [-1000, 0], [-1, 0]),
        new("log-one-minus-sigmoid-as-mul", [2], x => T.Log(T.Sigmoid(x) * -1 + 1), [1000, -1000], [-1000, 0], [-1, 0]),
        new("sigmoid-from-exp-ratio", [2], x => T.Exp(x) / (1 + T.Exp(x)), [1000, -1000], [1, 0], [0, 0]),
        new("sigmoid-of-neg-from-inverse", [2], x => 1 / (1 + T.Exp(x)), [1000, -1000], [0, 1], [0, 0]),
        new("sigmoid-from-exp-ratio-commuted", [2], x => T.Exp(x) / (T.Exp(x) + 1), [1000, -1000], [1, 0], [0, 0]),
        new("binary-crossentropy-of-sigmoid", [4], x => T.BinaryCrossentropy(T.Sigmoid(x), T.Constant(NDArray.From(new float[] { 1, 0, 0, 1 }, 4))),
            [1000, -1000, 1000, -1000], [0, 0, 1000, 1000], [0, 0, 1, -1]),
        new("log-softmax", [3], x => T.Log(T.Softmax(x)), [1000, -1000, 0], [0, -2000, -1000], [-2, 1, 1]),
        new("log-of-hand-written-softmax", [3], x => T.Log(T.Exp(x) / T.Sum(T.Exp(x))), [1000, -1000, 0], [0, -2000, -1000], [-2, 1, 1]),
        new("log-softmax-axis-0", [2, 2], x => T.Log(T.Softmax(x, 0)), [1000, 0, -1000, 0], [0, -Ln2, -2000, -Ln2], [-1, 0, 1, 0]),
        new("logsumexp", [3], x => T.Log(T.Sum(T.Exp(x))), [1000, 1000, -1000], [1000 + Ln2], [0.5, 0.5, 0]),
        new("logsumexp-two-axes", [2, 2], x => T.Log(T.Sum(T.Exp(x), [0, 1])), [1000, 1000, -1000, -1000], [1000 + Ln2], [0.5, 0.5, 0, 0]),
        new("logaddexp-tie", [2], x => T.Log(T.Exp(x[0]) + T.Exp(x[1])), [1000, 1000], [1000 + Ln2], [0.5, 0.5]),
        new("logaddexp-apart", [2], x => T.Log(T.Exp(x[0]) + T.Exp(x[1])), [-1000, 1000], [1000], [0, 1]),
        new("logaddexp-low-tie", [2], x => T.Log(T.Exp(x[0]) + T.Exp(x[1])), [-1000, -1000], [-1000 + Ln2], [0.5, 0.5]),
        new("crossentropy-of-softmax", [2, 2], x => T.CategoricalCrossentropy(T.Softmax(x), T.Constant(NDArray.From(new long[] { 1, 1 }, 2))),
            [1000, -1000, -1000, 1000], [2000, 0], [1, -1, 0, 0]),
        new("crossentropy-of-hand-written-softmax", [2, 2], x => T.CategoricalCrossentropy(T.Exp(x) / T.Sum(T.Exp(x), 1, keepDims: true), T.Constant(NDArray.From(new long[] { 1, 1 }, 2))),
            [1000, -1000, -1000, 1000], [2000, 0], [1, -1, 0, 0]),
    ];

    public static TheoryData<string> Names() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void ValueAndGradientMatchTheFloat64Truth(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var x = T.Tensor("x", c.Shape.Length, DType.Float32);
        var y = c.Build(x);
        var g = T.Grad(T.Sum(y), x);
        var input = NDArray.From(c.Input, c.Shape);

        // The naive value and the naive gradient (the reverse sweep over the graph as built, which T.Grad
        // does not do: it differentiates the stabilized cost); at least one of them must fail.
        var cost = T.Sum(y);
        var naiveGrad = Symbolic.Rewrite.Differentiate.Gradient.Backward(cost, T.Constant(1.0, DType.Float32), [x])[0];
        var naive = Function.Compile([x], [y, naiveGrad], options: new CompileOptions { Optimize = false }).Invoke(input);
        Assert.False(Close(naive[0].ToArray<float>(), c.Value) && Close(naive[1].ToArray<float>(), c.Gradient),
            $"{name}: the naive float32 formula already gives the truth, value and gradient; the case shows nothing.");

        var outs = Function.Compile([x], [y, g]).Invoke(input);
        var value = outs[0].ToArray<float>();
        var grad = outs[1].ToArray<float>();
        Assert.True(Close(value, c.Value), $"{name}: value [{string.Join(", ", value)}], expected [{string.Join(", ", c.Value)}].");
        Assert.True(Close(grad, c.Gradient), $"{name}: gradient [{string.Join(", ", grad)}], expected [{string.Join(", ", c.Gradient)}].");
    }

    [Fact]
    public void LogsumexpOfRowsWithInfinitiesIsWhatTheFormulaGives()
    {
        // A row of -inf (a fully masked row) sums exp to 0, and the log is -inf; a row holding +inf gives +inf.
        // A shift by the row's max alone would compute -inf - -inf (or inf - inf) = NaN there.
        var x = T.Matrix("x");
        var y = T.Log(T.Sum(T.Exp(x), 1));
        var f = Function.Compile([x], [y]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "logsumexp");
        var inf = float.PositiveInfinity;
        var got = f.Invoke(NDArray.From(new float[] { -inf, -inf, inf, 0, 1000, 1000 }, 3, 2))[0].ToArray<float>();
        Assert.Equal(float.NegativeInfinity, got[0]);
        Assert.Equal(inf, got[1]);
        Assert.Equal(1000 + Math.Log(2), got[2], 1e-3);
    }

    [Fact]
    public void GradientWithRespectToAComputedVariableIsStabilizedToo()
    {
        // The logits are computed (x @ w), and the gradient is asked of them, as when one inspects what flows
        // into a layer: the cut at the logits keeps them while the cost above them is stabilized.
        var x = T.Matrix("x");
        var w = T.Matrix("w");
        var logits = T.Dot(x, w);
        var labels = T.Constant(NDArray.From(new long[] { 1, 1 }, 2));
        var loss = T.Sum(T.CategoricalCrossentropy(T.Softmax(logits), labels));
        var z = x * 2;
        var softplus = T.Sum(T.Log(1 + T.Exp(z)));
        var f = Function.Compile([x, w], [T.Grad(loss, logits), T.Grad(softplus, z)]);
        var outs = f.Invoke(NDArray.From(new float[] { 1000, -1000, -1000, 1000 }, 2, 2), NDArray.From(new float[] { 1, 0, 0, 1 }, 2, 2));
        Assert.True(Close(outs[0].ToArray<float>(), [1, -1, 0, 0]), $"d loss / d logits: [{string.Join(", ", outs[0].ToArray<float>())}]");
        Assert.True(Close(outs[1].ToArray<float>(), [1, 0, 0, 1]), $"d softplus / d z: [{string.Join(", ", outs[1].ToArray<float>())}]");
    }

    [Fact]
    public void GradientWithRespectToNestedVariablesKeepsEveryPath()
    {
        // h is computed from x, and both are asked for: x's gradient must include the path through h.
        var x = T.Vector("x");
        var h = T.Exp(x);
        var cost = T.Sum(h * x);
        var g = T.Grad(cost, x, h);
        var outs = Function.Compile([x], [g[0], g[1]]).Invoke(NDArray.From(new float[] { 0, 1 }, 2));
        var e = Math.E;
        Assert.True(Close(outs[0].ToArray<float>(), [1, e + e]), $"d cost / d x: [{string.Join(", ", outs[0].ToArray<float>())}]");
        Assert.True(Close(outs[1].ToArray<float>(), [0, 1]), $"d cost / d h: [{string.Join(", ", outs[1].ToArray<float>())}]");
    }

    /// <summary>Relative to the truth, so that 0 is not close to a tiny true value; a true 0 allows 1e-7.</summary>
    private static bool Close(float[] got, double[] truth) =>
        got.Length == truth.Length && got.Zip(truth).All(p => float.IsFinite(p.First) && Math.Abs(p.First - p.Second) <= (p.Second == 0 ? 1e-7 : 1e-5 * Math.Abs(p.Second)));
}
