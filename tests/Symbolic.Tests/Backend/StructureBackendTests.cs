using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

public class ReductionBackendTests
{
    public static TheoryData<string, string, string, bool> Cases()
    {
        var d = new TheoryData<string, string, string, bool>();
        string[] kinds = ["sum", "mean", "max", "min", "prod", "argmax", "argmin"];
        (string Shape, string Axes)[] layouts = [("5", ""), ("3x4", "0"), ("3x4", "1"), ("3x4", "-1"), ("2x3x4", "0,2"), ("2x3x4", "all"), ("2x1x3x2", "1,3"), ("", "all")];
        int k = 0;
        foreach (var kind in kinds)
            foreach (var (shape, axes) in layouts)
                d.Add(kind, shape, axes, k++ % 2 == 0);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reduction(string kind, string shape, string axes, bool keepDims)
    {
        var sh = Shape(shape);
        var x = T.Tensor("x", sh.Length, DType.Float32);
        int[]? ax = axes is "all" or "" ? null : axes.Split(',').Select(int.Parse).ToArray();
        if (ax is null && axes == "" && sh.Length > 0) ax = [0];
        Variable r = (kind, ax) switch
        {
            ("sum", null) => T.Sum(x), ("sum", _) => T.Sum(x, ax, keepDims),
            ("mean", null) => T.Mean(x), ("mean", _) => T.Mean(x, ax, keepDims),
            ("max", null) => T.Max(x), ("max", _) => T.Max(x, ax, keepDims),
            ("min", null) => T.Min(x), ("min", _) => T.Min(x, ax, keepDims),
            ("prod", null) => T.Prod(x), ("prod", _) => T.Prod(x, ax, keepDims),
            ("argmax", null) => T.Argmax(x), ("argmax", _) => T.Argmax(x, ax, keepDims),
            ("argmin", null) => T.Argmin(x), ("argmin", _) => T.Argmin(x, ax, keepDims),
            _ => throw new ArgumentException(kind),
        };
        AgreesWithInterpreter([x], [r], [Random(new Random(kind.Length + sh.Length), DType.Float32, sh, 0.5, 1.5)]);
    }

    [Theory]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    [InlineData(DType.Float64)]
    public void ReductionsOfOtherDtypes(DType dtype)
    {
        var x = T.Matrix("x", dtype);
        var outs = new[] { T.Sum(x, 0), T.Prod(x, 1), T.Max(x, 1), T.Min(x), T.Mean(x, 0), T.Argmax(x, 1), T.Argmin(x, 0) };
        AgreesWithInterpreter([x], outs, [Random(new Random((int)dtype), dtype, [3, 4])]);
    }

    [Fact]
    public void ReductionsOfTransposedAndBroadcastViews()
    {
        var x = T.Matrix("x");
        var v = T.Vector("v");
        var outs = new[] { T.Sum(T.Transpose(x), 1), T.Max(x[.., 1..^1], 0), T.Sum(x + v, 0, keepDims: true), T.Argmax(T.Transpose(x), 0) };
        AgreesWithInterpreter([x, v], outs, [Random(new Random(1), DType.Float32, [3, 5]), Random(new Random(2), DType.Float32, [5])]);
    }

    [Fact]
    public void EmptyReductions()
    {
        var x = T.Matrix("x");
        var f = Function.Compile([x], [T.Sum(x, 0), T.Prod(x, 0), T.Mean(x, 0)]);
        var outs = f.Invoke(NDArray.Zeros(DType.Float32, 0, 3));
        Assert.Equal(new float[3], outs[0].ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 1 }, outs[1].ToArray<float>());
        Assert.All(outs[2].ToArray<float>(), v => Assert.True(float.IsNaN(v)));
        var g = Function.Compile([x], [T.Max(x, 0)]);
        var e = Assert.Throws<ArgumentException>(() => g.Invoke(NDArray.Zeros(DType.Float32, 0, 3)));
        Assert.Contains("empty", e.Message);
    }
}

public class DotBackendTests
{
    [Theory]
    [InlineData("4", "4")]
    [InlineData("3x4", "4")]
    [InlineData("4", "4x5")]
    [InlineData("3x4", "4x5")]
    [InlineData("2x3x4", "4x5")]
    [InlineData("3x4", "2x4x5")]
    [InlineData("2x3x4", "2x4x5")]
    [InlineData("2x1x3x4", "5x4x2")]
    [InlineData("4", "2x4x5")]
    [InlineData("2x3x4", "4")]
    public void DotShapes(string sa, string sb)
    {
        var (sha, shb) = (Shape(sa), Shape(sb));
        var a = T.Tensor("a", DType.Float64, sha.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());
        var b = T.Tensor("b", DType.Float64, shb.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());
        var rng = new Random(sha.Length * 5 + shb.Length);
        AgreesWithInterpreter([a, b], [T.Dot(a, b)], [Random(rng, DType.Float64, sha), Random(rng, DType.Float64, shb)]);
    }

    [Fact]
    public void DotOfStridedViewsAndMixedTypes()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b", DType.Float64);
        var n = T.Matrix("n", DType.Int32);
        var rng = new Random(5);
        AgreesWithInterpreter([a, b, n],
            [T.Dot(T.Transpose(a), a), T.Dot(a[1.., ..], T.Transpose(b)), T.Dot(n, T.Transpose(n)), T.Dot(a, T.Transpose(b[.., ..3])), a.Dot(T.Transpose(a)[.., 0])],
            [Random(rng, DType.Float32, [4, 3]), Random(rng, DType.Float64, [5, 3]), Random(rng, DType.Int32, [2, 3])]);
    }
}

public class ShapeBackendTests
{
    [Fact]
    public void TransposeDimShuffleAndElementwiseOnViews()
    {
        var x = T.Tensor3("x");
        var outs = new[]
        {
            T.Transpose(x), T.Transpose(x, 1, 0, 2) * 2, T.DimShuffle(x, 2, 'x', 0, 1), T.Exp(T.Transpose(x, 2, 1, 0)) + T.DimShuffle(x[.., .., 0], 'x', 1, 0),
        };
        AgreesWithInterpreter([x], outs, [Random(new Random(7), DType.Float32, [2, 3, 4])]);
    }

    [Fact]
    public void ReshapeFlattenOfContiguousAndStrided()
    {
        var x = T.Tensor3("x");
        var outs = new[]
        {
            T.Reshape(x, 6, 4), T.Reshape(x, -1), T.Flatten(x), T.Flatten(x, 2), T.Reshape(T.Transpose(x), 4, -1), T.Reshape(x[.., 1..], 2, 2, 4) + 1,
        };
        AgreesWithInterpreter([x], outs, [Random(new Random(8), DType.Float32, [2, 3, 4])]);
    }

    [Fact]
    public void SlicingWithIndicesRangesAndFromEnd()
    {
        var x = T.Tensor3("x");
        var m = T.Matrix("m");
        var outs = new[]
        {
            x[0], x[^1], x[1..], x[..^1], x[.., 0], x[0, 1..3], x[1, ^2], m[.., 0], m[1..^1, 2..], m[10..], m[.., ..100], x[0, 1, 2],
        };
        AgreesWithInterpreter([x, m], outs, [Random(new Random(9), DType.Float32, [3, 4, 5]), Random(new Random(10), DType.Float32, [4, 5])]);
    }

    [Fact]
    public void ConcatenateStackArangeShape()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var v = T.Vector("v");
        var outs = new[]
        {
            T.Concatenate([a, b], 0), T.Concatenate([a, T.Transpose(b)[..2, ..]], 0), T.Stack([v, v * 2], 1), T.Stack([a, a], 0),
            T.Cast(T.Arange(T.Shape(a, 1)), DType.Float32), T.Cast(T.Arange(3), DType.Float32),
        };
        AgreesWithInterpreter([a, b, v], outs,
            [Random(new Random(11), DType.Float32, [2, 3]), Random(new Random(12), DType.Float32, [3, 3]), Random(new Random(13), DType.Float32, [4])]);
    }

    [Fact]
    public void TakeWithOneAndTwoIndexArraysAndNegatives()
    {
        var x = T.Matrix("x");
        var rows = T.Vector("rows", DType.Int64);
        var cols = T.Vector("cols", DType.Int32);
        var outs = new[] { T.Take(x, rows), T.Take(x, rows, cols), T.Take(T.Transpose(x), cols), T.Take(x, T.Arange(T.Shape(x, 0)), rows) };
        AgreesWithInterpreter([x, rows, cols], outs,
            [Random(new Random(14), DType.Float32, [3, 4]), NDArray.From(new long[] { 0, -1, 2 }, 3), NDArray.From(new[] { 3, 0, -2 }, 3)]);
    }

    [Fact]
    public void TakeOutOfRangeRaisesAndNamesTheDimension()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var f = Function.Compile([x, i], [T.Take(x, i)]);
        var e = Assert.Throws<IndexOutOfRangeException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 2, 2), NDArray.From(new long[] { 5 }, 1)));
        Assert.Contains("index 5", e.Message);
        Assert.Contains("dimension 0", e.Message);
    }
}
