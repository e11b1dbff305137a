using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Core;

/// <summary>Values NumPy gives for corner cases, checked in the interpreter and in the compiled C#.</summary>
public class NumPySemanticsTests
{
    private static NDArray[] Run(Variable[] inputs, Variable[] outputs, params NDArray[] values)
    {
        AgreesWithInterpreter(inputs, outputs, values);
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Length; i++) given[inputs[i]] = values[i];
        return Interpreter.Evaluate(outputs, given);
    }

    [Fact]
    public void CrossentropyOfIntegerLabelsOverSeveralLeadingAxesPicksOneEntryPerDistribution()
    {
        var p = T.Tensor3("p", DType.Float64);
        var y = T.Matrix("y", DType.Int64);
        var probs = new double[] { 0.2, 0.3, 0.5, 0.6, 0.3, 0.1, 0.1, 0.1, 0.8, 0.25, 0.25, 0.5 };
        var got = Run([p, y], [T.CategoricalCrossentropy(p, y)],
            NDArray.From(probs, 2, 2, 3), NDArray.From(new long[] { 2, 0, 1, 1 }, 2, 2))[0];
        Assert.Equal([2, 2], got.Shape);
        Assert.Equal(new[] { -Math.Log(0.5), -Math.Log(0.6), -Math.Log(0.1), -Math.Log(0.25) }, got.ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void ClipWithLowAboveHighGivesHighEverywhere(DType dtype)
    {
        // np.clip(a, lo, hi) is np.minimum(np.maximum(a, lo), hi): with lo > hi every element is hi.
        var x = T.Vector("x", dtype);
        var got = Run([x], [T.Clip(x, 3, 1), T.Clip(x, 0, 2)], NDArray.FromDoubles(dtype, [4], [0, 2, 5, -1]));
        Assert.Equal(new double[] { 1, 1, 1, 1 }, got[0].ToArray<double>());
        Assert.Equal(new double[] { 0, 2, 2, 0 }, got[1].ToArray<double>());
    }

    public static TheoryData<string, Func<Variable>> AxisBelowMinusRank() => new()
    {
        { "Softmax", () => T.Softmax(T.Matrix("m"), -3) },
        { "LogSoftmax", () => T.LogSoftmax(T.Matrix("m"), -3) },
        { "Stack", () => T.Stack([T.Matrix("m"), T.Matrix("m")], -4) },
        { "Concatenate", () => T.Concatenate([T.Matrix("m"), T.Matrix("m")], -3) },
        { "Shape", () => TensorMath.ShapeOf(T.Matrix("m"), -3) },
    };

    [Theory]
    [MemberData(nameof(AxisBelowMinusRank))]
    public void AnAxisBelowMinusTheRankIsAnErrorNamingIt(string what, Func<Variable> build)
    {
        // Axes count from the end down to -ndim (-ndim - 1 for Stack's new axis); one further is out of range, not another axis.
        var e = Assert.Throws<ArgumentException>(build);
        Assert.Contains(what, e.Message);
        Assert.Contains("out of range", e.Message);
        Assert.Matches(what == "Stack" ? "axis -4 " : "axis -3 ", e.Message);
    }

    [Fact]
    public void Int32ArithmeticWrapsAtTheTypesRange()
    {
        // As NumPy's int32 (and the generated C#): results wrap modulo 2^32; abs and neg of the minimum stay the minimum.
        var x = T.Vector("x", DType.Int32);
        var got = Run([x], [x + 1, x * 2, -x, T.Abs(x), T.Sqr(x), x - 1],
            NDArray.From(new[] { int.MaxValue, int.MinValue, 65537, -3 }, 4));
        Assert.Equal(new[] { int.MinValue, int.MinValue + 1, 65538, -2 }, got[0].ToArray<int>());
        Assert.Equal(new[] { -2, 0, 131074, -6 }, got[1].ToArray<int>());
        Assert.Equal(new[] { -int.MaxValue, int.MinValue, -65537, 3 }, got[2].ToArray<int>());
        Assert.Equal(new[] { int.MaxValue, int.MinValue, 65537, 3 }, got[3].ToArray<int>());
        Assert.Equal(new[] { 1, 0, 131073, 9 }, got[4].ToArray<int>());
        Assert.Equal(new[] { int.MaxValue - 1, int.MaxValue, 65536, -4 }, got[5].ToArray<int>());
    }

    [Fact]
    public void Int64ArithmeticWrapsAtTheTypesRange()
    {
        var x = T.Vector("x", DType.Int64);
        var got = Run([x], [x * 4, T.Sqr(x)], NDArray.From(new long[] { 1L << 62, 1L << 40, -3 }, 3));
        Assert.Equal(new long[] { 0, 1L << 42, -12 }, got[0].ToArray<long>());
        Assert.Equal(new long[] { 0, 0, 9 }, got[1].ToArray<long>());
    }

    [Fact]
    public void Expm1KeepsItsDigitsForSmallArguments()
    {
        // np.expm1 is accurate to an ulp or two; exp(x) - 1 loses about log10(1/x) digits (1e-11 relative at x = 1e-5).
        static double Series(double x)
        {
            double term = x, sum = x;
            for (int n = 2; n < 40; n++) sum += term *= x / n;
            return sum;
        }
        double[] xs = [1.0053001964536e-05, -2.5e-5, 3e-4, -0.01, 0.3, -0.45, 1e-12, 0.7, -3, 40, -800, 800];
        var x = T.Vector("x", DType.Float64);
        var got = Run([x], [T.Expm1(x)], NDArray.From(xs, xs.Length))[0].ToArray<double>();
        for (int i = 0; i < xs.Length; i++)
        {
            double expected = Math.Abs(xs[i]) < 0.5 ? Series(xs[i]) : Math.Exp(xs[i]) - 1;
            Assert.True(expected == got[i] || Math.Abs(got[i] - expected) <= 4e-16 * Math.Abs(expected), $"expm1({xs[i]:R}) = {got[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void IntegerProductsWrapAtTheResultTypesRange()
    {
        // np.dot of int32 operands is int32 and wraps; a bool or int32 operand meeting an int64 one computes in int64.
        var a = T.Matrix("a", DType.Int32);
        var v = T.Vector("v", DType.Int32);
        var l = T.Vector("l", DType.Int64);
        var got = Run([a, v, l], [T.Dot(a, v), T.Dot(v, v), T.Dot(v, l), T.Dot(a, a)],
            NDArray.From(new[] { 65536, 65536, 1, 2 }, 2, 2), NDArray.From(new[] { 65536, 32768 }, 2), NDArray.From(new[] { 1L << 40, 3 }, 2));
        Assert.Equal(new[] { int.MinValue, 131072 }, got[0].ToArray<int>());
        Assert.Equal(new[] { 1 << 30 }, got[1].ToArray<int>());
        Assert.Equal(new[] { (1L << 56) + 98304 }, got[2].ToArray<long>());
        Assert.Equal(new[] { 65536, 131072, 65538, 65540 }, got[3].ToArray<int>());
    }

    [Fact]
    public void IntegerSumsAndProductsWrapAtTheResultTypesRange()
    {
        // np.prod and np.sum with an int32 or int64 result wrap; the interpreter accumulated in float64
        // and saturated (found by the fuzz tests: an int32 prod gave int32 max where the code wraps).
        var x = T.Matrix("x", DType.Int32);
        var l = T.Vector("l", DType.Int64);
        var k = T.Vector("k", DType.Int64);
        // int64 values the interpreter's float64 data holds exactly: 2^32 * 3 * 2^31 wraps to -2^63, so does 2^62 + 2^62.
        var got = Run([x, l, k], [T.Prod(x), T.Prod(x, 0), T.Sum(x, 1), T.Prod(l), T.Sum(k)],
            NDArray.From(new[] { 65536, 3, 65536, int.MaxValue }, 2, 2), NDArray.From(new[] { 1L << 32, 3L << 31 }, 2), NDArray.From(new[] { 1L << 62, 1L << 62 }, 2));
        Assert.Equal(new[] { 0 }, got[0].ToArray<int>());
        Assert.Equal(new[] { 0, unchecked(3 * int.MaxValue) }, got[1].ToArray<int>());
        Assert.Equal(new[] { 65539, unchecked(65536 + int.MaxValue) }, got[2].ToArray<int>());
        Assert.Equal(new[] { long.MinValue }, got[3].ToArray<long>());
        Assert.Equal(new[] { long.MinValue }, got[4].ToArray<long>());
    }

    [Fact]
    public void Int64ConstantsPastTwoToTheFiftyThreeStayDistinct()
    {
        // Constants are interned by value; keyed through doubles, 2^53 + 1 was taken for 2^53.
        var a = T.Constant(NDArray.From(new[] { 1L << 53 }, 1));
        var b = T.Constant(NDArray.From(new[] { (1L << 53) + 1 }, 1));
        Assert.NotSame(a, b);
        var v = T.Vector("v", DType.Int64);
        var got = Function.Compile([v], [v + b]).Invoke(NDArray.From(new long[] { 0 }, 1))[0];
        Assert.Equal(new[] { (1L << 53) + 1 }, got.ToArray<long>());
    }
}
