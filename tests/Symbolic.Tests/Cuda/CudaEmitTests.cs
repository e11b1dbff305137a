using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.Tests.Cuda;

public class CudaEmitTests
{
    private static readonly CompileOptions Cuda = new() { Device = Device.Cuda };

    [Fact]
    public void EmitRendersCudaKernelsAndPtxWhereNvrtcLoads()
    {
        NvrtcRequirement.Check();
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var e = Function.Emit([x, y], [T.Tanh(x) * T.Sigmoid(y) + T.Exp(-x * x)], Cuda);
        Assert.NotEmpty(e.Kernels);
        Assert.All(e.Kernels, k => Assert.Equal("cuda", k.Language));
        Assert.All(e.Kernels, k => Assert.Contains(k.Source, e.Source));
        Assert.Contains("__global__", e.Source);
        Assert.NotNull(e.Ptx);
        Assert.Contains(".entry " + e.Kernels[0].Name, e.Ptx);
    }
}
