using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.CodeGen.Cuda;

/// <summary>What the probe found: the driver library, cuInit's answer, and the devices.</summary>
/// <param name="Library">The driver library file that loaded, or null where none did.</param>
/// <param name="InitResult">cuInit's CUresult (null where it was not called).</param>
/// <param name="DeviceCount">Devices the driver counts (0 where it was not asked).</param>
/// <param name="Problem">Null when a device answers; otherwise what was looked for and what answered.</param>
public sealed record CudaProbeResult(string? Library, int? InitResult, int DeviceCount, string? Problem)
{
    public bool Available => Problem is null;
}

/// <summary>
/// Looks for a usable CUDA driver and device through the project's library resolver
/// (<see cref="CudaLibraries"/>): loads the driver library, calls cuInit and counts devices, and
/// says exactly what was looked for and what answered. Probing happens once per process.
/// </summary>
public static class CudaProbe
{
    /// <summary>The names tried for the driver library, in order.</summary>
    public static IReadOnlyList<string> DriverLibraries => CudaLibraries.Candidates(CudaLibraries.Driver);

    private static readonly Lazy<CudaProbeResult> Found = new(Probe);

    /// <summary>The probe's findings (computed once).</summary>
    public static CudaProbeResult Result => Found.Value;

    /// <summary>Null when a CUDA device answers; otherwise what was looked for and what happened.</summary>
    public static string? WhyUnavailable => Result.Problem;

    /// <summary>Raises <see cref="DeviceUnavailableException"/> saying what was looked for, unless a device answers.</summary>
    public static void EnsureDevice()
    {
        if (WhyUnavailable is { } why) throw new DeviceUnavailableException(why);
    }

    private static unsafe CudaProbeResult Probe()
    {
        var (handle, library) = CudaLibraries.TryLoad(CudaLibraries.Driver);
        if (handle == 0)
            return new(null, null, 0, $"No CUDA driver: {CudaLibraries.NotFound(CudaLibraries.Driver)}.");
        int r;
        try
        {
            r = CudaDriver.cuInit(0);
        }
        catch (EntryPointNotFoundException)
        {
            return new(library, null, 0, $"The CUDA driver library {library} was found but does not export cuInit.");
        }
        if (r != 0)
        {
            var name = CudaDriver.ErrorName(r);
            var text = CudaDriver.ErrorText(r);
            return new(library, r, 0,
                $"The CUDA driver {library} was found, but cuInit failed with {name} ({r}){(text is null ? "" : ": " + text)}{(r == CudaErrors.NoDevice && text is null ? ": no CUDA device is present" : "")}.");
        }
        int n = 0;
        r = CudaDriver.cuDeviceGetCount(&n);
        if (r != 0)
            return new(library, 0, 0, $"The CUDA driver {library} initialized, but cuDeviceGetCount failed with {CudaDriver.ErrorName(r)} ({r}).");
        return n == 0
            ? new(library, 0, 0, $"The CUDA driver {library} initialized but reports no devices.")
            : new(library, 0, n, null);
    }
}
