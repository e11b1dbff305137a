namespace Symbolic.Tests.Functions;

/// <summary><see cref="Function.Invoke(NDArray[], NDArray?[])"/>: outputs written into the caller's arrays, and its checks.</summary>
public class DestinationTests
{
    private static (Function F, NDArray X, NDArray Y) Compiled()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y");
        var f = Function.Compile([x, y], [T.Tanh(x) * y + 1, T.Sum(x, 1), x.Transpose()]);
        var xs = NDArray.From(Enumerable.Range(0, 12).Select(i => i * 0.25f - 1).ToArray(), 3, 4);
        var ys = NDArray.From(new[] { 1f, -2f, 0.5f, 3f });
        return (f, xs, ys);
    }

    [Fact]
    public void OutputsLandInTheDestinationsAndAgreeWithFreshOnes()
    {
        var (f, x, y) = Compiled();
        var fresh = f.Invoke(x, y);
        var d0 = NDArray.Zeros(DType.Float32, 3, 4);
        var d2 = NDArray.Zeros(DType.Float32, 4, 3);
        for (int call = 0; call < 2; call++)
        {
            var got = f.Invoke([x, y], [d0, null, d2]);
            Assert.Same(d0, got[0]);
            Assert.Same(d2, got[2]);
            for (int o = 0; o < 3; o++) Assert.Equal(fresh[o].ToArray<float>(), got[o].ToArray<float>());
            Assert.Equal(fresh[0].ToArray<float>(), d0.ToArray<float>());
            Assert.Equal(fresh[2].ToArray<float>(), d2.ToArray<float>());
        }
    }

    [Fact]
    public void UpdatesStillApplyWithDestinations()
    {
        var w = T.Shared(NDArray.From(new[] { 1f, 2f }), "w");
        var x = T.Vector("x");
        var f = Function.Compile([x], [w * x], updates: [(w, w + x)]);
        var d = NDArray.Zeros(DType.Float32, 2);
        f.Invoke([NDArray.From(new[] { 3f, 4f })], [d]);
        Assert.Equal(new[] { 3f, 8f }, d.ToArray<float>());
        Assert.Equal(new[] { 4f, 6f }, w.Value.ToArray<float>());
    }

    [Fact]
    public void WrongCountNamesTheOutputs()
    {
        var (f, x, y) = Compiled();
        var e = Assert.Throws<ArgumentException>(() => f.Invoke([x, y], [null, null]));
        Assert.Contains("3 outputs, but 2 destinations were given", e.Message);
        Assert.Equal("destinations", e.ParamName);
    }

    [Fact]
    public void WrongShapeOrDtypeNamesTheOutputAndWhatItNeeds()
    {
        var (f, x, y) = Compiled();
        var shape = Assert.Throws<ArgumentException>(() => f.Invoke([x, y], [null, NDArray.Zeros(DType.Float32, 4), null]));
        Assert.Contains("Destination 1 (for output 1", shape.Message);
        Assert.Contains("must be a float32 array of shape (3,)", shape.Message);
        Assert.Contains("got a float32 array of shape (4,)", shape.Message);
        Assert.Equal("destinations[1]", shape.ParamName);
        var dtype = Assert.Throws<ArgumentException>(() => f.Invoke([x, y], [NDArray.Zeros(DType.Float64, 3, 4), null, null]));
        Assert.Contains("Destination 0 (for output 0", dtype.Message);
        Assert.Contains("got a float64 array of shape (3, 4)", dtype.Message);
    }

    [Fact]
    public void ADestinationThatIsReadIsRefused()
    {
        var (f, x, y) = Compiled();
        var input = Assert.Throws<ArgumentException>(() => f.Invoke([x, y], [x, null, null]));
        Assert.Contains("is input 0 'x'", input.Message);
        var d = NDArray.Zeros(DType.Float32, 3, 4);
        var twice = Assert.Throws<ArgumentException>(() => f.Invoke([x, y], [d, null, d]));
        Assert.Contains("same array as destination 0", twice.Message);

        var w = T.Shared(NDArray.From(new[] { 1f, 2f }), "w");
        var v = T.Vector("v");
        var g = Function.Compile([v], [w + v]);
        var shared = Assert.Throws<ArgumentException>(() => g.Invoke([NDArray.From(new[] { 1f, 1f })], [w.Value]));
        Assert.Contains("shared variable 'w'", shared.Message);
        Assert.Equal(new[] { 1f, 2f }, w.Value.ToArray<float>());
    }

    [Fact]
    public void AFailedCheckWritesNothing()
    {
        var (f, x, y) = Compiled();
        var d0 = NDArray.From(new float[12], 3, 4);
        Assert.Throws<ArgumentException>(() => f.Invoke([x, NDArray.From(new[] { 1f, 2f })], [d0, null, null]));
        Assert.All(d0.ToArray<float>(), v => Assert.Equal(0f, v));
    }
}

/// <summary>A product written over old contents: with beta zero, NaN in the destination never reaches the result.</summary>
public class GemmOverOldContentsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NaNInTheDestinationDoesNotSurviveAProduct(bool managed)
    {
        using var scope = Symbolic.CodeGen.Cpu.Runtime.Blas.UseManaged(managed);
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var f = Function.Compile([a, b], [T.Dot(a, b)]);
        var av = NDArray.From(Enumerable.Range(0, 6 * 9).Select(i => (float)(i % 7) - 3).ToArray(), 6, 9);
        var bv = NDArray.From(Enumerable.Range(0, 9 * 5).Select(i => (float)(i % 5) - 2).ToArray(), 9, 5);
        var expected = f.Invoke(av, bv)[0].ToArray<float>();
        var nan = Enumerable.Repeat(float.NaN, 30).ToArray();
        var dest = NDArray.From(nan, 6, 5);
        var got = f.Invoke([av, bv], [dest])[0].ToArray<float>();
        Assert.Equal(expected, got);
        Assert.DoesNotContain(got, float.IsNaN);
    }
}
