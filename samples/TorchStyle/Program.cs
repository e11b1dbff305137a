// Torch's nn.Sequential with a cross-entropy criterion trained by Adam, written as the PyTorch loop
// is: forward, loss, step, in a loop over shuffled mini-batches. The model's weights are then saved
// to a safetensors checkpoint and loaded into a fresh model, which gives the same loss.
//
//   dotnet run --project samples/TorchStyle               # a loss table, then the checkpoint check
//   dotnet run --project samples/TorchStyle -- --show     # plus the training graph and generated C#
using Symbolic;
using Symbolic.Nn;

namespace TorchStyle;

public static class TorchStyleSample
{
    private const int Features = 8, Classes = 4;

    /// <summary>Points around four seeded centres in 8-D; labels 0..3 (int64).</summary>
    public static (float[] X, long[] Y) Data(int n, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, Classes * Features).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        var x = new float[n * Features];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int c = rng.Next(Classes);
            y[i] = c;
            for (int f = 0; f < Features; f++) x[i * Features + f] = (float)(centres[c * Features + f] + 0.8 * (rng.NextDouble() - 0.5));
        }
        return (x, y);
    }

    private static Sequential Model(Random rng) => new(
        new Dense(Features, 32, initializer: new HeNormal(), random: rng, name: "fc1"),
        new Relu(),
        new Dense(32, Classes, random: rng, name: "fc2"));

    /// <summary>Trains for <paramref name="epochs"/> epochs, logging a loss table; returns the epoch losses, the training function and whether the checkpoint round trip gave the same loss.</summary>
    public static (double[] Losses, Function Step, bool CheckpointAgrees) Run(int epochs, TextWriter log)
    {
        const int n = 256, batch = 32;
        var (xData, yData) = Data(n, seed: 3);
        var model = Model(new Random(0));

        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var loss = Loss.SoftmaxCrossentropy(model.Apply(x), y);        // nn.CrossEntropyLoss on the logits
        var optimizer = new Adam(learningRate: 1e-2);
        var step = Function.Compile([x, y], [loss], updates: optimizer.Updates(loss, model.Parameters));

        var rng = new Random(1);
        var order = Enumerable.Range(0, n).ToArray();
        var losses = new double[epochs];
        log.WriteLine("epoch  loss");
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            rng.Shuffle(order);
            double sum = 0;
            for (int start = 0; start < n; start += batch)
            {
                var rows = order[start..(start + batch)];
                var xb = NDArray.From(rows.SelectMany(r => xData.AsSpan(r * Features, Features).ToArray()).ToArray(), batch, Features);
                var yb = NDArray.From(rows.Select(r => yData[r]).ToArray());
                sum += step.Invoke(xb, yb)[0].Item<float>();
            }
            losses[epoch] = sum / (n / batch);
            log.WriteLine($"{epoch + 1,5}  {losses[epoch]:F6}");
        }

        // torch.save / load_state_dict, in safetensors.
        var all = NDArray.From(xData, n, Features);
        var labels = NDArray.From(yData);
        var evaluate = Function.Compile([x, y], [loss]);
        var path = Path.Combine(Path.GetTempPath(), $"torchstyle-{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(path, model.Parameters);
        var fresh = Model(new Random(99));
        Checkpoint.Load(path, fresh.Parameters);
        File.Delete(path);
        var freshLoss = Function.Compile([x, y], [Loss.SoftmaxCrossentropy(fresh.Apply(x), y)]).Invoke(all, labels)[0].Item<float>();
        var trainedLoss = evaluate.Invoke(all, labels)[0].Item<float>();
        bool agrees = freshLoss == trainedLoss;
        log.WriteLine($"saved {model.Parameters.Count} tensors ({string.Join(", ", Checkpoint.TensorNames(model.Parameters))}) and loaded them into a fresh model: " +
            $"loss {trainedLoss:F6} vs {freshLoss:F6}, {(agrees ? "the same" : "DIFFERENT")}");
        return (losses, step, agrees);
    }

    public static void Main(string[] args) => Entry(args, Console.Out);

    /// <summary>The program, writing to <paramref name="output"/>: <c>--show</c> adds the graph and the
    /// generated source, <c>--quick</c> trains only a few steps (the tests run it so).</summary>
    public static void Entry(string[] args, TextWriter output)
    {
        bool quick = args.Contains("--quick");
        var (_, step, _) = Run(epochs: quick ? 2 : 15, output);
        if (args.Contains("--show"))
        {
            output.WriteLine("== optimized training graph ==");
            output.WriteLine(step.DebugPrint());
            output.WriteLine("== generated source ==");
            output.WriteLine(step.Source);
        }
    }
}
