using Symbolic.Tests.Infrastructure;

namespace Symbolic.Tests.Text;

/// <summary>Graphs shared by the snapshot tests.</summary>
internal static class SnapshotGraphs
{
    /// <summary>The seed network: 32x500 -> relu 50 -> softmax 5, cross-entropy against int labels; its loss and the gradients for w1 and w2.</summary>
    public static (Variable Loss, Variable[] Grads) SeedNetwork()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var probs = T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2));
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        return (loss, T.Grad(loss, w1, w2));
    }
}

/// <summary>debugprint of graphs built by T, one family of ops a snapshot (verified files under snapshots/debugprint/).</summary>
public class DebugPrintSnapshotTests
{
    private static void Match(string name, params Variable[] outputs) =>
        Snapshot.Match("debugprint/" + name, Graph.DebugPrint(outputs));

    [Fact]
    public void ElementwiseUnary()
    {
        var x = T.Matrix("x");
        Match("elementwise-unary",
            T.Exp(x), T.Log(x), T.Log1p(x), T.Expm1(x), T.Sqrt(x), T.Sqr(x), T.Abs(x), T.Sign(x), T.Neg(x),
            T.Tanh(x), T.Sigmoid(x), T.Softplus(x), T.Relu(x), T.Sin(x), T.Cos(x), T.Floor(x), T.Ceil(x));
    }

    [Fact]
    public void ElementwiseBinaryAndTernary()
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        Match("elementwise-binary",
            x + y, x - y, x * y, x / y, T.Pow(x, y), T.Maximum(x, y), T.Minimum(x, 0), T.Clip(x, -1, 1));
    }

    [Fact]
    public void SoftplusFromText()
    {
        var x = T.Matrix("x");
        Match("softplus-from-text", T.Parse("log(1 + exp(x))", x));
    }

    [Fact]
    public void ComparisonsLogicAndSwitch()
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var inside = T.And(T.Gt(x, 0), T.Not(T.Ge(x, 1)));
        Match("comparisons-switch",
            T.Switch(inside, x, 0.1 * x), T.Or(T.Eq(x, y), T.Neq(x, y)), T.Lt(x, y), T.Le(x, 2));
    }

    [Fact]
    public void WeakConstantsTakeTheTensorsType()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var d = T.Vector("d", DType.Float64);
        Match("weak-constants", x * 2, 1 - x, i + 1, i * 2.5, d - 0.01 * d, T.Constant(3, DType.Int32) + i);
    }

    [Fact]
    public void Broadcasting()
    {
        var x = T.Matrix("x");
        var v = T.Vector("v");
        var row = T.Row("row");
        var col = T.Col("col");
        var s = T.Scalar("s");
        var fixedShape = T.Tensor("a", DType.Float32, 3, 1);
        var other = T.Tensor("b", DType.Float32, 4);
        Match("broadcasting", x + v, x * row, x - col, s * x, fixedShape + other, row + col);
    }

    [Fact]
    public void Reductions()
    {
        var x = T.Matrix("x");
        var x3 = T.Tensor3("x3");
        Match("reductions",
            T.Sum(x), T.Sum(x, 0), T.Mean(x, -1, keepDims: true), T.Max(x, 1), T.Min(x3, [0, 2]),
            T.Prod(x, 0, keepDims: true), T.Argmax(x, 1), T.Argmin(x3, -1));
    }

    [Fact]
    public void DotProducts()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var v = T.Vector("v");
        var x3 = T.Tensor3("x3");
        Match("dot", T.Dot(a, b), T.Dot(a, v), T.Dot(v, v), T.Dot(x3, b), T.Dot(v, x3), a.Dot(b.Transpose()));
    }

    [Fact]
    public void TransposeAndDimShuffle()
    {
        var x = T.Matrix("x");
        var x3 = T.Tensor3("x3");
        var v = T.Vector("v");
        Match("transpose-dimshuffle", T.Transpose(x), T.Transpose(x3, 1, 0, 2), T.DimShuffle(v, 'x', 0), T.DimShuffle(v, 0, 'x'));
    }

    [Fact]
    public void ReshapeAndFlatten()
    {
        var x = T.Matrix("x");
        var x3 = T.Tensor3("x3");
        Match("reshape-flatten",
            T.Reshape(x, 2, -1), T.Flatten(x3), T.Flatten(x3, 2), T.Reshape(x3, [T.Shape(x3, 0), -1]), x.Reshape(-1));
    }

    [Fact]
    public void Slicing()
    {
        var x = T.Matrix("x");
        var x3 = T.Tensor3("x3");
        Match("slicing", x[1..3], x[.., 0], x[^1], x3[0, 1..^1], x[..2, 1..]);
    }

    [Fact]
    public void Take()
    {
        var probs = T.Matrix("probs");
        var y = T.Vector("y", DType.Int64);
        var table = T.Matrix("table");
        var ids = T.Vector("ids", DType.Int64);
        Match("take", T.Take(probs, T.Arange(T.Shape(probs, 0)), y), T.Take(table, ids));
    }

    [Fact]
    public void ConcatenateAndStack()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var i = T.Matrix("i", DType.Int32);
        var u = T.Vector("u");
        Match("concatenate-stack", T.Concatenate([a, b], 1), T.Concatenate([a, i]), T.Stack([u, u, u]), T.Stack([a, b], -1));
    }

    [Fact]
    public void Softmax()
    {
        var x = T.Matrix("x");
        Match("softmax", T.Softmax(x), T.Softmax(x, 0));
    }

    [Fact]
    public void LogSoftmax()
    {
        var x = T.Matrix("x");
        Match("log-softmax", T.LogSoftmax(x));
    }

    [Fact]
    public void CategoricalCrossentropy()
    {
        var scores = T.Matrix("scores");
        var labels = T.Vector("labels", DType.Int64);
        var onehot = T.Matrix("onehot");
        var p = T.Softmax(scores);
        Match("categorical-crossentropy", T.CategoricalCrossentropy(p, labels), T.CategoricalCrossentropy(p, onehot));
    }

    [Fact]
    public void CategoricalCrossentropyOfRankThree()
    {
        var scores = T.Tensor3("scores");
        var labels = T.Matrix("labels", DType.Int64);
        Match("categorical-crossentropy-rank3", T.CategoricalCrossentropy(T.Softmax(scores), labels));
    }

    [Fact]
    public void BinaryCrossentropyAndMeanSquaredError()
    {
        var z = T.Vector("z");
        var t = T.Vector("t");
        Match("binary-crossentropy-mse", T.Mean(T.BinaryCrossentropy(T.Sigmoid(z), t)), T.MeanSquaredError(z, t));
    }

    [Fact]
    public void SeedNetworkLoss()
    {
        var (loss, _) = SnapshotGraphs.SeedNetwork();
        Match("seed-network-loss", loss);
    }

    [Fact]
    public void SeedNetworkGradients()
    {
        var (loss, grads) = SnapshotGraphs.SeedNetwork();
        Match("seed-network-gradients", [loss, .. grads]);
    }

    [Fact]
    public void SeedNetworkFromText()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var loss = T.Parse("mean(categorical_crossentropy(softmax(relu(x @ w1) @ w2), y))", x, y, w1, w2);
        // The same text as the graph built by T.
        Assert.Equal(Graph.DebugPrint(SnapshotGraphs.SeedNetwork().Loss), Graph.DebugPrint(loss));
        Match("seed-network-loss", loss);
    }

    [Fact]
    public void SharedVariablesAndAnUpdate()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w = T.Shared(NDArray.From(new float[6], 3, 2), "W");
        var b = T.Shared(NDArray.From(new float[2], 2), "b");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(x, w) + b), y));
        var g = T.Grad(loss, [w, b]);
        Match("shared-variable-update", loss, w - 0.1 * g[0], b - 0.1 * g[1]);
    }

    [Fact]
    public void CastsIntegersAndHelpers()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var n = T.Scalar("n", DType.Int32);
        Match("casts-helpers",
            T.Cast(x, DType.Int32), T.Cast(i, DType.Float64), T.Cast(x, DType.Bool), T.ZerosLike(x), T.OnesLike(i),
            T.Arange(n), T.Arange(4), T.StopGradient(x), T.Shape(x, 1));
    }

    [Fact]
    public void WeirdUserNames()
    {
        var evil = T.Matrix("x\"; File.Delete(\"/\"); //");
        var lines = T.Matrix("line one\nline two");
        var quote = T.Matrix("it's");
        var slash = T.Matrix("back\\slash");
        var empty = T.Matrix("");
        var unnamed = T.Matrix();
        var bell = T.Matrix("tab\there\u0007");
        var shared = T.Shared(NDArray.From(new float[] { 1 }, 1, 1), "sh\"ared\r\n");
        var output = evil + lines * quote - slash / empty + unnamed + bell * shared;
        var text = Graph.DebugPrint(output);
        // One line a variable: no name breaks a line.
        Assert.Equal(GraphWalk.Variables([output]).Count, text.Count(c => c == '\n'));
        Snapshot.Match("debugprint/weird-names", text);
    }

    [Fact]
    public void DebugPrintIsDeterministic()
    {
        static string Build()
        {
            var (loss, grads) = SnapshotGraphs.SeedNetwork();
            return Graph.DebugPrint([loss, .. grads]);
        }
        Assert.Equal(Build(), Build());
    }
}
