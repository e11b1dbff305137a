using Symbolic.Ops;
using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

/// <summary>The generated structural kernels: take and its gradient, the gradient of slicing, concatenation, ranges and sizes.</summary>
public class IndexingBackendTests
{
    private static NDArray Longs(params long[] v) => NDArray.From(v, v.Length);

    private static NDArray Ints(params int[] v) => NDArray.From(v, v.Length);

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void TakeRowsOfEveryDtype(DType dtype)
    {
        var x = T.Matrix("x", dtype);
        var i = T.Vector("i", DType.Int64);
        AgreesWithInterpreter([x, i], [T.Take(x, i), T.Take(T.Transpose(x), i), T.Take(x, i, i)],
            [Random(new Random((int)dtype), dtype, [4, 4]), Longs(3, 0, -1, 1, 1, -4)]);
    }

    [Fact]
    public void TakeWithIndexArraysThatBroadcast()
    {
        var x = T.Tensor3("x");
        var rows = T.Col("rows", DType.Int32);
        var cols = T.Vector("cols", DType.Int64);
        var grid = T.Matrix("grid", DType.Int64);
        var rng = new Random(60);
        AgreesWithInterpreter([x, rows, cols, grid],
            [T.Take(x, rows, cols), T.Take(x, grid), T.Take(x, grid, cols), T.Take(x[.., 1..], rows), T.Take(x, T.Constant(1, DType.Int64)), T.Take(x, rows, cols, cols)],
            [Random(rng, DType.Float32, [3, 4, 5]), NDArray.From(new[] { 2, -3 }, 2, 1), Longs(0, 3, -1), NDArray.From(new long[] { 0, 1, 2, 2, 1, 0 }, 2, 3)]);
    }

    [Fact]
    public void TakeOfStridedAndSlicedSources()
    {
        var x = T.Tensor3("x", DType.Float64);
        var i = T.Vector("i", DType.Int32);
        var rng = new Random(61);
        AgreesWithInterpreter([x, i],
            [T.Take(T.Transpose(x, 2, 0, 1), i), T.Take(x[.., ^2.., 1..], i, i), T.Take(T.DimShuffle(x, 1, 'x', 0, 2), i) * 2, T.Take(x, i)[.., 0]],
            [Random(rng, DType.Float64, [2, 3, 4]), Ints(1, 0, -1, 1)]);
    }

    [Fact]
    public void TakeOfEmptyIndexArrays()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        AgreesWithInterpreter([x, i], [T.Take(x, i), T.Take(x, i, i)], [Random(new Random(62), DType.Float32, [3, 3]), Longs()]);
    }

    [Theory]
    [InlineData(new long[] { 3 }, 0, 3)]
    [InlineData(new long[] { -4 }, 0, 3)]
    [InlineData(new long[] { 0, 1, 99 }, 0, 3)]
    public void TakeOutOfRangeInTheFirstDimension(long[] index, int dim, int size)
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var f = Function.Compile([x, i], [T.Take(x, i)]);
        var e = Assert.Throws<IndexOutOfRangeException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 3, 2), Longs(index)));
        Assert.Contains($"index {index[^1]}", e.Message);
        Assert.Contains($"dimension {dim}", e.Message);
        Assert.Contains($"size is {size}", e.Message);
    }

    [Fact]
    public void TakeOutOfRangeInTheSecondDimensionNamesIt()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var j = T.Vector("j", DType.Int32);
        var f = Function.Compile([x, i, j], [T.Take(x, i, j)]);
        var e = Assert.Throws<IndexOutOfRangeException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 3, 2), Longs(0, 1), Ints(1, -3)));
        Assert.Contains("index -3", e.Message);
        Assert.Contains("dimension 1", e.Message);
    }

    [Fact]
    public void TakeGradAddsRepeatedIndices()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var j = T.Vector("j", DType.Int64);
        var w = T.Vector("w");
        var cost = T.Sum(T.Take(x, i) * T.DimShuffle(w, 0, 'x')) + T.Sum(T.Sqr(T.Take(x, i, j)));
        var rng = new Random(63);
        AgreesWithInterpreter([x, i, j, w], [T.Grad(cost, x)],
            [Random(rng, DType.Float32, [4, 3]), Longs(1, 1, -1, 0, 1), Longs(2, 2, 0, -3, 2), Random(rng, DType.Float32, [5])]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Bool)]
    public void TakeGradAppliedDirectly(DType dtype)
    {
        var x = T.Matrix("x", DType.Float32);
        var g = T.Tensor3("g", dtype);
        var i = T.Matrix("i", DType.Int32);
        var node = Apply.Make(new TakeGrad(1), x, g, i);
        var rng = new Random(64 + (int)dtype);
        AgreesWithInterpreter([x, g, i], [node],
            [Random(rng, DType.Float32, [3, 2]), Random(rng, dtype, [2, 2, 2]), NDArray.From(new[] { 0, 2, 2, -1 }, 2, 2)]);
    }

    public static TheoryData<string> SliceEntries() => new() { "0", "^1", "1..", "..^1", "1..3", "^2..", "0,1..", "..,^1", "1..2,..,0", "..,..,1..^1", "5.." };

    private static object[] Parse(string text) => text.Split(',').Select(p =>
    {
        if (!p.Contains("..")) return p.StartsWith('^') ? (object)(Index)(^int.Parse(p[1..])) : int.Parse(p);
        var parts = p.Split("..");
        Index Bound(string b, Index whole) => b.Length == 0 ? whole : b.StartsWith('^') ? ^int.Parse(b[1..]) : int.Parse(b);
        return new Range(Bound(parts[0], 0), Bound(parts[1], ^0));
    }).ToArray();

    [Theory]
    [MemberData(nameof(SliceEntries))]
    public void SliceAndItsGradient(string entries)
    {
        var x = T.Tensor3("x", DType.Float64);
        var s = x[Parse(entries)];
        var cost = T.Sum(T.Sqr(s) * 3);
        AgreesWithInterpreter([x], [s, T.Grad(cost, x)], [Random(new Random(entries.Length), DType.Float64, [3, 4, 5])]);
    }

    [Fact]
    public void SubtensorGradAppliedDirectlyToAStridedGradient()
    {
        var x = T.Matrix("x");
        var g = T.Matrix("g", DType.Int64);
        var node = Apply.Make(new SubtensorGrad([SliceEntry.Range(1..), SliceEntry.Range(..^1)]), x, T.Transpose(g));
        AgreesWithInterpreter([x, g], [node], [Random(new Random(65), DType.Float32, [4, 3]), Random(new Random(66), DType.Int64, [2, 3])]);
    }

    [Theory]
    [InlineData(DType.Float32, 0)]
    [InlineData(DType.Float64, 1)]
    [InlineData(DType.Int32, 2)]
    [InlineData(DType.Int64, -1)]
    [InlineData(DType.Bool, 0)]
    public void ConcatenateAlongEachAxisOfEveryDtype(DType dtype, int axis)
    {
        var a = T.Tensor3("a", dtype);
        var b = T.Tensor3("b", dtype);
        var rng = new Random(67 + (int)dtype);
        int[] sa = [2, 3, 4], sb = [2, 3, 4];
        int ax = axis < 0 ? axis + 3 : axis;
        sb[ax] = 1;
        AgreesWithInterpreter([a, b], [T.Concatenate([a, b], axis), T.Concatenate([b, a, b], axis), T.Concatenate([a], axis)],
            [Random(rng, dtype, sa), Random(rng, dtype, sb)]);
    }

    [Fact]
    public void ConcatenateOfStridedViewsAndEmptyParts()
    {
        var m = T.Matrix("m");
        var e = T.Matrix("e");
        var rng = new Random(68);
        AgreesWithInterpreter([m, e],
            [T.Concatenate([T.Transpose(m), m[..2, ..]], 0), T.Concatenate([m, e], 1), T.Concatenate([m[.., 1..], T.DimShuffle(m[.., 0], 0, 'x')], 1), T.Stack([m[0], m[1], m[^1]], 1)],
            [Random(rng, DType.Float32, [3, 3]), NDArray.Zeros(DType.Float32, 3, 0)]);
    }

    [Theory]
    [InlineData(DType.Int32, 0)]
    [InlineData(DType.Int64, 5)]
    [InlineData(DType.Int64, 1)]
    public void ArangeFromAnIntegerScalarInput(DType dtype, long n)
    {
        var k = T.Scalar("k", dtype);
        var x = T.Vector("x");
        AgreesWithInterpreter([k, x], [T.Arange(k), T.Arange(k + 2) * 3, T.Arange(T.Shape(x, 0)), T.Shape(x, 0), T.Arange(T.Shape(x, 0) * k)],
            [NDArray.Scalar(n, dtype), Random(new Random(69), DType.Float32, [3])]);
    }

    [Fact]
    public void ArangeOfANegativeLengthIsAnErrorBeforeRunning()
    {
        var k = T.Scalar("k", DType.Int64);
        var f = Function.Compile([k], [T.Arange(k)]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Scalar(-2, DType.Int64)));
        Assert.Contains("-2", e.Message);
        Assert.Contains("'k'", e.Message);
    }

    [Fact]
    public void SliceIndexOutOfRangeIsAnErrorBeforeRunning()
    {
        var x = T.Matrix("x");
        var f = Function.Compile([x], [x[3] * 2]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 2, 2)));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("out of range", e.Message);
    }
}
