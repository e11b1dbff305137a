// Keras's Sequential/Dense/SGD example: a small classifier fitted with mini-batch SGD and momentum
// on a seeded synthetic problem (three classes of points on interleaved spirals in 2-D).
//
//   dotnet run --project samples/KerasStyle               # one loss line per epoch and the accuracy
//   dotnet run --project samples/KerasStyle -- --show     # plus the training graph and generated C#
using Symbolic;
using Symbolic.Nn;

namespace KerasStyle;

public static class KerasStyleSample
{
    /// <summary>Three spiral arms of <paramref name="perClass"/> noisy points each; labels 0..2 (int64).</summary>
    public static (NDArray X, NDArray Y) Spirals(int perClass, int seed)
    {
        const int classes = 3;
        var rng = new Random(seed);
        var x = new float[perClass * classes * 2];
        var y = new long[perClass * classes];
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < perClass; i++)
            {
                int k = c * perClass + i;
                double r = (double)i / perClass;
                double angle = c * 2 * Math.PI / classes + 4 * r + 0.2 * (rng.NextDouble() - 0.5);
                x[2 * k] = (float)(r * Math.Sin(angle));
                x[2 * k + 1] = (float)(r * Math.Cos(angle));
                y[k] = c;
            }
        return (NDArray.From(x, perClass * classes, 2), NDArray.From(y));
    }

    /// <summary>Fits the model for <paramref name="epochs"/> epochs, logging one line an epoch; returns the epoch losses, the accuracy and the trainer.</summary>
    public static (double[] Losses, double Accuracy, Trainer Trainer) Run(int epochs, TextWriter log)
    {
        var (xs, ys) = Spirals(perClass: 100, seed: 42);
        var rng = new Random(7);
        var model = new Sequential(
            new Dense(2, 32, activation: T.Relu, random: rng),
            new Dense(32, 32, activation: T.Relu, random: rng),
            new Dense(32, 3, random: rng),
            new Softmax());
        log.WriteLine($"model: 2 -> 32 -> 32 -> 3, {model.ParameterCount} parameters; 300 points, batches of 32");

        var trainer = Trainer.For(model, Loss.CategoricalCrossentropy, T.Vector("y", DType.Int64),
            new Sgd(learningRate: 0.1, momentum: 0.9));
        var losses = trainer.Fit(xs, ys, epochs, batchSize: 32, seed: 1, log: log);

        var x = T.Matrix("x");
        var predict = Function.Compile([x], [T.Argmax(model.Apply(x), 1)]);
        var predicted = predict.Invoke(xs)[0].ToArray<long>();
        var labels = ys.ToArray<long>();
        double accuracy = predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
        log.WriteLine($"training accuracy {accuracy:P1}");
        return (losses, accuracy, trainer);
    }

    public static void Main(string[] args) => Entry(args, Console.Out);

    /// <summary>The program, writing to <paramref name="output"/>: <c>--show</c> adds the graph and the
    /// generated source, <c>--quick</c> trains only a few steps (the tests run it so).</summary>
    public static void Entry(string[] args, TextWriter output)
    {
        bool quick = args.Contains("--quick");
        var (_, _, trainer) = Run(epochs: quick ? 3 : 30, output);
        if (args.Contains("--show"))
        {
            output.WriteLine("== optimized training graph ==");
            output.WriteLine(trainer.Step.DebugPrint());
            output.WriteLine("== generated source ==");
            output.WriteLine(trainer.Step.Source);
        }
    }
}
