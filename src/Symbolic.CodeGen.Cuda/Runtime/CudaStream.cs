using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>A CUDA stream: work queued on it runs in order, asynchronously to the host.</summary>
public sealed class CudaStream : IDisposable
{
    private readonly CudaStreamHandle handle;

    internal CudaStream(CudaDevice device, CudaStreamHandle handle)
    {
        Device = device;
        this.handle = handle;
    }

    public CudaDevice Device { get; }

    internal nint Handle => handle.DangerousGetHandle();

    /// <summary>Waits until everything queued so far has run; a kernel's failure surfaces here.</summary>
    public void Synchronize() => CudaDriver.Check(CudaDriver.cuStreamSynchronize(Handle), "cuStreamSynchronize");

    /// <summary>Sets <paramref name="bytes"/> bytes from <paramref name="pointer"/> to zero, in stream order.</summary>
    public void Zero(ulong pointer, long bytes)
    {
        if (bytes > 0) CudaDriver.Check(CudaDriver.cuMemsetD8Async(pointer, 0, (nuint)bytes, Handle), "cuMemsetD8Async");
    }

    /// <summary>Copies bytes between device addresses, in stream order.</summary>
    public void Copy(ulong destination, ulong source, long bytes)
    {
        if (bytes > 0) CudaDriver.Check(CudaDriver.cuMemcpyDtoDAsync(destination, source, (nuint)bytes, Handle), "cuMemcpyDtoDAsync_v2");
    }

    public void Dispose() => handle.Dispose();
}
