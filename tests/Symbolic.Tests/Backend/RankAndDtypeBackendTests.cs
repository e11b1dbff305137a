using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

/// <summary>Loops are generated for each node's static rank, so ranks beyond 4 work; dtype combinations of products and reductions.</summary>
public class RankAndDtypeBackendTests
{
    [Fact]
    public void RankFiveAndSix()
    {
        var x = T.Tensor("x", 5, DType.Float64);
        var y = T.Tensor("y", DType.Float64, 1, null, 1, null, 1, null);
        var rng = new Random(90);
        AgreesWithInterpreter([x, y],
            [T.Exp(x) * 2, T.Sum(x, [1, 3]), T.Max(x, [0, 4], keepDims: true), T.Transpose(x) + 1, T.Argmin(x, [2, 3]),
             T.Reshape(x, 2, 3, 1, 2, 2, 4) + y, T.Dot(x, T.Transpose(x, 0, 1, 2, 4, 3)), T.Concatenate([x, x[.., .., .., ..1]], 3), x[1, .., ^1]],
            [Random(rng, DType.Float64, [2, 3, 2, 2, 4]), Random(rng, DType.Float64, [1, 3, 1, 2, 1, 4])], tolerance: 1e-10);
    }

    [Theory]
    [InlineData(DType.Bool, DType.Bool)]
    [InlineData(DType.Bool, DType.Int32)]
    [InlineData(DType.Int32, DType.Int64)]
    [InlineData(DType.Int64, DType.Float32)]
    [InlineData(DType.Float32, DType.Float64)]
    [InlineData(DType.Int32, DType.Int32)]
    public void DotOfDtypePairs(DType ta, DType tb)
    {
        var a = T.Matrix("a", ta);
        var b = T.Matrix("b", tb);
        var v = T.Vector("v", tb);
        var rng = new Random((int)ta * 5 + (int)tb);
        AgreesWithInterpreter([a, b, v], [T.Dot(a, b), T.Dot(a, v), T.Dot(T.Transpose(b), T.Transpose(a)), T.Dot(v, v)],
            [Random(rng, ta, [3, 4]), Random(rng, tb, [4, 2]), Random(rng, tb, [4])]);
    }

    [Theory]
    [InlineData(DType.Bool)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    public void ReductionsOfIntegersAndBooleansOverSeveralAxes(DType dtype)
    {
        var x = T.Tensor3("x", dtype);
        var rng = new Random((int)dtype + 91);
        AgreesWithInterpreter([x],
            [T.Sum(x, [0, 2]), T.Prod(x, [1], keepDims: true), T.Max(x, [0, 1]), T.Min(x), T.Mean(x, [2]), T.Argmax(x, [0, 2], keepDims: true), T.Argmin(T.Transpose(x), [1])],
            [Random(rng, dtype, [2, 3, 4])]);
    }

    [Fact]
    public void LargeProductsSpreadOverThreadsAgree()
    {
        var a = T.Matrix("a", DType.Float64);
        var b = T.Matrix("b", DType.Float64);
        var rng = new Random(92);
        AgreesWithInterpreter([a, b], [T.Dot(a, b), T.Dot(a, T.Transpose(T.Transpose(b)))],
            [Random(rng, DType.Float64, [128, 96]), Random(rng, DType.Float64, [96, 100])], tolerance: 1e-12);
    }
}
