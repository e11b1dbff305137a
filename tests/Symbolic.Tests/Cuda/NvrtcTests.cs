using Symbolic.CodeGen;
using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.Tests.Cuda;

public class NvrtcTests
{
    [Fact]
    public void ABadSourceRaisesWithNvrtcsLogInTheMessage()
    {
        NvrtcRequirement.Check();
        var e = Assert.Throws<NvrtcException>(() => Nvrtc.CompileToPtx("extern \"C\" __global__ void k(float* y) { y[0] = undefined_thing; }\n", "bad.cu"));
        Assert.Contains("undefined_thing", e.Log);
        Assert.Contains("undefined_thing", e.Message);
        Assert.Contains("bad.cu", e.Message);
        Assert.Contains("NVRTC_ERROR_COMPILATION", e.Message);
    }

    [Fact]
    public void TheArchitectureIsAnOptionAndShowsInThePtx()
    {
        NvrtcRequirement.Check();
        const string source = "extern \"C\" __global__ void k(float* y) { y[threadIdx.x] = 2.0f; }\n";
        Assert.Contains(".target sm_80", Nvrtc.CompileToPtx(source));
        Assert.Contains(".target sm_75", Nvrtc.CompileToPtx(source, options: Nvrtc.Options(Nvrtc.Architecture(7, 5))));
        Assert.Equal("compute_86", Nvrtc.Architecture(8, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nvrtc.Architecture(8, 12));
        Assert.Matches(@"^\d+\.\d+$", Nvrtc.Version);
    }

    [Fact]
    public void ThePtxCacheCompilesAModuleOnceAndAWarmProcessNotAtAll()
    {
        NvrtcRequirement.Check();
        var dir = Path.Combine(Path.GetTempPath(), $"symbolic-ptx-{Guid.NewGuid():N}");
        try
        {
            var source = $"// {Guid.NewGuid():N}\nextern \"C\" __global__ void k(float* y) {{ y[0] = 3.0f; }}\n";
            var first = new PtxCache(new DiskCache(dir));
            var ptx = first.Compile(source);
            Assert.Equal(ptx, first.Compile(source));
            Assert.Equal(1, first.Compiles);
            // Another process: a new cache over the same directory reads the entry.
            var second = new PtxCache(new DiskCache(dir));
            Assert.Equal(ptx, second.Compile(source));
            Assert.Equal(0, second.Compiles);
            // Another architecture is another entry.
            second.Compile(source, "compute_75");
            Assert.Equal(1, second.Compiles);
            Assert.NotEqual(PtxCache.KeyOf(source, Nvrtc.Options(), "11.8"), PtxCache.KeyOf(source, Nvrtc.Options(), "12.0"));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private sealed class Absent : IPtxCompiler
    {
        public string? WhyUnavailable => "NVRTC was not found: a test stands in for a machine without it.";

        public string Compile(string source, string? architecture) => throw new InvalidOperationException("Not available.");
    }

    private sealed class Recording : IPtxCompiler
    {
        public string? Source { get; private set; }

        public string? WhyUnavailable => null;

        public string Compile(string source, string? architecture) => $"// ptx of {(Source = source).Length} characters";
    }

    [Fact]
    public void EmitsPtxIsNullWhereNoCompilerLoadsAndTheSourceIsStillThere()
    {
        var x = T.Vector("x");
        using (CudaEmitter.UsePtxCompiler(new Absent()))
        {
            var e = Function.Emit([x], [T.Exp(x)], new CompileOptions { Device = Device.Cuda });
            Assert.Null(e.Ptx);
            Assert.Contains("__global__", e.Source);
            Assert.NotEmpty(e.Kernels);
        }
        var recording = new Recording();
        using (CudaEmitter.UsePtxCompiler(recording))
        {
            var e = Function.Emit([x], [T.Exp(x)], new CompileOptions { Device = Device.Cuda });
            Assert.Equal(recording.Source, e.Source);
            Assert.Equal($"// ptx of {e.Source.Length} characters", e.Ptx);
        }
    }

    [Fact]
    public void EmitForTheCpuHasNoPtx()
    {
        var x = T.Vector("x");
        var e = Function.Emit([x], [T.Exp(x)], new CompileOptions());
        Assert.Null(e.Ptx);
        Assert.All(e.Kernels, k => Assert.Equal("csharp", k.Language));
    }
}
