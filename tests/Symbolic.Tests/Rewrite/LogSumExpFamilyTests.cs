using Symbolic.Rewrite.Differentiate;

namespace Symbolic.Tests.Rewrite;

/// <summary>
/// logaddexp of any number of terms, logsumexp through views between its pieces, and the log of a softmax seen
/// through views, at ±1000 where the naive formula overflows: value and gradient in float32 and float64 against
/// the exact values, with the naive formula shown failing. Also the regressions of issue 11's softmax defects.
/// </summary>
public class LogSumExpFamilyTests
{
    public sealed record Case(string Name, string Rule, int[] Shape, Func<Variable, Variable> Build, double[] Input, double[] Value, double[] Gradient);

    private static readonly double Ln2 = Math.Log(2), Ln3 = Math.Log(3);

    private static readonly Case[] Cases =
    [
        new("logaddexp-three-terms", "logaddexp-many", [3], x => T.Log(T.Exp(x[0]) + T.Exp(x[1]) + T.Exp(x[2])),
            [1000, 1000, -1000], [1000 + Ln2], [0.5, 0.5, 0]),
        new("logaddexp-three-equal-terms", "logaddexp-many", [3], x => T.Log(T.Exp(x[0]) + T.Exp(x[1]) + T.Exp(x[2])),
            [-1000, -1000, -1000], [-1000 + Ln3], [1 / 3.0, 1 / 3.0, 1 / 3.0]),
        new("logaddexp-four-terms-balanced", "logaddexp-many", [4], x => T.Log((T.Exp(x[0]) + T.Exp(x[1])) + (T.Exp(x[2]) + T.Exp(x[3]))),
            [1000, -1000, 1000, -1000], [1000 + Ln2], [0.5, 0, 0.5, 0]),
        new("logaddexp-with-one", "logaddexp-log1p", [2], x => T.Log(T.Exp(x[0]) + T.Exp(x[1]) + 1),
            [1000, -1000], [1000], [1, 0]),
        new("logsumexp-of-transpose", "logsumexp-through-dimshuffle", [2, 2], x => T.Log(T.Sum(T.Transpose(T.Exp(x)), 0)),
            [1000, -1000, 1000, 1000], [1000, 1000 + Ln2], [1, 0, 0.5, 0.5]),
        new("logsumexp-transposed", "logsumexp-dimshuffled", [2, 2], x => T.Log(T.Transpose(T.Sum(T.Exp(x), 1, keepDims: true))),
            [1000, -1000, 1000, 1000], [1000, 1000 + Ln2], [1, 0, 0.5, 0.5]),
        new("logsumexp-two-axes-keepdims", "logsumexp", [2, 1, 2], x => T.Log(T.Sum(T.Exp(x), [0, 2], keepDims: true)),
            [1000, 1000, -1000, -1000], [1000 + Ln2], [0.5, 0.5, 0, 0]),
        new("log-softmax-indexed", "log-softmax-view", [2, 2], x => T.Log(T.Softmax(x)[0]),
            [1000, -1000, 0, 0], [0, -2000], [-1, 1, 0, 0]),
        new("log-softmax-sliced", "log-softmax-view", [2, 2], x => T.Log(T.Softmax(x)[.., 1]),
            [1000, -1000, -1000, 1000], [-2000, 0], [-1, 1, 0, 0]),
        new("log-softmax-reshaped", "log-softmax-view", [2, 2], x => T.Log(T.Reshape(T.Softmax(x), 4)),
            [1000, -1000, -1000, 1000], [0, -2000, -2000, 0], [-1, 1, 1, -1]),
        new("log-softmax-taken", "crossentropy-softmax", [3], x => T.Log(T.Take(T.Softmax(x), T.Constant(NDArray.From(new long[] { 2, 0 }, 2)))),
            [1000, 0, -1000], [-2000, 0], [-1, 0, 1]),
    ];

    public static TheoryData<string, DType> NamesAndDTypes()
    {
        var d = new TheoryData<string, DType>();
        foreach (var c in Cases)
        {
            d.Add(c.Name, DType.Float32);
            d.Add(c.Name, DType.Float64);
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(NamesAndDTypes))]
    public void ValueAndGradientAtTheExtremes(string name, DType dtype)
    {
        var c = Cases.Single(k => k.Name == name);
        var x = T.Tensor("x", c.Shape.Length, dtype);
        var y = c.Build(x);
        var cost = T.Sum(y);
        var input = dtype == DType.Float32 ? NDArray.From(c.Input.Select(v => (float)v).ToArray(), c.Shape) : NDArray.From(c.Input, c.Shape);

        // The naive formula, value and gradient, as built: it fails.
        var naiveGrad = Gradient.Backward(cost, T.Constant(1.0, dtype), [x])[0];
        var naive = Function.Compile([x], [y, naiveGrad], options: new CompileOptions { Optimize = false }).Invoke(input);
        Assert.False(Close(naive[0].ToArray<double>(), c.Value, dtype) && Close(naive[1].ToArray<double>(), c.Gradient, dtype),
            $"{name}: the naive formula already gives the truth; the case shows nothing.");

        var f = Function.Compile([x], [y, T.Grad(cost, x)]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == c.Rule);
        var outs = f.Invoke(input);
        var value = outs[0].ToArray<double>();
        var grad = outs[1].ToArray<double>();
        Assert.True(Close(value, c.Value, dtype), $"{name} {dtype}: value [{string.Join(", ", value)}], expected [{string.Join(", ", c.Value)}].\n{f.DebugPrint()}");
        Assert.True(Close(grad, c.Gradient, dtype), $"{name} {dtype}: gradient [{string.Join(", ", grad)}], expected [{string.Join(", ", c.Gradient)}].");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void EqualInfiniteTermsGiveThatInfinity(DType dtype)
    {
        var a = T.Vector("a", dtype);
        var b = T.Vector("b", dtype);
        var c = T.Vector("c", dtype);
        var two = T.Log(T.Exp(a) + T.Exp(b));
        var three = T.Log(T.Exp(a) + T.Exp(b) + T.Exp(c));
        var f = Function.Compile([a, b, c], [two, three]);
        double inf = double.PositiveInfinity;
        double[] av = [-inf, inf, inf, -inf, 5], bv = [-inf, inf, -inf, 5, 5];
        NDArray Arr(double[] v) => dtype == DType.Float32 ? NDArray.From(v.Select(d => (float)d).ToArray(), v.Length) : NDArray.From(v, v.Length);
        var outs = f.Invoke(Arr(av), Arr(bv), Arr(av));
        Assert.Equal(new[] { -inf, inf, inf, 5, 5 + Math.Log(2) }, outs[0].ToArray<double>(), new ToleranceComparer());
        Assert.Equal(new[] { -inf, inf, inf, 5, 5 + Math.Log(3) }, outs[1].ToArray<double>(), new ToleranceComparer());
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => a.Equals(b) || Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b));
        public int GetHashCode(double d) => 0;
    }

    [Fact]
    public void SoftmaxWrittenWithTheLogsumexpShiftCompiles()
    {
        // Defect: e / sum(e) with e = exp(x - stop_gradient(switch(isfinite(m), m, 0))) threw InvalidCastException in the
        // softmax specialization, which cast the shift's node to a reduction without checking it.
        var x = T.Matrix("x");
        var m = T.Max(x, 1, keepDims: true);
        var shift = T.StopGradient(T.Switch(Symbolic.TensorMath.Elem(Symbolic.Ops.ScalarOps.ByName("isfinite")!, m), m, 0));
        var e = T.Exp(x - shift);
        var softmax = e / T.Sum(e, 1, keepDims: true);
        var f = Function.Compile([x], [softmax]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "softmax-op");
        var got = f.Invoke(NDArray.From(new float[] { 1000, 1000, 0, -1000 }, 2, 2))[0].ToArray<float>();
        Assert.Equal(new[] { 0.5f, 0.5f, 1, 0 }, got);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AnEmptyAxisGivesWhatTheFormulaGives(DType dtype)
    {
        // Defect: the stabilizing shift is a max, and a max over an empty axis raised "an empty max has no value",
        // where log(sum(exp(x))) over nothing is log(0) = -inf and a softmax over nothing is empty. The shift's max
        // is now -inf there, and the isfinite switch makes it 0.
        var x = T.Matrix("x", dtype);
        Variable[] outs = [T.Log(T.Sum(T.Exp(x), 1)), T.Softmax(x), T.LogSoftmax(x), T.Exp(x) / T.Sum(T.Exp(x), 1, keepDims: true), T.Log(T.Sum(T.Exp(x), 1, keepDims: true))];
        var empty = NDArray.Zeros(dtype, 2, 0);
        var naive = Function.Compile([x], [outs[0]], options: new CompileOptions { Optimize = false }).Invoke(empty);
        Assert.All(naive[0].ToArray<double>(), v => Assert.Equal(double.NegativeInfinity, v));
        var f = Function.Compile([x], outs);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "logsumexp");
        var got = f.Invoke(empty);
        Assert.Equal(new[] { double.NegativeInfinity, double.NegativeInfinity }, got[0].ToArray<double>());
        Assert.Equal(new[] { 2, 0 }, got[1].Shape);
        Assert.Equal(new[] { 2, 0 }, got[2].Shape);
        Assert.Equal(new[] { 2, 0 }, got[3].Shape);
        Assert.Equal(new[] { double.NegativeInfinity, double.NegativeInfinity }, got[4].ToArray<double>());
        var reference = Interpreter.Evaluate(outs, new Dictionary<Variable, NDArray> { [x] = empty });
        Assert.Equal(new[] { double.NegativeInfinity, double.NegativeInfinity }, reference[0].ToArray<double>());
        // A plain max over an empty axis still raises: it has no value.
        var e = Assert.Throws<ArgumentException>(() => Function.Compile([x], [T.Max(x, 1)]).Invoke(empty));
        Assert.Contains("empty", e.Message);
    }

    private static bool Close(double[] got, double[] truth, DType dtype) =>
        got.Length == truth.Length && got.Zip(truth).All(p => double.IsFinite(p.First)
            && Math.Abs(p.First - p.Second) <= (dtype == DType.Float32 ? 1e-5 : 1e-12) * Math.Max(1, Math.Abs(p.Second)));
}
