using System.Collections.Concurrent;
using System.Text;
using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>A module loaded on a device (cuModuleLoadDataEx), its kernels found by name once, unloaded when disposed.</summary>
public sealed class CudaModuleImage : IDisposable
{
    private readonly CudaModuleHandle handle;
    private readonly ConcurrentDictionary<string, nint> functions = new(StringComparer.Ordinal);

    internal CudaModuleImage(CudaDevice device, CudaModuleHandle handle, string jitLog)
    {
        Device = device;
        this.handle = handle;
        JitLog = jitLog;
    }

    public CudaDevice Device { get; }

    /// <summary>What the JIT said while loading (informational).</summary>
    public string JitLog { get; }

    /// <summary>A kernel of the module (cuModuleGetFunction), looked up once.</summary>
    public nint Function(string name) => functions.GetOrAdd(name, Find);

    private unsafe nint Find(string name)
    {
        Device.MakeCurrent();
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        nint f;
        fixed (byte* p = bytes)
        {
            int r = CudaDriver.cuModuleGetFunction(&f, handle.DangerousGetHandle(), p);
            if (r != 0) throw new CudaException("cuModuleGetFunction", r, CudaDriver.ErrorName(r), CudaDriver.ErrorText(r), $"kernel '{name}' is not in the module");
        }
        return f;
    }

    /// <summary>
    /// Launches a kernel on a stream: <paramref name="blocks"/> blocks of <paramref name="threads"/>
    /// threads; <paramref name="arguments"/> holds each parameter's value in its own 8-byte cell
    /// (little-endian, so a 4- or 1-byte parameter reads the start of its cell).
    /// </summary>
    public unsafe void Launch(string kernel, long blocks, int threads, ReadOnlySpan<long> arguments, CudaStream stream)
    {
        var f = Function(kernel);
        if (blocks <= 0) return;
        void** parameters = stackalloc void*[Math.Max(arguments.Length, 1)];
        fixed (long* cells = arguments)
        {
            for (int i = 0; i < arguments.Length; i++) parameters[i] = cells + i;
            CudaDriver.Check(CudaDriver.cuLaunchKernel(f, checked((uint)blocks), 1, 1, checked((uint)threads), 1, 1, 0, stream.Handle, parameters, null),
                $"cuLaunchKernel ({kernel}, {blocks} x {threads})");
        }
    }

    public void Dispose() => handle.Dispose();
}
