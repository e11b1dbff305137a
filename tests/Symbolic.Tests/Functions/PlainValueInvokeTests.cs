namespace Symbolic.Tests.Functions;

/// <summary>Invoke taking plain .NET numbers and arrays, converted to each input's dtype where exact.</summary>
public class PlainValueInvokeTests
{
    [Fact]
    public void ScalarsOfAnyNumericTypeFeedAFloat64Input()
    {
        var a = T.Scalar("a", DType.Float64);
        var f = Function.Compile([a], [a * 2]);
        Assert.Equal(8.0, f.Invoke(4)[0].Item<double>());
        Assert.Equal(8.0, f.Invoke(4L)[0].Item<double>());
        Assert.Equal(1.0, f.Invoke(0.5)[0].Item<double>());
        Assert.Equal(3.0, f.Invoke(1.5f)[0].Item<double>());
    }

    [Fact]
    public void VectorsAndMatricesMixWithNDArrays()
    {
        var x = T.Matrix("x", DType.Float32);
        var v = T.Vector("v", DType.Float32);
        var s = T.Scalar("s", DType.Float32);
        var f = Function.Compile([x, v, s], [(x + v) * s]);
        var byValues = f.Invoke(new double[,] { { 1, 2 }, { 3, 4 } }, new[] { 10, 20 }, 0.5)[0];
        Assert.Equal(DType.Float32, byValues.DType);
        Assert.Equal([2, 2], byValues.Shape);
        Assert.Equal([5.5f, 11, 6.5f, 12], byValues.ToArray<float>());
        var jagged = f.Invoke(new[] { new[] { 1f, 2f }, new[] { 3f, 4f } }, NDArray.From(new float[] { 10, 20 }), 2)[0];
        Assert.Equal([22f, 44, 26, 48], jagged.ToArray<float>());
    }

    [Fact]
    public void IntegerAndBoolInputsTakeExactValues()
    {
        var i = T.Vector("i", DType.Int64);
        var n = T.Scalar("n", DType.Int32);
        var b = T.Scalar("b", DType.Bool);
        var f = Function.Compile([i, n, b], [T.Switch(b, i + n, i)]);
        Assert.Equal([4L, 5, 6], f.Invoke(new[] { 1, 2, 3 }, 3L, true)[0].ToArray<long>());
        Assert.Equal([1L, 2, 3], f.Invoke(new[] { 1.0, 2.0, 3.0 }, 3.0, false)[0].ToArray<long>());
    }

    [Fact]
    public void AFractionForAnIntegerInputNamesTheInput()
    {
        var n = T.Scalar("count", DType.Int64);
        var f = Function.Compile([n], [n + 1]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(0.1));
        Assert.Contains("Input 0 'count'", e.Message);
        Assert.Contains("0.1", e.Message);
        Assert.Contains("int64", e.Message);
    }

    [Fact]
    public void AnInexactElementIsNamedWithItsIndex()
    {
        var v = T.Vector("v", DType.Int32);
        var f = Function.Compile([v], [v * 2]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(new[] { 1.0, 2.5 }));
        Assert.Contains("Input 0 'v'", e.Message);
        Assert.Contains("at 1", e.Message);
        Assert.Throws<ArgumentException>(() => f.Invoke(new[] { 3_000_000_000L }));
    }

    [Fact]
    public void IntegersTooLargeForFloat32AreRefusedAndOverflowIsNotRounding()
    {
        var s = T.Scalar("s", DType.Float32);
        var f = Function.Compile([s], [s + 0]);
        Assert.Equal(16777216f, f.Invoke(16777216)[0].Item<float>());
        Assert.Throws<ArgumentException>(() => f.Invoke(16777217));
        Assert.Throws<ArgumentException>(() => f.Invoke(1e300));
        Assert.Equal(0.1f, f.Invoke(0.1)[0].Item<float>());
        Assert.Throws<ArgumentException>(() => f.Invoke(true));
        var d = T.Scalar("d", DType.Float64);
        Assert.Throws<ArgumentException>(() => Function.Compile([d], [d + 0]).Invoke(long.MaxValue));
    }

    [Fact]
    public void AWrongRankNamesTheInputAndWhatCame()
    {
        var x = T.Matrix("x", DType.Float64);
        var f = Function.Compile([x], [x.Sum()]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(new[] { 1.0, 2.0 }));
        Assert.Contains("Input 0 'x'", e.Message);
        Assert.Contains("rank 2", e.Message);
        Assert.Contains("double[] of length 2", e.Message);
        var ragged = Assert.Throws<ArgumentException>(() => f.Invoke(new[] { new[] { 1.0, 2.0 }, new[] { 3.0 } }));
        Assert.Contains("not rectangular", ragged.Message);
    }

    [Fact]
    public void AWrongCountKeepsInvokesMessage()
    {
        var a = T.Scalar("a", DType.Float64);
        var f = Function.Compile([a], [a * 2]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(1, 2));
        Assert.Contains("takes 1 input", e.Message);
        Assert.Contains("2 were given", e.Message);
    }

    [Fact]
    public void AFailedConversionRunsNothing()
    {
        var w = T.Shared(NDArray.Scalar(0, DType.Float64), "w");
        var n = T.Scalar("n", DType.Int32);
        var step = Function.Compile([n], [w], updates: [(w, w + n.Cast(DType.Float64))]);
        step.Invoke(2);
        Assert.Throws<ArgumentException>(() => step.Invoke(0.5));
        Assert.Equal(2.0, w.Value.Item<double>());
    }

    [Fact]
    public void NDArrayCallsStillBindToTheNDArrayOverload()
    {
        var x = T.Vector("x", DType.Float32);
        var f = Function.Compile([x], [x * 2]);
        NDArray[] arrays = [NDArray.From(new float[] { 1, 2 })];
        Assert.Equal([2f, 4], f.Invoke(arrays)[0].ToArray<float>());
        Func<NDArray[], NDArray[]> asDelegate = f.Invoke;
        Assert.Equal([2f, 4], asDelegate(arrays)[0].ToArray<float>());
        Assert.Equal([2f, 4], f.Invoke(new float[] { 1, 2 })[0].ToArray<float>());
    }
}
