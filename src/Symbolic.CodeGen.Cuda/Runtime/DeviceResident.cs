namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// A shared variable's value kept on a device between calls: a contiguous device buffer and its
/// shape. Reading the variable's <c>Value</c> downloads it (once: the host copy is kept until the
/// next update).
/// </summary>
internal sealed class DeviceResident : ResidentValue
{
    private readonly int[] shape;

    public DeviceResident(DeviceBuffer buffer, int[] shape)
    {
        Buffer = buffer;
        this.shape = shape;
    }

    public DeviceBuffer Buffer { get; }

    public override int[] Shape => shape;

    public override NDArray Download()
    {
        Buffer.Acquire();
        try
        {
            return NDArray.Wrap(Buffer.Download(), (int[])shape.Clone());
        }
        finally
        {
            Buffer.Release();
        }
    }

    public override void Acquire() => Buffer.Acquire();

    public override void Release() => Buffer.Release();

    public override void Dispose() => Buffer.Dispose();
}
