namespace Symbolic.Tests.Nn;

/// <summary>The README's first snippet, as written there (the two printing lines aside), runs.</summary>
public class ReadmeSnippetTests
{
    [Fact]
    public void TheFirstSnippetRunsAsWritten()
    {
        var rng = new Random(0);
        var xs = NDArray.From(Enumerable.Range(0, 32 * 500).Select(_ => (float)rng.NextDouble()).ToArray(), 32, 500);
        var ys = NDArray.From(Enumerable.Range(0, 32).Select(_ => (long)rng.Next(5)).ToArray());   // a vector of 32 labels

        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w = T.Shared(NDArray.From(new float[500 * 5], 500, 5), "w");

        var probs = T.Softmax(T.Dot(x, w));
        var loss  = T.Mean(T.CategoricalCrossentropy(probs, y));
        var train = Function.Compile([x, y], [loss], updates: [(w, w - 0.1 * T.Grad(loss, w))]);

        NDArray[] outs = train.Invoke(xs, ys);   // the loss; w is updated after the outputs are computed
        Assert.Equal(Math.Log(5), outs[0].Item<float>(), 1e-5);
        Assert.NotEqual(0f, w.Value.ToArray<float>().Max(v => Math.Abs(v)));
        Assert.NotEmpty(train.DebugPrint());
        Assert.NotEmpty(train.Source);
    }
}
