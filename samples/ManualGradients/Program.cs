// The PyTorch tutorial's two-layer network (N=64, D_in=1000, H=100, D_out=10, ReLU, sum of squared
// errors, learning rate 1e-6), trained with the gradients written by hand as the tutorial does, and
// the same gradients from T.Grad computed beside them (100 steps here; the tutorial runs 500): the sample prints the loss and how far the
// two sets of gradients are apart. float64, so "agree" means to about 1e-12.
//
//   dotnet run --project samples/ManualGradients              # a loss table and the agreement
//   dotnet run --project samples/ManualGradients -- --show    # plus the graph and generated C#
using Symbolic;

namespace ManualGradients;

public static class ManualGradientsSample
{
    public const int N = 64, DIn = 1000, H = 100, DOut = 10;

    /// <summary>Trains for <paramref name="steps"/> steps with the hand-written gradients, logging every
    /// <paramref name="every"/>th; returns the losses, the largest relative difference between the hand-written
    /// and the T.Grad gradients over all steps, and the training function.</summary>
    public static (double[] Losses, double MaxRelativeDifference, Function Train) Run(int steps, TextWriter log, int every = 50)
    {
        var rng = new Random(0);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        NDArray Randn(params int[] shape) => NDArray.FromDoubles(DType.Float64, shape, [.. Enumerable.Range(0, NDArray.ShapeSize(shape)).Select(_ => Normal())]);

        var x = T.Matrix("x", DType.Float64);
        var y = T.Matrix("y", DType.Float64);
        var w1 = T.Shared(Randn(DIn, H), "w1");
        var w2 = T.Shared(Randn(H, DOut), "w2");

        // Forward pass.
        var h = T.Dot(x, w1);
        var hRelu = T.Clip(h, 0, double.PositiveInfinity);               // h.clamp(min=0)
        var yPred = T.Dot(hRelu, w2);
        var loss = T.Sum(T.Sqr(yPred - y));

        // Backward pass by hand, line for line as in the tutorial.
        var gradYPred = 2.0 * (yPred - y);
        var gradW2 = T.Dot(hRelu.Transpose(), gradYPred);
        var gradHRelu = T.Dot(gradYPred, w2.Transpose());
        var gradH = T.Switch(T.Lt(h, 0), 0, gradHRelu);                   // grad_h[h < 0] = 0
        var gradW1 = T.Dot(x.Transpose(), gradH);

        // And by T.Grad.
        var auto = T.Grad(loss, w1, w2);

        const double learningRate = 1e-6;
        var train = Function.Compile([x, y], [loss, gradW1, gradW2, auto[0], auto[1]],
            updates: [(w1, w1 - learningRate * gradW1), (w2, w2 - learningRate * gradW2)]);

        var xs = Randn(N, DIn);
        var ys = Randn(N, DOut);
        var losses = new double[steps];
        double worst = 0;
        log.WriteLine("step  loss            hand vs T.Grad (largest relative difference)");
        for (int t = 0; t < steps; t++)
        {
            var outs = train.Invoke(xs, ys);
            losses[t] = outs[0].Item<double>();
            double d = Math.Max(RelativeDifference(outs[1], outs[3]), RelativeDifference(outs[2], outs[4]));
            worst = Math.Max(worst, d);
            if (t % every == 0 || t == steps - 1) log.WriteLine($"{t,4}  {losses[t],14:F4}  {d:E2}");
        }
        log.WriteLine(worst < 1e-9
            ? $"The hand-written gradients and T.Grad agree (largest relative difference {worst:E2})."
            : $"The hand-written gradients and T.Grad DISAGREE (largest relative difference {worst:E2}).");
        return (losses, worst, train);
    }

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeDifference(NDArray a, NDArray b)
    {
        var x = a.ToArray<double>();
        var y = b.ToArray<double>();
        double diff = 0, scale = 0;
        for (int i = 0; i < x.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(x[i] - y[i]));
            scale = Math.Max(scale, Math.Abs(y[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    public static void Main(string[] args) => Entry(args, Console.Out);

    /// <summary>The program, writing to <paramref name="output"/>: <c>--show</c> adds the graph and the
    /// generated source, <c>--quick</c> trains only a few steps (the tests run it so).</summary>
    public static void Entry(string[] args, TextWriter output)
    {
        bool quick = args.Contains("--quick");
        var (_, _, train) = Run(steps: quick ? 10 : 100, output, every: quick ? 5 : 10);
        if (args.Contains("--show"))
        {
            output.WriteLine("== optimized graph ==");
            output.WriteLine(train.DebugPrint());
            output.WriteLine("== generated source ==");
            output.WriteLine(train.Source);
        }
    }
}
