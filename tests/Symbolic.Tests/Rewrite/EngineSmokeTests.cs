using Symbolic.Rewrite.Engine;

namespace Symbolic.Tests.Rewrite;

public class EngineSmokeTests
{
    private static Variable Optimize(Variable v, out RewriteTrace trace)
    {
        var (outs, t) = Rulebook.Engine.Run([v]);
        trace = t;
        return outs[0];
    }

    [Fact]
    public void LogOnePlusExpBecomesSoftplus()
    {
        var x = T.Matrix("x");
        var r = Optimize(T.Log(1 + T.Exp(x)), out var trace);
        Assert.Same(T.Softplus(x), r);
        Assert.Equal(["log1p-from-log", "softplus-from-log1p-exp"], trace.Steps.Select(s => s.Rule));
    }

    [Fact]
    public void LogOneMinusSigmoidBecomesNegSoftplus()
    {
        var x = T.Vector("x");
        var r = Optimize(T.Log(1 - T.Sigmoid(x)), out var trace);
        Assert.Same(-T.Softplus(x), r);
    }

    [Fact]
    public void AlgebraFolds()
    {
        var x = T.Matrix("x");
        Assert.Same(x, Optimize(x * 1 + 0, out _));
        Assert.Same(T.Sqr(x), Optimize(T.Pow(x, 2), out _));
        Assert.Same(T.Abs(x), Optimize(T.Sqrt(x * x), out _));
        Assert.Same(x, Optimize(-(-x), out _));
    }
}

public class StabilitySmokeTests
{
    [Fact]
    public void CrossEntropyOfSoftmaxStaysFiniteAtThousands()
    {
        var x = T.Matrix("x", DType.Float32);
        var y = T.Vector("y", DType.Int64);
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
        var g = T.Grad(loss, x);
        var (outs, trace) = Rulebook.Engine.Run([loss, g]);
        Assert.Contains(trace.Steps, s => s.Rule == "crossentropy-softmax-rows");
        var xs = NDArray.From(new float[] { 1000, -1000, 0, -1000, 1000, 0 }, 2, 3);
        var ys = NDArray.From(new long[] { 1, 0 }, 2);
        var vals = Interpreter.Evaluate(outs, new Dictionary<Variable, NDArray> { [x] = xs, [y] = ys });
        Assert.Equal(2000f, vals[0].Item<float>(), 1e-3f);
        Assert.All(vals[1].ToArray<float>(), v => Assert.True(float.IsFinite(v)));
        var naive = Interpreter.Evaluate([loss], new Dictionary<Variable, NDArray> { [x] = xs, [y] = ys });
        Assert.True(float.IsPositiveInfinity(naive[0].Item<float>()));
    }
}
