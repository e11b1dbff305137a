// TensorFlow 1's two-layer ReLU network: placeholders for x and y, weights fed in, a mean squared
// error, and the gradients fetched by the session (here: outputs of the compiled function) and
// applied by the caller, as the TensorFlow tutorial does with numpy.
//
//   dotnet run --project samples/TensorFlowStyle              # a loss table
//   dotnet run --project samples/TensorFlowStyle -- --show    # plus the graph and generated C#
using Symbolic;

namespace TensorFlowStyle;

public static class TensorFlowStyleSample
{
    public const int N = 64, DIn = 100, H = 50, DOut = 10;

    /// <summary>Runs <paramref name="steps"/> gradient-descent steps, logging every <paramref name="every"/>th; returns the losses and the compiled function.</summary>
    public static (float[] Losses, Function Function) Run(int steps, TextWriter log, int every = 10)
    {
        var rng = new Random(0);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        float[] Randn(int count, float scale) => [.. Enumerable.Range(0, count).Select(_ => scale * Normal())];

        // The graph: x, y, w1, w2 are all fed in (tf.placeholder).
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var h = T.Maximum(T.Dot(x, w1), 0);
        var yPred = T.Dot(h, w2);
        var loss = T.MeanSquaredError(yPred, y);
        var grads = T.Grad(loss, w1, w2);                   // tf.gradients(loss, [w1, w2])
        var session = Function.Compile([x, y, w1, w2], [loss, grads[0], grads[1]]);

        // The data and the weights live on the caller's side.
        var xs = NDArray.From(Randn(N * DIn, 1), N, DIn);
        var ys = NDArray.From(Randn(N * DOut, 1), N, DOut);
        var w1Value = Randn(DIn * H, (float)Math.Sqrt(2.0 / DIn));
        var w2Value = Randn(H * DOut, (float)Math.Sqrt(1.0 / H));
        const float learningRate = 0.05f;

        var losses = new float[steps];
        log.WriteLine("step  loss");
        for (int t = 0; t < steps; t++)
        {
            var outs = session.Invoke(xs, ys, NDArray.From(w1Value, DIn, H), NDArray.From(w2Value, H, DOut));
            losses[t] = outs[0].Item<float>();
            var g1 = outs[1].ToArray<float>();
            var g2 = outs[2].ToArray<float>();
            for (int i = 0; i < w1Value.Length; i++) w1Value[i] -= learningRate * g1[i];
            for (int i = 0; i < w2Value.Length; i++) w2Value[i] -= learningRate * g2[i];
            if (t % every == 0 || t == steps - 1) log.WriteLine($"{t,4}  {losses[t]:F6}");
        }
        return (losses, session);
    }

    public static void Main(string[] args) => Entry(args, Console.Out);

    /// <summary>The program, writing to <paramref name="output"/>: <c>--show</c> adds the graph and the
    /// generated source, <c>--quick</c> trains only a few steps (the tests run it so).</summary>
    public static void Entry(string[] args, TextWriter output)
    {
        bool quick = args.Contains("--quick");
        var (_, session) = Run(steps: quick ? 5 : 60, output);
        if (args.Contains("--show"))
        {
            output.WriteLine("== optimized graph ==");
            output.WriteLine(session.DebugPrint());
            output.WriteLine("== generated source ==");
            output.WriteLine(session.Source);
        }
    }
}
