using System.Runtime.InteropServices;
using Symbolic.CodeGen.Cuda.Native;
using Symbolic.CodeGen.Cuda.Render;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// Copies between host arrays and slots on the device, for slots of any layout: a contiguous one
/// is one copy; a strided one (a view that leaves the program) copies the span its elements cover
/// and gathers them on the host, in row-major order.
/// </summary>
internal static class DeviceTransfer
{
    /// <summary>A slot's value (at <paramref name="pointer"/>, element 0 of its storage, with <paramref name="layout"/>) as a new contiguous host array.</summary>
    public static unsafe Array ToHost(CudaDevice device, CudaStream stream, ulong pointer, SlotLayout layout, DType dtype)
    {
        int size = CudaDevice.ElementSize(dtype);
        long count = layout.Count;
        var result = CudaDevice.NewHostArray(dtype, count);
        if (count == 0) return result;
        if (layout.IsContiguous)
        {
            Read(device, stream, pointer + (ulong)(layout.Offset * size), result, count * size);
            return result;
        }
        long lo = layout.Offset, hi = layout.Offset;
        for (int d = 0; d < layout.Shape.Length; d++)
        {
            long span = (layout.Shape[d] - 1) * layout.Strides[d];
            if (span < 0) lo += span; else hi += span;
        }
        var covered = new byte[(hi - lo + 1) * size];
        Read(device, stream, pointer + (ulong)(lo * size), covered, covered.LongLength);
        var into = MemoryMarshal.CreateSpan(ref CudaDevice.Data(result), checked((int)(count * size)));
        var index = new int[layout.Shape.Length];
        for (long i = 0; i < count; i++)
        {
            long at = layout.Offset - lo;
            for (int d = 0; d < index.Length; d++) at += index[d] * layout.Strides[d];
            covered.AsSpan((int)(at * size), size).CopyTo(into.Slice((int)(i * size), size));
            for (int d = index.Length - 1; d >= 0; d--)
            {
                if (++index[d] < layout.Shape[d]) break;
                index[d] = 0;
            }
        }
        return result;
    }

    /// <summary>Reads <paramref name="bytes"/> bytes at a device address into the start of a host array, after the stream's earlier work.</summary>
    public static unsafe void Read(CudaDevice device, CudaStream stream, ulong pointer, Array host, long bytes)
    {
        if (bytes == 0) return;
        fixed (byte* p = &CudaDevice.Data(host))
            CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync(p, pointer, (nuint)bytes, stream.Handle), "cuMemcpyDtoHAsync_v2");
        stream.Synchronize();
        device.CountDownload();
    }
}
