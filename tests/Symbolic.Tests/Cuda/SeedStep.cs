namespace Symbolic.Tests.Cuda;

/// <summary>
/// The seed network's training step (samples/SeedNetwork: 32x500 -> relu 50 -> softmax 5, mean
/// categorical cross-entropy, SGD at 0.1) as a graph to emit: the loss and the two weights' new
/// values as outputs (Emit takes no updates).
/// </summary>
internal static class SeedStep
{
    public static (Variable[] Inputs, Variable[] Outputs) Graph()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Shared(NDArray.Zeros(DType.Float32, 500, 50), "w1");
        var w2 = T.Shared(NDArray.Zeros(DType.Float32, 50, 5), "w2");
        var h = T.Relu(T.Dot(x, w1));
        var probs = T.Softmax(T.Dot(h, w2));
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        var g = T.Grad(loss, w1, w2);
        return ([x, y], [loss, w1 - 0.1 * g[0], w2 - 0.1 * g[1]]);
    }
}
