using System.Reflection;
using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cuda.Native;

/// <summary>
/// Finds NVRTC, the CUDA driver and cuBLAS. Declarations import the logical names
/// <see cref="Nvrtc"/>, <see cref="Driver"/> and <see cref="Cublas"/>; the resolver registered here
/// maps each to the first library that loads from its list of versioned and unversioned names,
/// tried on the loader's path and then under <c>$CUDA_HOME/lib64</c>, <c>$CUDA_PATH/lib64</c> and
/// <c>/usr/local/cuda/lib64</c>. What was tried is kept, so that "not found" can say it.
/// </summary>
public static class CudaLibraries
{
    public const string Nvrtc = "symbolic-nvrtc";
    public const string Driver = "symbolic-cuda";
    public const string Cublas = "symbolic-cublas";

    /// <summary>The file names tried for each logical library, in order.</summary>
    public static IReadOnlyList<string> Candidates(string library) => library switch
    {
        Nvrtc => ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so", "nvrtc64_130_0.dll", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll"],
        Driver => ["libcuda.so.1", "libcuda.so", "nvcuda.dll"],
        Cublas => ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so", "cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"],
        _ => throw new ArgumentException($"Unknown CUDA library '{library}'.", nameof(library)),
    };

    /// <summary>The folders tried after the loader's own path.</summary>
    public static IEnumerable<string> Folders()
    {
        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
                yield return Path.Combine(root, "lib64");
        yield return "/usr/local/cuda/lib64";
    }

    private static readonly object Gate = new();
    private static readonly Dictionary<string, (nint Handle, string? Name)> Loaded = new();

    static CudaLibraries()
    {
        NativeLibrary.SetDllImportResolver(typeof(CudaLibraries).Assembly, Resolve);
    }

    /// <summary>Makes sure the resolver is registered (any use of this class does it).</summary>
    public static void EnsureRegistered() { }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name is Nvrtc or Driver or Cublas ? TryLoad(name).Handle : 0;

    /// <summary>The handle of a logical library and the file it came from, or (0, null) where none loads.</summary>
    public static (nint Handle, string? Name) TryLoad(string library)
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(library, out var known)) return known;
            var found = (Handle: (nint)0, Name: (string?)null);
            foreach (var candidate in Candidates(library))
            {
                if (NativeLibrary.TryLoad(candidate, out var h)) { found = (h, candidate); break; }
                foreach (var folder in Folders())
                {
                    var full = Path.Combine(folder, candidate);
                    if (File.Exists(full) && NativeLibrary.TryLoad(full, out h)) { found = (h, full); break; }
                }
                if (found.Handle != 0) break;
            }
            Loaded[library] = found;
            return found;
        }
    }

    /// <summary>Whether a logical library loads.</summary>
    public static bool IsAvailable(string library) => TryLoad(library).Handle != 0;

    /// <summary>A sentence saying what was looked for, where a library does not load.</summary>
    public static string NotFound(string library) =>
        $"none of {string.Join(", ", Candidates(library))} could be loaded from the loader's path or from {string.Join(", ", Folders())}";
}
