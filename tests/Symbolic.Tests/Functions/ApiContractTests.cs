namespace Symbolic.Tests.Functions;

/// <summary>The examples of shared/API.md, as written there: they must compile and run.</summary>
public class ApiContractTests
{
    [Fact]
    public void BuildingGraphsExample()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");

        var h = T.Relu(T.Dot(x, w1));
        var scores = T.Dot(h, w2);
        var probs = T.Softmax(scores);
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        Variable[] g = T.Grad(loss, w1, w2);

        var f = Function.Compile(new[] { x, y, w1, w2 }, new[] { loss, g[0], g[1] });
        var rng = new Random(0);
        NDArray R(int r, int c) => NDArray.From(Enumerable.Range(0, r * c).Select(_ => (float)rng.NextDouble() * 0.1f).ToArray(), r, c);
        NDArray[] outs = f.Invoke(R(4, 6), NDArray.From(new long[] { 0, 1, 2, 0 }, 4), R(6, 5), R(5, 3));
        Assert.Equal(3, outs.Length);
        Assert.Equal([6, 5], outs[1].Shape);
    }

    [Fact]
    public void SharedVariableExample()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var W = T.Shared(NDArray.From(new float[500 * 50], 500, 50), "W");
        var v = T.Shared(NDArray.From(new float[50 * 5], 50, 5), "v");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, W)), v)), y));
        var train = Function.Compile(new[] { x, y }, new[] { loss },
            updates: new[] { (W, W - 0.1 * T.Grad(loss, W)) });
        Assert.Equal(DType.Float32, W.Value.DType);
        var l = train.Invoke(NDArray.Zeros(DType.Float32, 2, 500), NDArray.From(new long[] { 1, 2 }, 2))[0];
        Assert.Equal(MathF.Log(5), l.Item<float>(), 1e-5f);
        Function.Compile([x, y], [loss], [(W, W - 0.01 * T.Grad(loss, W))]);
    }

    [Fact]
    public void VariableSurface()
    {
        var x = T.Matrix("x");
        Assert.Equal("x", x.Name);
        Assert.Equal(2, x.NDim);
        Assert.Equal([false, false], x.Broadcastable);
        Variable[] forms = [x + 1, 1 + x, x - 2.5, 2.5 - x, x * x, 3 * x, x / 2, 2 / x, -x, x.Dot(x), x.Sum(), x.Mean(), x.Reshape(-1), x.Transpose(), x.Cast(DType.Float64)];
        Assert.All(forms.Take(9), v => Assert.Equal(DType.Float32, v.DType));
        Assert.Equal(DType.Float64, forms[^1].DType);
        Variable[] more = [T.Maximum(x, 0), T.Clip(x, -1, 1), T.Pow(x, 2), x[0], x[1..2], x[.., 0], T.Take(x, T.Arange(2), T.Vector("y", DType.Int64))];
        Assert.Equal(7, more.Length);
        var s = T.Scalar("s");
        var t3 = T.Tensor3("t");
        var t4 = T.Tensor4("q", DType.Float64);
        var tn = T.Tensor("n", 5);
        Assert.Equal([0, 3, 4, 5], new[] { s.NDim, t3.NDim, t4.NDim, tn.NDim });
        Assert.Equal(DType.Float32, T.Constant(1.5).DType);
        Assert.Equal(DType.Int32, T.Constant(1, DType.Int32).DType);
        Assert.Equal(4, T.Constant(NDArray.From(new double[] { 1, 2, 3, 4 }, 2, 2)).Type.Shape[0]! * 2);
        Assert.Equal(DType.Float32, T.FloatX);
    }

    [Fact]
    public void CompileOptionsAndEmit()
    {
        var x = T.Vector("x");
        var options = new CompileOptions();
        Assert.Equal(Device.Cpu, options.Device);
        Assert.True(options.Optimize);
        var cuda = options with { Device = Device.Cuda };
        if (!Symbolic.CodeGen.Cuda.CudaProbe.Result.Available)
            Assert.Throws<DeviceUnavailableException>(() => Function.Compile([x], [x * 2], options: cuda));
        var emitted = Function.Emit([x], [T.Exp(x)], options with { Optimize = false });
        Assert.NotEmpty(emitted.Kernels);
        Assert.Equal("csharp", emitted.Kernels[0].Language);
        Assert.Null(emitted.Ptx);
        var f = Function.Compile([x], [T.Exp(x)]);
        Assert.Contains("exp", f.DebugPrint());
        Assert.Contains("exp", Graph.DebugPrint(T.Exp(x)));
        Assert.Equal(f.Kernels[0].Name, f.Kernels.Single().Name);
        Assert.Contains("Run(", f.Source);
    }

    [Fact]
    public void JacobianHessianAndParse()
    {
        var x = T.Vector("x");
        Variable j = T.Jacobian(x * x, x);
        Variable h = T.Hessian(T.Sum(x * x), x);
        Variable p = T.Parse("log(1 + exp(x))", x);
        Variable gs = T.Grad(T.Sum(x), x);
        var outs = Function.Compile([x], [j, h, p, gs]).Invoke(NDArray.From(new float[] { 1, 2 }, 2));
        Assert.Equal(new float[] { 2, 0, 0, 4 }, outs[0].ToArray<float>());
        Assert.Equal(new float[] { 2, 0, 0, 2 }, outs[1].ToArray<float>());
    }
}
