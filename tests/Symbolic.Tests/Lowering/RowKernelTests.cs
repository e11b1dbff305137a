using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Lowering;

/// <summary>
/// The row kernels against the interpreter: reductions over trailing and leading axes (the vector
/// path with its accumulators and tails) at sizes around the vector width, on contiguous,
/// transposed, sliced and broadcast operands, with NaN and infinities, in every dtype; the
/// two-pass softmax on extreme rows; and the same results call after call.
/// </summary>
public class RowKernelTests
{
    public static TheoryData<int, DType> Lengths()
    {
        var data = new TheoryData<int, DType>();
        foreach (var t in new[] { DType.Float32, DType.Float64 })
            foreach (var n in new[] { 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 257, 70001 })
                data.Add(n, t);
        return data;
    }

    private static Variable[] Reductions(Variable x, int axis) =>
    [
        T.Sum(x, axis), T.Max(x, axis), T.Min(x, axis), T.Mean(x, axis, keepDims: true),
        T.Prod(x * 0.1 + 1, axis), T.Sum(T.Exp(x) * 2 - x, axis),
    ];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TrailingAxisOfEveryLength(int n, DType t)
    {
        var rng = new Random(n);
        int rows = n > 1000 ? 3 : 5;
        var x = T.Matrix("x", t);
        BackendHarness.AgreesWithInterpreter([x], Reductions(x, 1), [BackendHarness.Random(rng, t, [rows, n])]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LeadingAxisOfEveryWidth(int n, DType t)
    {
        var rng = new Random(n + 7);
        int rows = n > 1000 ? 3 : 6;
        var x = T.Matrix("x", t);
        BackendHarness.AgreesWithInterpreter([x], Reductions(x, 0), [BackendHarness.Random(rng, t, [rows, n])]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void StridedSlicedAndBroadcastOperands(DType t)
    {
        var rng = new Random(3);
        var x = T.Matrix("x", t);
        var b = T.Vector("b", t);
        var cv = T.Vector("c", t);
        var c = T.DimShuffle(cv, 0, 'x');
        var xt = x.Transpose();
        Variable[] outs =
        [
            T.Sum(xt, 1), T.Max(xt, 0), T.Sum(xt * b, 1), T.Max(x + b, 1), T.Sum(x[.., 1..], 1), T.Min(x[1.., ..], 0),
            T.Sum(x - c, 1), T.Sum(x * c, 0), T.Sum(x), T.Max(xt), T.Mean(T.Tanh(x) + b),
        ];
        BackendHarness.AgreesWithInterpreter([x, b, cv], outs,
            [BackendHarness.Random(rng, t, [19, 19]), BackendHarness.Random(rng, t, [19]), BackendHarness.Random(rng, t, [19])]);
    }

    [Fact]
    public void ThreeDimensionsOverTrailingAndLeadingBlocks()
    {
        var rng = new Random(5);
        var x = T.Tensor3("x", DType.Float32);
        var v = T.Vector("v", DType.Float32);
        var col = T.DimShuffle(v, 0, 'x');   // 5 x 1: broadcast along part of a block
        Variable[] outs =
        [
            T.Sum(x, [1, 2]), T.Max(x, [0, 1]), T.Sum(x, 2), T.Mean(x, 0), T.Sum(x, 1), T.Sum(T.Transpose(x, 2, 0, 1), 2),
            // Operands whose strides do not merge into the two blocks: copied, broadcast and contiguous, first.
            T.Sum(x * col, [1, 2]), T.Mean(T.Exp(T.Transpose(x, 0, 2, 1)) - col.Transpose(), [0, 1]), T.Prod(T.Transpose(x, 1, 0, 2) * 0.5 + 1, [0, 1]),
            T.Min(x + col, [1, 2]), T.Sum(T.Transpose(x, 2, 1, 0)),
        ];
        BackendHarness.AgreesWithInterpreter([x, v], outs, [BackendHarness.Random(rng, DType.Float32, [3, 5, 17]), BackendHarness.Random(rng, DType.Float32, [5])]);
    }

    [Theory]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void IntegerAndBooleanSums(DType t)
    {
        var rng = new Random(9);
        var x = T.Matrix("x", t);
        Variable[] outs = t == DType.Bool
            ? [T.Sum(x, 1), T.Sum(x, 0), T.Mean(x, 1)]
            : [T.Sum(x, 1), T.Sum(x, 0), T.Max(x, 1), T.Min(x, 0), T.Prod(x, 1), T.Mean(x, 0)];
        BackendHarness.AgreesWithInterpreter([x], outs, [BackendHarness.Random(rng, t, [7, 19])]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NaNAndInfinitiesInRows(DType t)
    {
        // Rows of 19 (two vectors and a tail in float32): NaN in the vector part and in the tail,
        // +inf, -inf, both infinities (a NaN sum), and a plain row.
        var data = new double[6 * 19];
        var rng = new Random(11);
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() * 4 - 2;
        data[0 * 19 + 3] = double.NaN;
        data[1 * 19 + 18] = double.NaN;
        data[2 * 19 + 5] = double.PositiveInfinity;
        data[3 * 19 + 17] = double.NegativeInfinity;
        data[4 * 19 + 2] = double.PositiveInfinity;
        data[4 * 19 + 11] = double.NegativeInfinity;
        var x = T.Matrix("x", t);
        var values = NDArray.FromDoubles(t, [6, 19], data);
        BackendHarness.AgreesWithInterpreter([x], [.. Reductions(x, 1), .. Reductions(x, 0)], [values]);
    }

    [Fact]
    public void ResultsAreTheSameCallAfterCall()
    {
        var rng = new Random(13);
        var x = T.Matrix("x");
        var f = Function.Compile([x], [T.Sum(x, 1), T.Sum(x, 0), T.Sum(x), RowSoftmax(x)]);
        var value = BackendHarness.Random(rng, DType.Float32, [64, 70001 / 64 + 3], -100, 100);
        var first = f.Invoke(value);
        for (int call = 0; call < 3; call++)
        {
            var again = f.Invoke(value);
            for (int o = 0; o < first.Length; o++) Assert.Equal(first[o].ToArray<float>(), again[o].ToArray<float>());
        }
    }

    private static Variable RowSoftmax(Variable x) => T.Softmax(x);

    public static TheoryData<string> ExtremeRows() =>
    [
        "plain", "all-equal", "huge", "tiny", "some-neg-inf", "all-neg-inf", "pos-inf", "nan", "rising", "falling",
    ];

    /// <summary>One row of n values of a named kind.</summary>
    internal static double[] Row(string kind, int n, Random rng) => Enumerable.Range(0, n).Select(i => kind switch
    {
        "all-equal" => 3.25,
        "huge" => (rng.NextDouble() - 0.5) * 1e30,
        "tiny" => (rng.NextDouble() - 0.5) * 1e-30,
        "some-neg-inf" => i % 3 == 1 ? double.NegativeInfinity : rng.NextDouble() * 10,
        "all-neg-inf" => double.NegativeInfinity,
        "pos-inf" => i == n / 2 ? double.PositiveInfinity : rng.NextDouble(),
        "nan" => i == n - 1 ? double.NaN : rng.NextDouble(),
        "rising" => i * 0.5, // a new maximum in every block: every rescale taken
        "falling" => -i * 0.5,
        _ => rng.NextDouble() * 20 - 10,
    }).ToArray();

    [Theory]
    [MemberData(nameof(ExtremeRows))]
    public void SoftmaxOfExtremeRows(string kind)
    {
        var rng = new Random(kind.Length);
        foreach (var t in new[] { DType.Float32, DType.Float64 })
            foreach (var n in new[] { 1, 5, 8, 9, 33, 100, 1000 })
            {
                var rows = Enumerable.Range(0, 3).SelectMany(r => r == 1 ? Row(kind, n, rng) : Row("plain", n, rng)).ToArray();
                var x = T.Matrix("x", t);
                var values = NDArray.FromDoubles(t, [3, n], rows);
                BackendHarness.AgreesWithInterpreter([x], [T.Softmax(x), T.Softmax(x, 0)], [values]);
            }
    }

    [Fact]
    public void SoftmaxOfNoRowsAndOfManyRows()
    {
        var x = T.Matrix("x");
        // Rows of length 0 have no maximum (the interpreter refuses them); no rows at all is fine.
        BackendHarness.AgreesWithInterpreter([x], [T.Softmax(x)], [NDArray.Zeros(DType.Float32, 0, 7)]);
        var rng = new Random(17);
        BackendHarness.AgreesWithInterpreter([x], [T.Softmax(x), T.Softmax(x.Transpose())], [BackendHarness.Random(rng, DType.Float32, [3000, 45], -20, 20)]);
    }

    [Fact]
    public void SoftmaxIsOneKernelThatReadsItsInputTwice()
    {
        var x = T.Matrix("x");
        var f = Function.Compile([x], [T.Softmax(x)]);
        Assert.Single(f.Kernels);
        Assert.Contains("RowSoftmax.Into", f.Kernels[0].Source);
    }
}
