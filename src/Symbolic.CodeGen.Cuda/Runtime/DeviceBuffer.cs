using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// Device memory for <see cref="Count"/> elements of one dtype (cuMemAlloc), freed when disposed.
/// Freeing waits for every holder: <see cref="Acquire"/>/<see cref="Release"/> bracket a use, so a
/// buffer disposed while a call still reads it is freed when that call ends.
/// </summary>
public sealed class DeviceBuffer : IDisposable
{
    private readonly DevicePointerHandle handle;

    internal DeviceBuffer(CudaDevice device, DType dtype, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        device.MakeCurrent();
        Device = device;
        DType = dtype;
        Count = count;
        handle = DevicePointerHandle.Allocate(device.Context, Bytes);
        device.CountAllocation();
    }

    public CudaDevice Device { get; }

    public DType DType { get; }

    /// <summary>Elements the buffer holds.</summary>
    public long Count { get; }

    public long Bytes => Count * CudaDevice.ElementSize(DType);

    /// <summary>The device address of element 0 (valid while the buffer is not disposed).</summary>
    public ulong Pointer => handle.Pointer;

    public bool IsDisposed => handle.IsClosed;

    /// <summary>Keeps the memory from being freed until <see cref="Release"/>, even if the buffer is disposed meanwhile.</summary>
    public void Acquire()
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
    }

    public void Release() => handle.DangerousRelease();

    /// <summary>Copies a whole host array (of this dtype, at most <see cref="Count"/> elements) to the start of the buffer, on a stream (null: synchronously).</summary>
    public unsafe void CopyFrom(Array host, CudaStream? stream)
    {
        long bytes = (long)host.Length * CudaDevice.ElementSize(DType);
        if (bytes > Bytes) throw new ArgumentException($"{host.Length} elements do not fit a device buffer of {Count}.", nameof(host));
        if (bytes == 0) return;
        Device.MakeCurrent();
        fixed (byte* p = &CudaDevice.Data(host))
        {
            if (stream is null) CudaDriver.Check(CudaDriver.cuMemcpyHtoD(Pointer, p, (nuint)bytes), "cuMemcpyHtoD_v2");
            // From pageable memory the call returns once the source is staged, so unpinning after is safe.
            else CudaDriver.Check(CudaDriver.cuMemcpyHtoDAsync(Pointer, p, (nuint)bytes, stream.Handle), "cuMemcpyHtoDAsync_v2");
        }
        Device.CountUpload();
    }

    /// <summary>Copies <paramref name="count"/> elements from element <paramref name="offset"/> into the start of a host array, waiting for the stream's earlier work (null: the whole context's).</summary>
    public unsafe void CopyTo(Array host, long offset, long count, CudaStream? stream)
    {
        int size = CudaDevice.ElementSize(DType);
        if (offset < 0 || count < 0 || offset + count > Count || count > host.Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"Elements {offset}..{offset + count} of a device buffer of {Count} into a host array of {host.Length}.");
        if (count == 0) return;
        Device.MakeCurrent();
        fixed (byte* p = &CudaDevice.Data(host))
        {
            // To pageable memory the async form returns only once the copy is done.
            if (stream is null) CudaDriver.Check(CudaDriver.cuMemcpyDtoH(p, Pointer + (ulong)(offset * size), (nuint)(count * size)), "cuMemcpyDtoH_v2");
            else CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync(p, Pointer + (ulong)(offset * size), (nuint)(count * size), stream.Handle), "cuMemcpyDtoHAsync_v2");
        }
        stream?.Synchronize();
        Device.CountDownload();
    }

    /// <summary>The whole buffer as a new host array.</summary>
    public Array Download(CudaStream? stream = null)
    {
        var a = CudaDevice.NewHostArray(DType, Count);
        CopyTo(a, 0, Count, stream);
        return a;
    }

    public void Dispose() => handle.Dispose();
}
