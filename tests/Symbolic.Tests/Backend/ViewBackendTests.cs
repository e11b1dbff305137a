using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

/// <summary>Broadcasting at every rank 0..4, and views (transposes, slices, dimshuffles, reshapes, split parts) feeding kernels and coming out as outputs.</summary>
public class ViewBackendTests
{
    /// <summary>A variable whose static shape marks the 1s of <paramref name="shape"/> as broadcastable.</summary>
    private static Variable Var(string name, DType dtype, int[] shape) =>
        T.Tensor(name, dtype, shape.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());

    public static TheoryData<string, string> RankPairs()
    {
        var d = new TheoryData<string, string>();
        string[] shapes = ["", "4", "1", "3x4", "1x4", "3x1", "2x3x4", "2x1x4", "1x3x1", "2x3x4x5", "2x1x1x5", "1x3x4x1"];
        foreach (var a in shapes)
            foreach (var b in shapes)
            {
                var (sa, sb) = (Shape(a), Shape(b));
                int rank = Math.Max(sa.Length, sb.Length);
                bool fits = Enumerable.Range(0, rank).All(k =>
                {
                    int da = k - (rank - sa.Length) is var ia && ia >= 0 ? sa[ia] : 1;
                    int db = k - (rank - sb.Length) is var ib && ib >= 0 ? sb[ib] : 1;
                    return da == db || da == 1 || db == 1;
                });
                // A sample of the pairs that broadcast, every rank from 0 to 4 on each side.
                if (fits && (a.Length * 7 + b.Length * 3) % 4 == 0) d.Add(a, b);
            }
        return d;
    }

    [Theory]
    [MemberData(nameof(RankPairs))]
    public void ElementwiseBroadcastsAcrossRanks(string sa, string sb)
    {
        var (sha, shb) = (Shape(sa), Shape(sb));
        var a = Var("a", DType.Float32, sha);
        var b = Var("b", DType.Float64, shb);
        var rng = new Random(sha.Length * 10 + shb.Length);
        // exp(a) is float32 in the backend and float64 in the interpreter (which rounds float32 only at the end): float32's tolerance.
        AgreesWithInterpreter([a, b], [a * b - T.Exp(a), T.Maximum(a, b), T.Gt(a, b)],
            [Random(rng, DType.Float32, sha), Random(rng, DType.Float64, shb)], tolerance: 2e-6);
    }

    [Fact]
    public void RowsAndColumnsBroadcast()
    {
        var m = T.Matrix("m");
        var row = T.Row("row");
        var col = T.Col("col");
        var v = T.Vector("v");
        var explicitRow = T.Tensor("r1", DType.Float32, 1, null);
        var rng = new Random(21);
        AgreesWithInterpreter([m, row, col, v, explicitRow],
            [m + row, m * col, row + col, m - v, col * v, explicitRow / (1 + T.Abs(m)), T.Sum(m * col, 0), T.Switch(T.Gt(m, row), col, v)],
            [Random(rng, DType.Float32, [3, 4]), Random(rng, DType.Float32, [1, 4]), Random(rng, DType.Float32, [3, 1]),
             Random(rng, DType.Float32, [4]), Random(rng, DType.Float32, [1, 4])]);
    }

    [Theory]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    [InlineData(DType.Float64)]
    public void RowAndColumnOfOtherDtypes(DType dtype)
    {
        var m = T.Matrix("m", dtype);
        var row = T.Row("row", dtype);
        var col = T.Col("col", dtype);
        var rng = new Random((int)dtype + 40);
        AgreesWithInterpreter([m, row, col], [m + row, T.Eq(m, col), T.Maximum(row, col), T.Cast(m, DType.Float32) * T.Cast(col, DType.Float32)],
            [Random(rng, dtype, [2, 5]), Random(rng, dtype, [1, 5]), Random(rng, dtype, [2, 1])]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int32)]
    public void TransposedInputsIntoElementwiseReductionsAndDot(DType dtype)
    {
        var a = T.Matrix("a", dtype);
        var b = T.Matrix("b", dtype);
        var rng = new Random((int)dtype);
        AgreesWithInterpreter([a, b],
            [T.Transpose(a) + b, T.Transpose(a) * T.Transpose(T.Transpose(b)), T.Dot(T.Transpose(a), T.Transpose(b)), T.Dot(b, a), T.Sum(T.Transpose(a), 1), T.Transpose(a)],
            [Random(rng, dtype, [3, 4]), Random(rng, dtype, [4, 3])]);
    }

    [Fact]
    public void TransposesOfRankThreeAndFour()
    {
        var x = T.Tensor4("x");
        var y = T.Tensor3("y");
        var rng = new Random(31);
        AgreesWithInterpreter([x, y],
            [T.Transpose(x, 3, 1, 0, 2) * 2, T.Transpose(x) + 1, T.Transpose(y, 2, 0, 1) - T.Transpose(y, 1, 2, 0), T.Dot(T.Transpose(y, 0, 2, 1), y)],
            [Random(rng, DType.Float32, [2, 3, 4, 5]), Random(rng, DType.Float32, [3, 3, 3])]);
    }

    [Fact]
    public void SlicesWithRangesAndFromEndIndicesFeedKernels()
    {
        var x = T.Tensor4("x");
        var m = T.Matrix("m");
        var rng = new Random(32);
        AgreesWithInterpreter([x, m],
            [
                x[1.., ^1] * 2, x[^2..^1, 0, 1..] + 1, T.Sum(x[.., 1..^1], 1), x[0, 0, 0, ^1] + m[^1, ^1], T.Dot(m[1.., ..^1], m[..^1, 1..]),
                m[^3..] - m[..3], T.Exp(m[.., 2..3]), m[2..1], x[^1][^1], T.Transpose(m)[1..][..2],
            ],
            [Random(rng, DType.Float32, [3, 4, 2, 5]), Random(rng, DType.Float32, [4, 4])]);
    }

    [Fact]
    public void DimShuffleAddsDropsAndReorders()
    {
        var x = T.Tensor3("x");
        var col = T.Col("col");
        var s = T.Scalar("s");
        var rng = new Random(33);
        AgreesWithInterpreter([x, col, s],
            [T.DimShuffle(x, 'x', 2, 'x', 0, 1), T.DimShuffle(col, 0), T.DimShuffle(col, 'x', 1, 0) + x, T.DimShuffle(s, 'x', 'x') * col, T.DimShuffle(x, 1, 'x', 2, 0)[.., 0]],
            [Random(rng, DType.Float32, [2, 4, 3]), Random(rng, DType.Float32, [3, 1]), Random(rng, DType.Float32, [])]);
    }

    [Fact]
    public void ReshapeOfStridedViewsCopiesAndOfContiguousDoesNot()
    {
        var x = T.Tensor3("x");
        var rng = new Random(34);
        AgreesWithInterpreter([x],
            [
                T.Reshape(T.Transpose(x, 1, 0, 2), 3, 8), T.Reshape(x[.., 1..], -1), T.Reshape(x[1..], 12) * 2, T.Flatten(T.Transpose(x), 2),
                T.Reshape(T.DimShuffle(x, 0, 'x', 1, 2), 2, 3, 4) + x, T.Reshape(x[0], 2, 2, 3), T.Reshape(T.Reshape(x, 4, 6)[1..3], 2, 2, 3),
            ],
            [Random(rng, DType.Float32, [2, 3, 4])]);
    }

    [Fact]
    public void ReshapeToSizesFromAnIntegerScalarInput()
    {
        var x = T.Vector("x");
        var n = T.Scalar("n", DType.Int64);
        var rng = new Random(35);
        AgreesWithInterpreter([x, n], [T.Reshape(x, [n, T.Constant(-1, DType.Int64)]), T.Reshape(x, [T.Constant(2, DType.Int64), n * 3])],
            [Random(rng, DType.Float32, [12]), NDArray.Scalar(2, DType.Int64)]);
    }

    [Fact]
    public void ViewsAndInputsAsOutputsAreContiguousCopies()
    {
        var m = T.Matrix("m");
        var f = Function.Compile([m], [T.Transpose(m), m[.., 1], m, T.StopGradient(m), T.DimShuffle(m, 0, 'x', 1)]);
        var data = NDArray.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var outs = f.Invoke(data);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, outs[0].ToArray<float>());
        Assert.Equal([3, 2], outs[0].Shape);
        Assert.Equal(new float[] { 2, 5 }, outs[1].ToArray<float>());
        Assert.Equal(data.ToArray<float>(), outs[2].ToArray<float>());
        Assert.Equal(data.ToArray<float>(), outs[3].ToArray<float>());
        Assert.Equal([2, 1, 3], outs[4].Shape);
    }

    [Fact]
    public void SplitPartsFromTheGradientOfConcatenate()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var c = T.Concatenate([a, T.Transpose(b), a * 2], 1);
        var cost = T.Sum(T.Sqr(c) * T.Arange(T.Shape(c, 1)).Cast(DType.Float32));
        var g = T.Grad(cost, a, b);
        var rng = new Random(36);
        AgreesWithInterpreter([a, b], [g[0], g[1], c], [Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [4, 2])]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("2x3")]
    [InlineData("2x3x2")]
    [InlineData("2x1x3x2")]
    public void EveryRankThroughAChainOfKernels(string shape)
    {
        var sh = Shape(shape);
        var x = T.Tensor("x", sh.Length, DType.Float64);
        var y = T.Tensor("y", sh.Length, DType.Int32);
        var rng = new Random(sh.Length + 50);
        AgreesWithInterpreter([x, y],
            [T.Tanh(x) * y + T.Sqr(x), T.Cast(T.Lt(x, y), DType.Int64) + y, T.Sum(x * y), T.Clip(y, -1, 2), T.Switch(T.Gt(x, 0), x, y)],
            [Random(rng, DType.Float64, sh), Random(rng, DType.Int32, sh)]);
    }
}
