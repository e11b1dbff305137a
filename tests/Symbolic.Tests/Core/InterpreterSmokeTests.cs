namespace Symbolic.Tests.Core;

public class InterpreterSmokeTests
{
    [Fact]
    public void SeedNetworkLossAndGradientsEvaluate()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var probs = T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2));
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        var g = T.Grad(loss, w1, w2);
        var rng = new Random(1);
        NDArray R(int r, int c, double s) => NDArray.From(Enumerable.Range(0, r * c).Select(_ => (float)(rng.NextDouble() * s)).ToArray(), r, c);
        var vals = new Dictionary<Variable, NDArray>
        {
            [x] = R(4, 6, 1), [y] = NDArray.From(new long[] { 0, 1, 2, 1 }, 4), [w1] = R(6, 5, 0.5), [w2] = R(5, 3, 0.5),
        };
        var outs = Interpreter.Evaluate([loss, g[0], g[1]], vals);
        Assert.Equal(DType.Float32, outs[0].DType);
        Assert.Equal([6, 5], outs[1].Shape);
        Assert.Equal([5, 3], outs[2].Shape);
        double l = outs[0].Item<float>();
        Assert.InRange(l, 0.5, 2.0);
    }
}

public class DebugPrintSmokeTests
{
    [Fact]
    public void PrintsTheanoLayoutWithSharedIds()
    {
        var x = T.Matrix("x");
        var e = T.Exp(x);
        var text = Graph.DebugPrint(e + e * 2);
        Assert.Equal(
            "add [id A] <float32 (?, ?)>\n |exp [id B] <float32 (?, ?)>\n | |x [id C] <float32 (?, ?)>\n |mul [id D] <float32 (?, ?)>\n   |exp [id B]\n   |2 [id E] <float32 ()>\n",
            text);
    }
}

public class JacobianSmokeTests
{
    [Fact]
    public void JacobianOfSquareIsDiagonalOfTwiceX()
    {
        var x = T.Vector("x", DType.Float64);
        var j = T.Jacobian(x * x, x);
        var v = NDArray.From(new double[] { 1, 2, 3 }, 3);
        var r = Interpreter.Evaluate(j, (x, v));
        Assert.Equal([3, 3], r.Shape);
        Assert.Equal(new double[] { 2, 0, 0, 0, 4, 0, 0, 0, 6 }, r.ToArray<double>());
    }

    [Fact]
    public void HessianOfCubicSum()
    {
        var x = T.Vector("x", DType.Float64);
        var h = T.Hessian(T.Sum(x * x * x), x);
        var r = Interpreter.Evaluate(h, (x, NDArray.From(new double[] { 1, -2 }, 2)));
        Assert.Equal(new double[] { 6, 0, 0, -12 }, r.ToArray<double>());
    }
}

public class WeakConstantTests
{
    [Fact]
    public void BareNumbersTakeTheTensorsDtypeAtFullPrecision()
    {
        var d = T.Matrix("d", DType.Float64);
        var f = T.Matrix("f");
        var i = T.Vector("i", DType.Int32);
        Assert.Equal(0.1, ((Constant)(d * 0.1).Owner!.Inputs[1]).Value.Item<double>());
        Assert.Equal(0.1f, ((Constant)(f * 0.1).Owner!.Inputs[1]).Value.Item<float>());
        Assert.Equal(DType.Float32, (1 - f).DType);
        Assert.Equal(DType.Float32, (f - 0.01 * f).DType);
        Assert.Equal(DType.Int32, (i * 2).DType);
        Assert.Equal(T.FloatX, (i * 0.5).DType);
        Assert.Equal(DType.Int64, (T.Gt(f, 0) * 2).DType);
    }
}
