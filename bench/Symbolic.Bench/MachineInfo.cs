using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Symbolic.Bench;

/// <summary>The header every report starts with: what machine, runtime and settings the numbers come from.</summary>
public static class MachineInfo
{
    public static IEnumerable<string> Lines()
    {
        yield return $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";
        yield return $"- CPU: {CpuModel()}, {Environment.ProcessorCount} cores visible to .NET";
        yield return $"- load average (1/5/15 min): {LoadAverage()}";
        yield return $"- SIMD: Vector256 accelerated {Vector256.IsHardwareAccelerated}, Vector512 accelerated {Vector512.IsHardwareAccelerated}";
        yield return $"- runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})";
        foreach (var name in new[] { "SYMBOLIC_BLAS", "SYMBOLIC_CACHE_DIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS" })
        {
            var v = Environment.GetEnvironmentVariable(name);
            if (v is not null || name == "SYMBOLIC_BLAS") yield return $"- {name}={v ?? "(unset: the library's default provider)"}";
        }
    }

    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
