namespace Symbolic.Tests.Core;

/// <summary>The interpreter against values worked out by hand.</summary>
public class InterpreterValueTests
{
    private static readonly Variable V = T.Vector("v", DType.Float64);
    private static readonly Variable M = T.Matrix("m", DType.Float64);
    private static readonly NDArray Mv = NDArray.From(new double[,] { { 1, -2, 3 }, { 4, 5, -6 } });

    private static double[] EvalV(Variable e, params double[] v) => Interpreter.Evaluate(e, (V, NDArray.From(v, v.Length))).ToArray<double>();

    private static double[] EvalM(Variable e) => Interpreter.Evaluate(e, (M, Mv)).ToArray<double>();

    public static TheoryData<string, Func<Variable>, double[], double[]> Elementwise() => new()
    {
        { "exp", () => T.Exp(V), [0, 1], [1, Math.E] },
        { "log", () => T.Log(V), [1, Math.E], [0, 1] },
        { "log1p tiny", () => T.Log1p(V), [1e-20], [1e-20] },
        { "expm1 tiny", () => T.Expm1(V), [1e-20], [1e-20] },
        { "softplus", () => T.Softplus(V), [1000, 0, -1000], [1000, Math.Log(2), 0] },
        { "sigmoid", () => T.Sigmoid(V), [0, 1000, -1000], [0.5, 1, 0] },
        { "relu", () => T.Relu(V), [-1, 2], [0, 2] },
        { "sign", () => T.Sign(V), [-3, 0, 2], [-1, 0, 1] },
        { "abs", () => T.Abs(V), [-3, 2], [3, 2] },
        { "sqr sqrt", () => T.Sqr(V) + T.Sqrt(V), [4, 9], [18, 84] },
        { "floor ceil", () => T.Floor(V) * 10 + T.Ceil(V), [1.5, -1.5], [12, -21] },
        { "tanh sin cos", () => T.Tanh(V) + T.Sin(V) + T.Cos(V), [0], [1] },
        { "clip", () => T.Clip(V, -1, 1), [-5, 0.5, 5], [-1, 0.5, 1] },
        { "maximum nan", () => T.Maximum(V, 0), [double.NaN, -1, 2], [double.NaN, 0, 2] },
        { "pow", () => T.Pow(V, 3), [2, -1], [8, -1] },
        { "switch", () => T.Switch(T.Gt(V, 0), V, -V), [3, -4], [3, 4] },
        { "comparisons", () => T.Cast(T.Lt(V, 1), DType.Float64) + T.Cast(T.Eq(V, 1), DType.Float64) * 2, [0, 1, 2], [1, 2, 0] },
        { "logic", () => T.Cast(T.And(T.Gt(V, 0), T.Not(T.Gt(V, 2))), DType.Float64), [-1, 1, 3], [0, 1, 0] },
        { "cast truncates", () => T.Cast(T.Cast(V, DType.Int32), DType.Float64), [2.9, -2.9], [2, -2] },
    };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void ElementwiseValues(string name, Func<Variable> build, double[] input, double[] expected)
    {
        var got = EvalV(build(), input);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(double.IsNaN(expected[i]) ? double.IsNaN(got[i]) : Math.Abs(got[i] - expected[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{name}[{i}]: {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void Reductions()
    {
        Assert.Equal([5], EvalM(T.Sum(M)));
        Assert.Equal([5, 3, -3], EvalM(T.Sum(M, 0)));
        Assert.Equal([2, 3], EvalM(T.Sum(M, -1)));
        Assert.Equal([3, 5], EvalM(T.Max(M, 1)));
        Assert.Equal([-6], EvalM(T.Min(M)));
        Assert.Equal([720], EvalM(T.Prod(M)));
        Assert.Equal([2.5, 1.5, -1.5], EvalM(T.Mean(M, 0)));
        Assert.Equal([2, 1], EvalM(T.Argmax(M, 1)));
        Assert.Equal([4], EvalM(T.Argmax(M)));
        Assert.Equal([5], EvalM(T.Argmin(M)));
        Assert.Equal([1, 1], T.Argmax(M, [0, 1], keepDims: true).Type.Shape.Select(d => (double)d!.Value));
        Assert.Equal([4], EvalM(T.Cast(T.Argmax(M, [0, 1], keepDims: true), DType.Float64)));
    }

    [Fact]
    public void ArgmaxOverSeveralAxesIsTheFlatPositionWithinThem()
    {
        var x = T.Tensor3("x", DType.Float64);
        var data = NDArray.From(new double[] { 0, 9, 1, 2, /**/ 3, 4, 8, 5 }, 2, 2, 2);
        Assert.Equal(new long[] { 1, 2 }, Interpreter.Evaluate(T.Argmax(x, [1, 2]), (x, data)).ToArray<long>());
    }

    [Fact]
    public void DotAndShapes()
    {
        Assert.Equal([1 * 1 + -2 * -2 + 3 * 3, 1 * 4 + -2 * 5 + 3 * -6, 4 * 1 + 5 * -2 + -6 * 3, 16 + 25 + 36], EvalM(T.Dot(M, T.Transpose(M))));
        Assert.Equal([1, 4, -2, 5, 3, -6], EvalM(T.Transpose(M)));
        Assert.Equal([1, -2, 3, 4, 5, -6], EvalM(T.Reshape(M, 3, -1)));
        Assert.Equal([-2, 5], EvalM(M[.., 1]));
        Assert.Equal([-6], EvalM(M[^1, ^1]));
        Assert.Equal([4, 5], EvalM(M[1, ..2]));
        Assert.Equal([1, -2, 3, 4, 5, -6, 1, -2, 3, 4, 5, -6], EvalM(T.Concatenate([M, M], 0)));
        Assert.Equal([1, -2, 3, 1, -2, 3, 4, 5, -6, 4, 5, -6], EvalM(T.Concatenate([M, M], 1)));
        Assert.Equal([3, 4], EvalM(T.Take(M, T.Arange(2), T.Constant(NDArray.From(new long[] { 2, 0 }, 2)))));
        Assert.Equal([4, 5, -6, 4, 5, -6], EvalM(T.Take(M, T.Constant(NDArray.From(new long[] { -1, 1 }, 2)))));
    }

    [Fact]
    public void NeuralNetworkHelpers()
    {
        var rows = EvalM(T.Sum(T.Softmax(M), 1));
        Assert.All(rows, r => Assert.Equal(1, r, 12));
        Assert.Equal(EvalM(T.Log(T.Softmax(M))), EvalM(T.LogSoftmax(M)), (a, b) => Math.Abs(a - b) < 1e-12);
        var e = Math.Exp(1) + Math.Exp(-2) + Math.Exp(3);
        var ce = Interpreter.Evaluate(T.CategoricalCrossentropy(T.Softmax(M), T.Constant(NDArray.From(new long[] { 2, 0 }, 2))), (M, Mv)).ToArray<double>();
        Assert.Equal(-Math.Log(Math.Exp(3) / e), ce[0], 12);
        Assert.Equal([-Math.Log(0.5) * 2], EvalV(T.Sum(T.BinaryCrossentropy(T.Constant(NDArray.From(new[] { 0.5, 0.5 }, 2)), V)), 1, 0), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([2.5], EvalV(T.MeanSquaredError(V, T.Constant(NDArray.From(new[] { 0.0, 0.0 }, 2))), 1, 2));
    }
}
