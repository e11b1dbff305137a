using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cuda;

/// <summary>
/// Looks for a usable CUDA driver and device: loads the driver library, calls cuInit and counts
/// devices, and says exactly what it found. Probing happens once per process.
/// </summary>
public static class CudaProbe
{
    /// <summary>The names tried for the driver library, in order.</summary>
    public static readonly string[] DriverLibraries = ["libcuda.so.1", "libcuda.so", "nvcuda.dll"];

    private static readonly Lazy<string?> Problem = new(Probe);

    /// <summary>Null when a CUDA device answers; otherwise what was looked for and what happened.</summary>
    public static string? WhyUnavailable => Problem.Value;

    /// <summary>Raises <see cref="DeviceUnavailableException"/> saying what was looked for, unless a device answers.</summary>
    public static void EnsureDevice()
    {
        if (WhyUnavailable is { } why) throw new DeviceUnavailableException(why);
    }

    private static unsafe string? Probe()
    {
        nint lib = 0;
        foreach (var name in DriverLibraries)
            if (NativeLibrary.TryLoad(name, out lib)) break;
        if (lib == 0)
            return $"No CUDA driver: none of {string.Join(", ", DriverLibraries)} could be loaded.";
        if (!NativeLibrary.TryGetExport(lib, "cuInit", out var init) || !NativeLibrary.TryGetExport(lib, "cuDeviceGetCount", out var count))
            return "The CUDA driver library was found but does not export cuInit and cuDeviceGetCount.";
        int r = ((delegate* unmanaged<uint, int>)init)(0);
        if (r != 0)
            return $"The CUDA driver was found, but cuInit failed with {ErrorName(r)} ({r}){(r == 100 ? ": no CUDA device is present" : "")}.";
        int n = 0;
        r = ((delegate* unmanaged<int*, int>)count)(&n);
        if (r != 0) return $"cuDeviceGetCount failed with {ErrorName(r)} ({r}).";
        return n == 0 ? "The CUDA driver reports no devices." : null;
    }

    private static string ErrorName(int code) => code switch
    {
        1 => "CUDA_ERROR_INVALID_VALUE",
        2 => "CUDA_ERROR_OUT_OF_MEMORY",
        3 => "CUDA_ERROR_NOT_INITIALIZED",
        34 => "CUDA_ERROR_STUB_LIBRARY",
        35 => "CUDA_ERROR_INSUFFICIENT_DRIVER",
        100 => "CUDA_ERROR_NO_DEVICE",
        101 => "CUDA_ERROR_INVALID_DEVICE",
        304 => "CUDA_ERROR_OPERATING_SYSTEM",
        999 => "CUDA_ERROR_UNKNOWN",
        _ => "CUDA error",
    };
}
