using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cuda.Native;

/// <summary>
/// A retained primary context of one device: released (cuDevicePrimaryCtxRelease) when disposed or,
/// failing that, when collected. Device memory, streams, modules and cuBLAS handles made in it hold
/// a reference to it (<see cref="SafeHandle.DangerousAddRef"/>), so the context outlives them.
/// </summary>
internal sealed class CudaContextHandle : SafeHandle
{
    public CudaContextHandle() : base(0, true) { }

    public int Device { get; private set; }

    public override bool IsInvalid => handle == 0;

    public static unsafe CudaContextHandle Retain(int device)
    {
        var h = new CudaContextHandle { Device = device };
        nint ctx;
        CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxRetain(&ctx, device), "cuDevicePrimaryCtxRetain");
        h.SetHandle(ctx);
        return h;
    }

    /// <summary>Makes the context current on the calling thread (the driver's current context is per thread).</summary>
    public void MakeCurrent() => CudaDriver.Check(CudaDriver.cuCtxSetCurrent(handle), "cuCtxSetCurrent");

    protected override bool ReleaseHandle() => CudaDriver.cuDevicePrimaryCtxRelease(Device) == 0;
}

/// <summary>Base of the handles that live in a context: each keeps the context alive and makes it current to free itself.</summary>
internal abstract class CudaResourceHandle : SafeHandle
{
    private CudaContextHandle? context;

    protected CudaResourceHandle() : base(0, true) { }

    public override bool IsInvalid => handle == 0;

    protected void Attach(CudaContextHandle owner, nint value)
    {
        bool added = false;
        owner.DangerousAddRef(ref added);
        context = owner;
        SetHandle(value);
    }

    protected sealed override bool ReleaseHandle()
    {
        var owner = context!;
        // Freeing runs on whatever thread disposes (or finalizes): the context must be current there.
        bool ok = CudaDriver.cuCtxSetCurrent(owner.DangerousGetHandle()) == 0 && Free(handle);
        owner.DangerousRelease();
        return ok;
    }

    protected abstract bool Free(nint value);
}

/// <summary>Device memory from cuMemAlloc, freed with cuMemFree.</summary>
internal sealed class DevicePointerHandle : CudaResourceHandle
{
    public ulong Pointer => (ulong)handle;

    public static unsafe DevicePointerHandle Allocate(CudaContextHandle context, long bytes)
    {
        var h = new DevicePointerHandle();
        ulong p;
        CudaDriver.Check(CudaDriver.cuMemAlloc(&p, (nuint)Math.Max(bytes, 1)), "cuMemAlloc_v2");
        h.Attach(context, (nint)p);
        return h;
    }

    protected override bool Free(nint value) => CudaDriver.cuMemFree((ulong)value) == 0;
}

/// <summary>A stream from cuStreamCreate.</summary>
internal sealed class CudaStreamHandle : CudaResourceHandle
{
    public static unsafe CudaStreamHandle Create(CudaContextHandle context)
    {
        var h = new CudaStreamHandle();
        nint s;
        CudaDriver.Check(CudaDriver.cuStreamCreate(&s, CudaDriver.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        h.Attach(context, s);
        return h;
    }

    protected override bool Free(nint value) => CudaDriver.cuStreamDestroy(value) == 0;
}

/// <summary>A module loaded from PTX (cuModuleLoadDataEx), unloaded with cuModuleUnload.</summary>
internal sealed class CudaModuleHandle : CudaResourceHandle
{
    public static CudaModuleHandle Adopt(CudaContextHandle context, nint module)
    {
        var h = new CudaModuleHandle();
        h.Attach(context, module);
        return h;
    }

    protected override bool Free(nint value) => CudaDriver.cuModuleUnload(value) == 0;
}

/// <summary>An event for timing (cuEventCreate), destroyed with cuEventDestroy.</summary>
internal sealed class CudaEventHandle : CudaResourceHandle
{
    public static unsafe CudaEventHandle Create(CudaContextHandle context)
    {
        var h = new CudaEventHandle();
        nint e;
        CudaDriver.Check(CudaDriver.cuEventCreate(&e, 0), "cuEventCreate");
        h.Attach(context, e);
        return h;
    }

    protected override bool Free(nint value) => CudaDriver.cuEventDestroy(value) == 0;
}

/// <summary>A cuBLAS handle (cublasCreate), destroyed with cublasDestroy.</summary>
internal sealed class CublasHandle : CudaResourceHandle
{
    public static unsafe CublasHandle Create(CudaContextHandle context)
    {
        var h = new CublasHandle();
        nint b;
        context.MakeCurrent();
        Cublas.Check(Cublas.cublasCreate(&b), "cublasCreate_v2");
        h.Attach(context, b);
        return h;
    }

    protected override bool Free(nint value) => Cublas.cublasDestroy(value) == 0;
}
