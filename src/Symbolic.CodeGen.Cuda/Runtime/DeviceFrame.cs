using Symbolic.CodeGen.Cuda.Render;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// The device state of one call of a <see cref="CudaProgram"/>, kept in the program's pool between
/// calls, as the CPU backend keeps its frames: a stream and a cuBLAS handle of its own (two threads
/// calling at once each get a frame), the buffer plan's scratch buffers, the inputs' device copies
/// and the storage of outputs that are downloaded before the call returns, each grown when a call
/// needs more and reused otherwise. Per call it records each slot's device address and layout.
/// </summary>
internal sealed class DeviceFrame : IDisposable
{
    private CublasContext? blas;

    public DeviceFrame(CudaDevice device, int slots, int scratch)
    {
        Stream = device.CreateStream();
        Scratch = new DeviceBuffer?[scratch];
        Kept = new DeviceBuffer?[slots];
        Pointer = new ulong[slots];
        Layout = new SlotLayout[slots];
        Written = new bool[slots];
    }

    public CudaStream Stream { get; }

    /// <summary>The device int that kernels set when they meet an index out of range (<see cref="ErrorFlag"/>), made on first use.</summary>
    public DeviceBuffer ErrorFlag(CudaDevice device) => errorFlag ??= device.Allocate(DType.Int32, 1);

    private DeviceBuffer? errorFlag;

    /// <summary>cuBLAS on this frame's stream, made on first use.</summary>
    public CublasContext Blas => blas ??= new CublasContext(Stream);

    /// <summary>The buffer plan's pooled buffers, by buffer number.</summary>
    public DeviceBuffer?[] Scratch { get; }

    /// <summary>Storage kept by slot between calls: inputs' copies, outputs downloaded before returning, reshapes' copies.</summary>
    public DeviceBuffer?[] Kept { get; }

    /// <summary>This call: the device address of element 0 of each slot's storage.</summary>
    public ulong[] Pointer { get; }

    /// <summary>This call: each slot's layout over its storage.</summary>
    public SlotLayout[] Layout { get; }

    /// <summary>This call: whether a step has already given the slot storage (a gemm's preparing launch, then the gemm).</summary>
    public bool[] Written { get; }

    /// <summary>This call's storage that is not kept: new update values (until adopted) and one-off copies.</summary>
    public List<DeviceBuffer> Temporary { get; } = new();

    /// <summary>Shared variables' device copies this call holds (released at its end).</summary>
    public List<ResidentValue> Held { get; } = new();

    /// <summary>A buffer of at least <paramref name="count"/> elements in <paramref name="slot"/>, replacing a smaller one.</summary>
    public static DeviceBuffer Ensure(DeviceBuffer?[] slots, int slot, CudaDevice device, DType dtype, long count)
    {
        var b = slots[slot];
        if (b is not null && b.DType == dtype && b.Count >= count) return b;
        b?.Dispose();
        return slots[slot] = device.Allocate(dtype, Math.Max(count, 1));
    }

    /// <summary>Ends a call: frees its temporaries, releases what it held, forgets its addresses.</summary>
    public void EndCall()
    {
        foreach (var t in Temporary) t.Dispose();
        Temporary.Clear();
        foreach (var r in Held) r.Release();
        Held.Clear();
        Array.Clear(Written);
        Array.Clear(Pointer);
    }

    public void Dispose()
    {
        EndCall();
        foreach (var b in Scratch) b?.Dispose();
        foreach (var b in Kept) b?.Dispose();
        blas?.Dispose();
        errorFlag?.Dispose();
        Stream.Dispose();
    }
}
