using Symbolic.Rewrite.Engine;

namespace Symbolic.Tests.Rewrite;

/// <summary>Chains of reductions merged, and Theano's keepdims spelling (a reduction, then a dimshuffle putting the axes back) read as keepdims.</summary>
public class ReductionChainTests
{
    private static Variable Optimize(Variable v, out RewriteTrace trace)
    {
        var (outs, t) = Rulebook.Engine.Run([v]);
        trace = t;
        return outs[0];
    }

    [Fact]
    public void ChainedMeansAndKeepDimsThenDropMerge()
    {
        var x = T.Tensor3("x", DType.Float64);
        Assert.Equal("mean{axes=[0,1]}", Optimize(T.Mean(T.Mean(x, 1), 0), out _).Owner!.Op.Name);
        Assert.Equal("sum{axes=[1,2]}", Optimize(T.Sum(T.Sum(x, 1, keepDims: true), [1, 2]), out _).Owner!.Op.Name);
        // the inner axis is not reduced again by the outer one: it stays as a size-1 axis, no single reduction says that
        var kept = T.Max(T.Max(x, 1, keepDims: true), 2);
        Assert.Same(kept, Optimize(kept, out _));
        var xs = NDArray.From(Enumerable.Range(0, 24).Select(i => Math.Sin(i)).ToArray(), 2, 3, 4);
        foreach (var e in new[] { T.Mean(T.Mean(x, 2), 0), T.Sum(T.Sum(x, 1, keepDims: true), [1, 2]), T.Min(T.Min(x, [0, 2], keepDims: true), 2) })
            Backend.BackendHarness.AssertClose(Interpreter.Evaluate(e, (x, xs)), Interpreter.Evaluate(Optimize(e, out _), (x, xs)), 1e-12);
    }

    [Fact]
    public void TheanoStyleKeepDimsSoftmaxBecomesTheSoftmaxOp()
    {
        var x = T.Matrix("x", DType.Float64);
        var e = T.Exp(x) / T.DimShuffle(T.Sum(T.Exp(x), 1), 0, 'x');
        var r = Optimize(e, out var trace);
        Assert.Equal(["keepdims-from-dimshuffle", "softmax-shift", "softmax-op"], trace.Steps.Select(s => s.Rule));
        Assert.Same(Apply.Make(new Symbolic.Ops.SoftmaxOp(1), x), r);
        var big = NDArray.From(new double[] { 1000, 0, -1000, 2 }, 2, 2);
        Assert.Equal([1, 0, 0, 1], Function.Compile([x], [e]).Invoke(big)[0].ToArray<double>());
    }

    [Fact]
    public void DimShuffleThatDoesNotRestoreTheReducedAxesInPlaceIsLeftAlone()
    {
        var x = T.Matrix("x");
        var moved = T.DimShuffle(T.Sum(x, 1), 'x', 0); // the axis comes back in front, not where it was reduced
        Assert.Same(moved, Optimize(moved, out _));
        var argmax = T.DimShuffle(T.Argmax(x, 1), 0, 'x');
        Assert.Same(argmax, Optimize(argmax, out _));
    }
}
