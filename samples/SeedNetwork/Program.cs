// The seed network of the Theano example Symbolic descends from: a two-layer classifier trained
// by plain SGD on random data. x is 32x500 uniform in [0, 1), labels are int64 in 0..4, the weights
// start at 0.01 times standard normal; relu, softmax, mean categorical cross-entropy, 20 steps at
// learning rate 0.1. Prints the loss at each step; with --show, also the optimized graph and the
// generated code.
//
//   dotnet run --project samples/SeedNetwork                 # the loss lines
//   dotnet run --project samples/SeedNetwork -- --show       # plus the graph and the generated C#
//   dotnet run -c Release --project samples/SeedNetwork      # about 3x faster than the Debug default
using Symbolic;

namespace SeedNetwork;

public static class SeedNetworkSample
{
    /// <summary>Builds the network, trains it for <paramref name="steps"/> steps writing one line a step
    /// to <paramref name="log"/>, and returns the losses and the compiled training function.</summary>
    public static (float[] Losses, Function Train) Run(int steps, TextWriter log)
    {
        const int batch = 32, features = 500, hidden = 50, classes = 5;
        const float learningRate = 0.1f;
        var rng = new Random(1234);

        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

        var xs = NDArray.From(Enumerable.Range(0, batch * features).Select(_ => (float)rng.NextDouble()).ToArray(), batch, features);
        var ys = NDArray.From(Enumerable.Range(0, batch).Select(_ => (long)rng.Next(classes)).ToArray());

        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Shared(NDArray.From(Enumerable.Range(0, features * hidden).Select(_ => 0.01f * Normal()).ToArray(), features, hidden), "w1");
        var w2 = T.Shared(NDArray.From(Enumerable.Range(0, hidden * classes).Select(_ => 0.01f * Normal()).ToArray(), hidden, classes), "w2");

        var h = T.Relu(T.Dot(x, w1));
        var probs = T.Softmax(T.Dot(h, w2));
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        var g = T.Grad(loss, w1, w2);

        var train = Function.Compile([x, y], [loss],
            updates: [(w1, w1 - learningRate * g[0]), (w2, w2 - learningRate * g[1])]);

        var losses = new float[steps];
        for (int step = 1; step <= steps; step++)
        {
            losses[step - 1] = train.Invoke(xs, ys)[0].Item<float>();
            log.WriteLine($"step {step,2}  loss {losses[step - 1]:F6}");
        }
        return (losses, train);
    }

    public static void Main(string[] args) => Entry(args, Console.Out);

    /// <summary>The program, writing to <paramref name="output"/>: <c>--show</c> adds the graph and the
    /// generated source, <c>--quick</c> trains only a few steps (the tests run it so).</summary>
    public static void Entry(string[] args, TextWriter output)
    {
        bool show = args.Contains("--show");
        var (_, train) = Run(args.Contains("--quick") ? 3 : 20, output);
        output.WriteLine();
        if (show)
        {
            output.WriteLine("== optimized graph ==");
            output.WriteLine(train.DebugPrint());
            output.WriteLine("== generated source ==");
            output.WriteLine(train.Source);
        }
        else
        {
            output.WriteLine("Add -- --show to print the optimized graph and the generated C#.");
        }
#if DEBUG
        output.WriteLine("This is a Debug build: `dotnet run -c Release --project samples/SeedNetwork` runs a training step about 3x faster.");
#endif
    }
}
