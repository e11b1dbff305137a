namespace Symbolic.Tests.Functions;

public class SharedVariableTests
{
    [Fact]
    public void OutputsAreComputedBeforeUpdatesWhichApplyTogether()
    {
        var a = T.Shared(NDArray.From(new float[] { 1 }, 1), "a");
        var b = T.Shared(NDArray.From(new float[] { 10 }, 1), "b");
        var f = Function.Compile([], [a + b], [(a, b), (b, a)]);
        var out1 = f.Invoke();
        Assert.Equal(11f, out1[0].Item<float>(0));
        Assert.Equal(10f, a.Value.Item<float>(0));
        Assert.Equal(1f, b.Value.Item<float>(0));
    }

    [Fact]
    public void ACallThatThrowsChangesNoSharedVariable()
    {
        var w = T.Shared(NDArray.From(new float[] { 1, 2, 3 }, 3), "w");
        var c = T.Shared(NDArray.From(new float[] { 0 }, 1), "c");
        var i = T.Vector("i", DType.Int64);
        var f = Function.Compile([i], [T.Sum(w)], [(c, c + 1), (w, w + T.Sum(T.Take(w, i)))]);
        f.Invoke(NDArray.From(new long[] { 0 }, 1));
        Assert.Equal(1f, c.Value.Item<float>(0));
        Assert.Throws<IndexOutOfRangeException>(() => f.Invoke(NDArray.From(new long[] { 7 }, 1)));
        Assert.Equal(1f, c.Value.Item<float>(0));
        Assert.Equal(new float[] { 2, 3, 4 }, w.Value.ToArray<float>());
        Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.From(new long[] { 0 }, 1, 1)));
        Assert.Equal(1f, c.Value.Item<float>(0));
    }

    [Fact]
    public void AThousandConcurrentIncrementsCountToAThousand()
    {
        var counter = T.Shared(NDArray.Scalar(0, DType.Int64), "counter");
        var inc = Function.Compile([], [counter], [(counter, counter + 1)]);
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => inc.Invoke());
        Assert.Equal(1000L, counter.Value.Item<long>());
    }

    [Fact]
    public void CallsWithoutUpdatesRunInParallelAndAgree()
    {
        var x = T.Matrix("x");
        var w = T.Shared(NDArray.From(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 4, 3), "w");
        var f = Function.Compile([x], [T.Sum(T.Dot(x, w))]);
        var results = new float[64];
        Parallel.For(0, 64, k => results[k] = f.Invoke(NDArray.Full(k, DType.Float32, 2, 4))[0].Item<float>());
        for (int k = 0; k < 64; k++) Assert.Equal(k * 2 * 66f, results[k]);
    }

    [Fact]
    public void SettingValueChecksDtypeAndRankButAllowsNewSizes()
    {
        var w = T.Shared(NDArray.Zeros(DType.Float32, 2, 2), "w");
        w.Value = NDArray.Zeros(DType.Float32, 3, 5);
        Assert.Equal([3, 5], w.Value.Shape);
        var e = Assert.Throws<ArgumentException>(() => w.Value = NDArray.Zeros(DType.Float64, 2, 2));
        Assert.Contains("'w'", e.Message);
        var f = Function.Compile([], [T.Sum(w)]);
        Assert.Equal(0f, f.Invoke()[0].Item<float>());
    }

    [Fact]
    public void TrainingLossFallsForTheSeedNetwork()
    {
        var rng = new Random(42);
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Shared(NDArray.From(Enumerable.Range(0, 20 * 8).Select(_ => (float)(0.1 * (rng.NextDouble() - 0.5))).ToArray(), 20, 8), "w1");
        var w2 = T.Shared(NDArray.From(Enumerable.Range(0, 8 * 3).Select(_ => (float)(0.1 * (rng.NextDouble() - 0.5))).ToArray(), 8, 3), "w2");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2)), y));
        var g = T.Grad(loss, w1, w2);
        var train = Function.Compile([x, y], [loss], [(w1, w1 - 0.5 * g[0]), (w2, w2 - 0.5 * g[1])]);
        var xs = NDArray.From(Enumerable.Range(0, 16 * 20).Select(_ => (float)rng.NextDouble()).ToArray(), 16, 20);
        var ys = NDArray.From(Enumerable.Range(0, 16).Select(i => (long)(i % 3)).ToArray(), 16);
        var losses = Enumerable.Range(0, 30).Select(_ => train.Invoke(xs, ys)[0].Item<float>()).ToArray();
        Assert.True(losses[^1] < losses[0] - 0.02, string.Join(", ", losses));
        for (int k = 1; k < losses.Length; k++) Assert.True(losses[k] < losses[k - 1], string.Join(", ", losses));
    }
}
