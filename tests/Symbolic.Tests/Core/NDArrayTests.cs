namespace Symbolic.Tests.Core;

public class NDArrayTests
{
    [Fact]
    public void FromEachElementTypeKeepsDtypeShapeAndData()
    {
        Assert.Equal(DType.Float32, NDArray.From(new float[] { 1, 2 }, 2).DType);
        Assert.Equal(DType.Float64, NDArray.From(new double[] { 1, 2 }, 2, 1).DType);
        Assert.Equal(DType.Int32, NDArray.From(new[] { 1, 2 }, 2).DType);
        Assert.Equal(DType.Int64, NDArray.From(new long[] { 1, 2 }, 1, 2).DType);
        Assert.Equal(DType.Bool, NDArray.From(new[] { true, false }, 2).DType);
        var a = NDArray.From(new[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(6, a.Size);
        Assert.Equal(2, a.NDim);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, a.ToArray<int>());
    }

    [Fact]
    public void FromTwoDimensionalArraysIsRowMajor()
    {
        var f = NDArray.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal([2, 3], f.Shape);
        Assert.Equal(4f, f.Item<float>(1, 0));
        var d = NDArray.From(new double[,] { { 1 }, { 2 } });
        Assert.Equal(new double[] { 1, 2 }, d.ToArray<double>());
    }

    [Fact]
    public void DataIsCopiedInAndOut()
    {
        var data = new float[] { 1, 2 };
        var a = NDArray.From(data, 2);
        data[0] = 99;
        Assert.Equal(1f, a.Item<float>(0));
        var copy = a.ToArray<float>();
        copy[1] = 42;
        Assert.Equal(2f, a.Item<float>(1));
        var shape = a.Shape;
        shape[0] = 7;
        Assert.Equal([2], a.Shape);
    }

    [Fact]
    public void ScalarsAndConversions()
    {
        var s = NDArray.Scalar(2.75, DType.Int32);
        Assert.Empty(s.Shape);
        Assert.Equal(2, s.Item<int>());
        Assert.Equal(new double[] { 1, 0 }, NDArray.From(new[] { true, false }, 2).ToArray<double>());
        Assert.Equal(new[] { 1, -2, int.MaxValue, 0 }, NDArray.From(new[] { 1.9, -2.9, 1e20, double.NaN }, 4).ToArray<int>());
        Assert.Equal(new[] { true, false }, NDArray.From(new[] { 0.5f, 0f }, 2).ToArray<bool>());
        Assert.Equal(3.5f, NDArray.Scalar(3.5, DType.Float64).Item<float>());
    }

    [Fact]
    public void ItemTakesNegativeIndicesAndChecksThem()
    {
        var a = NDArray.From(new[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(6, a.Item<int>(-1, -1));
        Assert.Contains("needs 2 indices", Assert.Throws<ArgumentException>(() => a.Item<int>(0)).Message);
        Assert.Contains("Index 3", Assert.Throws<IndexOutOfRangeException>(() => a.Item<int>(0, 3)).Message);
    }

    [Fact]
    public void ShapeAndDataMustAgree()
    {
        Assert.Contains("does not fill shape (2, 2)", Assert.Throws<ArgumentException>(() => NDArray.From(new float[3], 2, 2)).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => NDArray.From(new float[0], -1)).Message);
        Assert.Throws<ArgumentException>(() => NDArray.From(new byte[] { 1 }, 1));
        Assert.Equal([3], NDArray.From(new float[3]).Shape);
    }

    [Fact]
    public void FromWithNoShapeIsAVectorOfTheDataLength()
    {
        var one = NDArray.From(new float[] { 1000f });
        Assert.Equal([1], one.Shape);
        Assert.Equal(1, one.NDim);
        Assert.Equal(1000f, one.Item<float>(0));
        Assert.Equal([3], NDArray.From(new long[] { 1, 2, 3 }).Shape);
        Assert.Equal([0], NDArray.From(Array.Empty<double>()).Shape);
        Assert.Equal(DType.Bool, NDArray.From(new[] { true }).DType);
        Assert.Equal(DType.Int32, NDArray.From(new[] { 7 }).DType);
        var data = new double[] { 1, 2 };
        var v = NDArray.From(data);
        data[0] = 99;
        Assert.Equal(1.0, v.Item<double>(0));
    }

    [Fact]
    public void AnExplicitEmptyShapeIsAScalar()
    {
        var s = NDArray.From(new float[] { 2.5f }, []);
        Assert.Empty(s.Shape);
        Assert.Equal(2.5f, s.Item<float>());
        Assert.Empty(NDArray.From(new double[] { 1 }, Array.Empty<int>()).Shape);
        Assert.Contains("does not fill shape ()", Assert.Throws<ArgumentException>(() => NDArray.From(new float[3], [])).Message);
        Assert.Empty(NDArray.Scalar(4, DType.Float64).Shape);
    }

    [Fact]
    public void ZerosFullAndToString()
    {
        Assert.Equal(new long[] { 7, 7 }, NDArray.Full(7, DType.Int64, 2).ToArray<long>());
        Assert.Equal(0, NDArray.Zeros(DType.Float32, 0, 3).Size);
        Assert.Equal("NDArray<float32>(2, 2) [[1, 2], [3, 4]]", NDArray.From(new float[] { 1, 2, 3, 4 }, 2, 2).ToString());
    }
}

public class TypeInferenceTests
{
    [Theory]
    [InlineData(DType.Float32, DType.Float64, DType.Float64)]
    [InlineData(DType.Int64, DType.Float32, DType.Float32)]
    [InlineData(DType.Int32, DType.Int64, DType.Int64)]
    [InlineData(DType.Bool, DType.Int32, DType.Int32)]
    [InlineData(DType.Bool, DType.Bool, DType.Bool)]
    [InlineData(DType.Float64, DType.Int32, DType.Float64)]
    public void UpcastFloatsWinThenWidth(DType a, DType b, DType expected)
    {
        Assert.Equal(expected, DTypes.Upcast(a, b));
        Assert.Equal(expected, DTypes.Upcast(b, a));
    }

    [Fact]
    public void ElementwiseBroadcastsStaticShapes()
    {
        var a = T.Tensor("a", DType.Float32, 3, null);
        var row = T.Tensor("r", DType.Float32, 1, 4);
        var s = a + row;
        Assert.Equal([3, 4], s.Type.Shape.Select(d => d!.Value).ToArray());
        Assert.Equal([false, false], s.Broadcastable);
        Assert.Equal([true, false], T.Row("r").Broadcastable);
        Assert.Equal([false, true], T.Col("c").Broadcastable);
        Assert.Equal(3, (T.Tensor3("t") + T.Vector("v")).NDim);
        Assert.Equal(DType.Bool, T.Gt(a, row).DType);
    }

    [Fact]
    public void DotTypes()
    {
        var v = T.Vector("v");
        var m = T.Matrix("m");
        var t3 = T.Tensor3("t");
        Assert.Equal(0, T.Dot(v, v).NDim);
        Assert.Equal(1, T.Dot(m, v).NDim);
        Assert.Equal(1, T.Dot(v, m).NDim);
        Assert.Equal(2, T.Dot(m, m).NDim);
        Assert.Equal(3, T.Dot(t3, m).NDim);
        Assert.Equal(2, T.Dot(v, t3).NDim);
        Assert.Equal(2, T.Dot(t3, v).NDim);
        Assert.Equal(4, T.Dot(T.Tensor4("q"), t3).NDim);
        Assert.Equal(DType.Float64, T.Dot(m, T.Matrix("d", DType.Float64)).DType);
    }

    [Fact]
    public void ReductionsShapeAndDtype()
    {
        var x = T.Tensor("x", DType.Int32, 2, 3, 4);
        Assert.Equal([2, 4], T.Sum(x, 1).Type.Shape.Select(d => d!.Value));
        Assert.Equal([2, 1, 4], T.Sum(x, 1, keepDims: true).Type.Shape.Select(d => d!.Value));
        Assert.Equal(DType.Int32, T.Sum(x).DType);
        Assert.Equal(T.FloatX, T.Mean(x).DType);
        Assert.Equal(DType.Int64, T.Argmax(x, -1).DType);
        Assert.Equal(DType.Int64, T.Sum(T.Matrix("b", DType.Bool)).DType);
    }

    [Fact]
    public void StaticShapesFlowThroughShapeOps()
    {
        var x = T.Tensor("x", DType.Float32, 2, 3, 4);
        Assert.Equal([6, 4], T.Reshape(x, -1, 4).Type.Shape.Select(d => d!.Value));
        Assert.Equal([24], T.Flatten(x).Type.Shape.Select(d => d!.Value));
        Assert.Equal([4, 2, 3], T.Transpose(x, 2, 0, 1).Type.Shape.Select(d => d!.Value));
        Assert.Equal([3, 4], T.Concatenate([x, x], 0).Type.Shape.Skip(1).Select(d => d!.Value));
        Assert.Equal(4, T.Concatenate([x, x], 0).Type.Shape[0]);
        Assert.Equal([2, 2, 3, 4], T.Stack([x, x], 0).Type.Shape.Select(d => d!.Value));
        Assert.Equal([2, 4], x[.., 1].Type.Shape.Select(d => d!.Value));
        Assert.Equal([1, 3, 4], x[1..].Type.Shape.Select(d => d!.Value));
        Assert.Equal([5], T.Arange(5).Type.Shape.Select(d => d!.Value));
    }
}

public class HashConsingTests
{
    [Fact]
    public void SameExpressionIsTheSameNode()
    {
        var x = T.Matrix("x");
        Assert.Same(T.Exp(x), T.Exp(x));
        Assert.Same(x + 1, x + 1);
        Assert.NotSame(x + 1, x + 2);
        Assert.Same(T.Constant(2.0, DType.Float32), T.Constant(2.0, DType.Float32));
        Assert.NotSame(T.Matrix("x"), T.Matrix("x"));
    }

    [Fact]
    public void InterningIsThreadSafe()
    {
        var x = T.Matrix("x");
        var results = new Variable[200];
        Parallel.For(0, results.Length, i => results[i] = T.Sum(T.Tanh(x) * 3, 1));
        Assert.All(results, r => Assert.Same(results[0], r));
    }
}

public class BuildErrorTests
{
    private static string Error(Func<Variable> build) => Assert.Throws<ArgumentException>(() => build()).Message;

    [Fact]
    public void AxisOutOfRangeOrRepeated()
    {
        var x = T.Matrix("x");
        Assert.Contains("axis 2 is out of range for 'x'", Error(() => T.Sum(x, 2)));
        Assert.Contains("axis -3", Error(() => T.Max(x, -3)));
        Assert.Contains("repeat an axis", Error(() => T.Sum(x, [1, -1])));
        Assert.Contains("axis 5", Error(() => T.Softmax(x, 5)));
    }

    [Fact]
    public void DotMismatches()
    {
        Assert.Contains("incompatible inner dimensions (3 and 4)", Error(() => T.Dot(T.Tensor("a", DType.Float32, 2, 3), T.Tensor("b", DType.Float32, 4, 5))));
        Assert.Contains("'a'", Error(() => T.Dot(T.Tensor("a", DType.Float32, 2, 3), T.Tensor("b", DType.Float32, 4, 5))));
    }

    [Fact]
    public void StaticShapesThatCannotBroadcast()
    {
        var e = Error(() => T.Tensor("a", DType.Float32, 3, null) + T.Tensor("b", DType.Float32, 4, null));
        Assert.Contains("cannot broadcast", e);
        Assert.Contains("'a'", e);
        Assert.Contains("'b'", e);
    }

    [Fact]
    public void ShapeOpErrors()
    {
        var x = T.Matrix("x");
        Assert.Contains("not of static size 1", Error(() => T.DimShuffle(x, 1)));
        Assert.Contains("only one size may be -1", Error(() => T.Reshape(x, -1, -1)));
        Assert.Contains("cannot take the shape", Error(() => T.Reshape(T.Tensor("t", DType.Float32, 2, 3), 4, 2)));
        Assert.Contains("not a permutation", Error(() => T.Transpose(x, 0, 0)));
        Assert.Contains("dimension 1", Error(() => T.Concatenate([T.Tensor("a", DType.Float32, 2, 3), T.Tensor("b", DType.Float32, 2, 4)], 0)));
        Assert.Contains("rank", Error(() => T.Concatenate([x, T.Vector("v")], 0)));
        Assert.Contains("only 2 dimensions", Error(() => x[0, 0, 0]));
        Assert.Contains("out of range", Error(() => T.Tensor("s", DType.Float32, 3)[5]));
        Assert.Contains("integers", Error(() => T.Take(x, T.Vector("f"))));
        Assert.Contains("integer scalar", Error(() => T.Arange(T.Scalar("n"))));
        Assert.Contains("one dimension less", Error(() => T.CategoricalCrossentropy(T.Matrix("p"), T.Matrix("y", DType.Int64))));
    }
}
