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
