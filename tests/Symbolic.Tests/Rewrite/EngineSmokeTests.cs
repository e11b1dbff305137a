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

public class SpecializeTests
{
    [Fact]
    public void StableSoftmaxBecomesOneOpAndComputesTheSame()
    {
        var x = T.Matrix("x", DType.Float64);
        var s = T.Softmax(x);
        var (outs, trace) = Rulebook.Engine.Run([s]);
        Assert.IsType<Symbolic.Ops.SoftmaxOp>(outs[0].Owner!.Op);
        Assert.Contains(trace.Steps, st => st.Rule == "softmax-op");
        var v = NDArray.From(new double[] { 1000, 0, -3, 2, 2, 2 }, 2, 3);
        var expected = Interpreter.Evaluate(s, (x, v));
        Backend.BackendHarness.AssertClose(expected, Interpreter.Evaluate(outs[0], (x, v)));
        Backend.BackendHarness.AssertClose(expected, Function.Compile([x], [s]).Invoke(v)[0]);
        Assert.DoesNotContain("softmax", Function.Compile([x], [s], options: new CompileOptions { ExcludePhases = ["specialize"] }).DebugPrint());
    }

    [Fact]
    public void DenseLayerAndSgdUpdateBecomeGemmsAndTrainTheSame()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w = T.Shared(NDArray.From(Enumerable.Range(0, 12).Select(i => 0.01f * i).ToArray(), 4, 3), "w");
        var b = T.Shared(NDArray.Zeros(DType.Float32, 3), "b");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(x, w) + b), y));
        var g = T.Grad(loss, w, b);
        var f = Function.Compile([x, y], [loss], [(w, w - 0.5 * g[0]), (b, b - 0.5 * g[1])]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "gemm-add");
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "gemm-sub-scaled");
        Assert.Contains("gemm", f.Source);
        var xs = NDArray.From(Enumerable.Range(0, 8).Select(i => (float)Math.Sin(i)).ToArray(), 2, 4);
        var ys = NDArray.From(new long[] { 0, 2 }, 2);
        var w0 = w.Value;
        var first = f.Invoke(xs, ys)[0].Item<float>();
        var wAfterGemm = w.Value;
        w.Value = w0;
        b.Value = NDArray.Zeros(DType.Float32, 3);
        var plain = Function.Compile([x, y], [loss], [(w, w - 0.5 * g[0]), (b, b - 0.5 * g[1])], new CompileOptions { ExcludePhases = ["specialize"] });
        Assert.Equal(first, plain.Invoke(xs, ys)[0].Item<float>(), 1e-6f);
        Backend.BackendHarness.AssertClose(w.Value, wAfterGemm);
    }
}
