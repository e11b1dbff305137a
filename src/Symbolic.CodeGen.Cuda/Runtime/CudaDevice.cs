using System.Runtime.InteropServices;
using System.Text;
using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// One CUDA device and its primary context (shared with every other user of the device in the
/// process, as the runtime API does). Functions compiled for CUDA run here; device memory, streams,
/// modules and cuBLAS handles made through it keep the context alive until they are freed.
/// <see cref="Default"/> is device 0, opened on first use and kept for the process.
/// </summary>
public sealed class CudaDevice : IDisposable
{
    private static readonly Lazy<CudaDevice> First = new(() =>
    {
        CudaProbe.EnsureDevice();
        return new CudaDevice(0);
    });

    private long hostToDevice, deviceToHost, allocations;

    /// <summary>Device 0; raises <see cref="DeviceUnavailableException"/> where no device answers.</summary>
    public static CudaDevice Default => First.Value;

    private unsafe CudaDevice(int ordinal)
    {
        int device;
        CudaDriver.Check(CudaDriver.cuDeviceGet(&device, ordinal), "cuDeviceGet");
        Ordinal = device;
        var name = new byte[256];
        fixed (byte* p = name) CudaDriver.Check(CudaDriver.cuDeviceGetName(p, name.Length, device), "cuDeviceGetName");
        Name = Encoding.UTF8.GetString(name, 0, Math.Max(0, Array.IndexOf(name, (byte)0))).Trim();
        ComputeCapability = (Attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR), Attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
        Multiprocessors = Attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        nuint total;
        CudaDriver.Check(CudaDriver.cuDeviceTotalMem(&total, device), "cuDeviceTotalMem_v2");
        TotalMemory = (long)total;
        int version;
        CudaDriver.Check(CudaDriver.cuDriverGetVersion(&version), "cuDriverGetVersion");
        DriverVersion = version;
        Context = CudaContextHandle.Retain(device);
        Context.MakeCurrent();
    }

    public int Ordinal { get; }

    /// <summary>The device's name as the driver gives it (e.g. "NVIDIA H100 80GB HBM3").</summary>
    public string Name { get; }

    /// <summary>Compute capability, e.g. (9, 0): NVRTC targets <c>compute_{Major}{Minor}</c>.</summary>
    public (int Major, int Minor) ComputeCapability { get; }

    public int Multiprocessors { get; }

    public long TotalMemory { get; }

    /// <summary>The driver's CUDA version, as 1000 * major + 10 * minor.</summary>
    public int DriverVersion { get; }

    internal CudaContextHandle Context { get; }

    /// <summary>Host-to-device copies made through this device's buffers so far (tests check residency with it).</summary>
    public long HostToDeviceCopies => Interlocked.Read(ref hostToDevice);

    /// <summary>Device-to-host copies made through this device's buffers so far.</summary>
    public long DeviceToHostCopies => Interlocked.Read(ref deviceToHost);

    /// <summary>Device allocations made so far.</summary>
    public long Allocations => Interlocked.Read(ref allocations);

    internal void CountUpload() => Interlocked.Increment(ref hostToDevice);

    internal void CountDownload() => Interlocked.Increment(ref deviceToHost);

    internal void CountAllocation() => Interlocked.Increment(ref allocations);

    /// <summary>Makes this device's context current on the calling thread.</summary>
    public void MakeCurrent() => Context.MakeCurrent();

    /// <summary>Free and total device memory, as cuMemGetInfo reports them.</summary>
    public unsafe (long Free, long Total) MemoryInfo()
    {
        MakeCurrent();
        nuint free, total;
        CudaDriver.Check(CudaDriver.cuMemGetInfo(&free, &total), "cuMemGetInfo_v2");
        return ((long)free, (long)total);
    }

    /// <summary>Waits for all work on the device's context to finish.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        CudaDriver.Check(CudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /// <summary>Uninitialized device memory for <paramref name="count"/> elements of <paramref name="dtype"/>.</summary>
    public DeviceBuffer Allocate(DType dtype, long count) => new(this, dtype, count);

    /// <summary>A device copy of a host array.</summary>
    public DeviceBuffer Upload(NDArray value)
    {
        var b = Allocate(value.DType, value.Size);
        b.CopyFrom(value.Buffer, null);
        return b;
    }

    /// <summary>A stream of this context (work on one stream runs in order).</summary>
    public CudaStream CreateStream()
    {
        MakeCurrent();
        return new CudaStream(this, CudaStreamHandle.Create(Context));
    }

    /// <summary>
    /// Loads a module from PTX (or a cubin) with cuModuleLoadDataEx, asking for the JIT's logs: a
    /// module that does not load raises <see cref="CudaException"/> carrying the JIT's error log.
    /// </summary>
    public unsafe CudaModuleImage LoadModule(string ptx)
    {
        MakeCurrent();
        const int logSize = 16 * 1024;
        var image = Encoding.UTF8.GetBytes(ptx + "\0");
        var errorLog = new byte[logSize];
        var infoLog = new byte[logSize];
        int* options = stackalloc int[4] { CudaDriver.CU_JIT_ERROR_LOG_BUFFER, CudaDriver.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, CudaDriver.CU_JIT_INFO_LOG_BUFFER, CudaDriver.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES };
        nint module;
        int r;
        fixed (byte* img = image)
        fixed (byte* err = errorLog)
        fixed (byte* info = infoLog)
        {
            void** values = stackalloc void*[4] { err, (void*)(nint)logSize, info, (void*)(nint)logSize };
            r = CudaDriver.cuModuleLoadDataEx(&module, img, 4, options, values);
        }
        if (r != 0) throw CudaException.FromDriver(r, "cuModuleLoadDataEx", "JIT error log: " + Text(errorLog));
        return new CudaModuleImage(this, CudaModuleHandle.Adopt(Context, module), Text(infoLog));
    }

    private static string Text(byte[] log) => Encoding.UTF8.GetString(log, 0, Math.Max(0, Array.IndexOf(log, (byte)0))).Trim();

    private unsafe int Attribute(int attribute)
    {
        int v;
        CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(&v, attribute, Ordinal), "cuDeviceGetAttribute");
        return v;
    }

    /// <summary>Releases this object's hold on the primary context (the default device is kept for the process and ignores this).</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(this, First.IsValueCreated ? First.Value : null)) Context.Dispose();
    }

    /// <summary>Bytes per element of a dtype on the device (bool is one byte).</summary>
    public static int ElementSize(DType dtype) => dtype switch
    {
        DType.Bool => 1,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>A host array of a dtype, uninitialized.</summary>
    internal static Array NewHostArray(DType dtype, long count) => dtype switch
    {
        DType.Bool => GC.AllocateUninitializedArray<bool>(checked((int)count)),
        DType.Int32 => GC.AllocateUninitializedArray<int>(checked((int)count)),
        DType.Int64 => GC.AllocateUninitializedArray<long>(checked((int)count)),
        DType.Float32 => GC.AllocateUninitializedArray<float>(checked((int)count)),
        DType.Float64 => GC.AllocateUninitializedArray<double>(checked((int)count)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The first byte of any primitive array, for pinning.</summary>
    internal static ref byte Data(Array a) => ref MemoryMarshal.GetArrayDataReference(a);
}
