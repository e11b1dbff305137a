namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// A shared variable's value kept on a device between calls: a contiguous device buffer and its
/// shape. Reading the variable's <c>Value</c> downloads it (once: the host copy is kept until the
/// next update). The variable's hold and each call's hold are counted; when the last one ends the
/// buffer goes back to the program that made it (to hold a later update's value: the "second
/// buffer per shared variable" of the lowering notes) or, failing that, is freed.
/// </summary>
internal sealed class DeviceResident : ResidentValue
{
    private readonly int[] shape;
    private readonly Action<DeviceBuffer>? recycle;
    private int holders = 1;
    private int disposed;

    public DeviceResident(DeviceBuffer buffer, int[] shape, Action<DeviceBuffer>? recycle = null)
    {
        Buffer = buffer;
        this.shape = shape;
        this.recycle = recycle;
    }

    public DeviceBuffer Buffer { get; }

    public override int[] Shape => shape;

    public override NDArray Download()
    {
        Acquire();
        try
        {
            return NDArray.Wrap(Buffer.Download(), (int[])shape.Clone());
        }
        finally
        {
            Release();
        }
    }

    public override void Acquire()
    {
        if (Interlocked.Increment(ref holders) <= 1)
            throw new ObjectDisposedException(nameof(DeviceResident), "A device copy was used after its last holder let it go.");
    }

    public override void Release()
    {
        if (Interlocked.Decrement(ref holders) == 0)
        {
            if (recycle is not null) recycle(Buffer);
            else Buffer.Dispose();
        }
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) Release();
    }
}
