using Symbolic.Nn;

namespace Symbolic.Tests.Nn;

public class TrainerTests
{
    /// <summary>Two Gaussian blobs per class around seeded centres: a problem a small network learns in a few epochs.</summary>
    internal static (NDArray X, NDArray Y) Blobs(int n, int features, int classes, int seed)
    {
        var rng = new Random(seed);
        var centres = new double[classes, features];
        for (int c = 0; c < classes; c++)
            for (int f = 0; f < features; f++) centres[c, f] = 3 * (rng.NextDouble() - 0.5);
        var x = new float[n * features];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(classes);
            y[i] = c;
            for (int f = 0; f < features; f++) x[i * features + f] = (float)(centres[c, f] + 0.3 * (rng.NextDouble() - 0.5));
        }
        return (NDArray.From(x, n, features), NDArray.From(y));
    }

    [Fact]
    public void FitReducesTheLossAndRepeatsExactlyWithTheSameSeed()
    {
        double[] Run(out string log)
        {
            var (x, y) = Blobs(96, 4, 3, seed: 7);
            var rng = new Random(11);
            var net = new Sequential(new Dense(4, 16, T.Relu, random: rng), new Dense(16, 3, random: rng), new Softmax());
            var trainer = Trainer.For(net, Loss.CategoricalCrossentropy, T.Vector("y", DType.Int64), new Sgd(0.2, momentum: 0.9));
            var w = new StringWriter();
            var losses = trainer.Fit(x, y, epochs: 8, batchSize: 20, seed: 3, log: w);
            log = w.ToString();
            Assert.True(trainer.Evaluate(x, y) < losses[0]);
            return losses;
        }
        var a = Run(out var logA);
        var b = Run(out _);
        Assert.Equal(8, a.Length);
        Assert.True(a[^1] < 0.5 * a[0], $"loss went {a[0]} -> {a[^1]}");
        Assert.Equal(a, b);
        Assert.Equal(8, logA.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("epoch   1/8  loss ", logA);
    }

    [Fact]
    public void FitChecksItsData()
    {
        var net = new Sequential(new Dense(2, 1));
        var trainer = Trainer.For(net, Loss.MeanSquaredError, T.Matrix("t"), new Sgd(0.1));
        var x = NDArray.Zeros(DType.Float32, 4, 2);
        Assert.Contains("4 rows", Assert.Throws<ArgumentException>(() => trainer.Fit(x, NDArray.Zeros(DType.Float32, 3, 1), 1, 2, log: TextWriter.Null)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(x, NDArray.Zeros(DType.Float32, 4, 1), 1, 0, log: TextWriter.Null));
        var losses = trainer.Fit(x, NDArray.Zeros(DType.Float32, 4, 1), 2, 3, log: TextWriter.Null);
        Assert.Equal(new double[] { 0, 0 }, losses);
    }
}
