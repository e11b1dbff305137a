using Symbolic.CodeGen.Cuda.Native;
using Symbolic.CodeGen.Cuda.Render;

namespace Symbolic.CodeGen.Cuda;

/// <summary>Turns CUDA C into PTX: NVRTC through the PTX cache, or a stand-in where a test needs one.</summary>
public interface IPtxCompiler
{
    /// <summary>Null where the compiler can run; otherwise why not (what was looked for).</summary>
    string? WhyUnavailable { get; }

    /// <summary>The module's PTX for an architecture (<see cref="Nvrtc.DefaultArchitecture"/> when null).</summary>
    string Compile(string source, string? architecture);
}

/// <summary>NVRTC behind the process's <see cref="PtxCache"/>.</summary>
public sealed class NvrtcPtxCompiler : IPtxCompiler
{
    public static readonly NvrtcPtxCompiler Instance = new();

    public string? WhyUnavailable => Nvrtc.WhyUnavailable;

    public string Compile(string source, string? architecture) => PtxCache.Default.Compile(source, architecture);
}

/// <summary>What <see cref="CudaEmitter.Emit"/> makes: the module and launch plan, and its PTX where a compiler ran.</summary>
/// <param name="Ptx">The module's PTX; null where no PTX compiler is available (<see cref="WhyNoPtx"/> says why).</param>
public sealed record CudaEmitted(CudaModule Module, string? Ptx, string? WhyNoPtx);

/// <summary>
/// The CUDA backend's front door without a device: lowers a schedule (the shared kernel plan and
/// buffer plan), renders the module, and compiles it to PTX where NVRTC loads.
/// </summary>
public static class CudaEmitter
{
    private static readonly AsyncLocal<IPtxCompiler?> Override = new();

    /// <summary>The PTX compiler in use: NVRTC, unless a caller in this async flow set another (tests simulate a machine without NVRTC this way).</summary>
    public static IPtxCompiler PtxCompiler => Override.Value ?? NvrtcPtxCompiler.Instance;

    /// <summary>Uses <paramref name="compiler"/> in this async flow until the result is disposed.</summary>
    public static IDisposable UsePtxCompiler(IPtxCompiler compiler)
    {
        var before = Override.Value;
        Override.Value = compiler;
        return new Restore(() => Override.Value = before);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>The lowering of a schedule: kernel plan (fusion unless <paramref name="fuse"/> is false), then buffer plan.</summary>
    public static BufferPlan Lower(Schedule schedule, bool fuse = true) => new(new KernelPlan(schedule, fuse));

    /// <summary>Renders a schedule and, where the PTX compiler is available, compiles it.</summary>
    /// <param name="architecture">NVRTC's architecture, e.g. <c>compute_86</c> (<see cref="Nvrtc.Architecture"/>); <see cref="Nvrtc.DefaultArchitecture"/> when null.</param>
    public static CudaEmitted Emit(Schedule schedule, bool fuse = true, string? architecture = null)
    {
        var module = CudaRenderer.Render(Lower(schedule, fuse));
        var compiler = PtxCompiler;
        if (compiler.WhyUnavailable is { } why) return new CudaEmitted(module, null, why);
        return new CudaEmitted(module, compiler.Compile(module.Source, architecture), null);
    }
}
