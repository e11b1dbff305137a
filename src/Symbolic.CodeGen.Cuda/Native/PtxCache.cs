using System.Collections.Concurrent;
using System.Text;

namespace Symbolic.CodeGen.Cuda.Native;

/// <summary>
/// PTX by module: in memory for the process, and on disk (<see cref="DiskCache"/>, kind
/// <see cref="Kind"/>) keyed by the source, the NVRTC options and NVRTC's version, so a warm
/// process compiles nothing. A damaged entry reads as a miss (the disk cache checks its hash).
/// </summary>
public sealed class PtxCache
{
    /// <summary>The disk cache's kind for PTX entries.</summary>
    public const string Kind = "ptx";

    private static readonly Lazy<PtxCache> Shared = new(() => new PtxCache(DiskCache.Default));

    private readonly ConcurrentDictionary<string, string> memory = new(StringComparer.Ordinal);

    public PtxCache(DiskCache? disk) => Disk = disk;

    /// <summary>The process's cache, over the default disk cache (<c>SYMBOLIC_CACHE_DIR</c>).</summary>
    public static PtxCache Default => Shared.Value;

    public DiskCache? Disk { get; }

    /// <summary>Modules NVRTC compiled through this cache (misses of both levels).</summary>
    public int Compiles => compiles;

    private int compiles;

    /// <summary>The key of a module: everything its PTX depends on.</summary>
    public static string KeyOf(string source, IReadOnlyList<string> options, string nvrtcVersion) =>
        DiskCache.KeyOf("cuda-ptx", "nvrtc " + nvrtcVersion, string.Join("\n", options), source);

    /// <summary>The module's PTX, compiled by NVRTC only where neither cache has it.</summary>
    /// <param name="architecture">NVRTC's architecture (<see cref="Nvrtc.DefaultArchitecture"/> when null).</param>
    public string Compile(string source, string? architecture = null)
    {
        var options = Nvrtc.Options(architecture);
        var key = KeyOf(source, options, Nvrtc.Version);
        if (memory.TryGetValue(key, out var ptx)) return ptx;
        if (Disk?.TryGet(Kind, key) is { } bytes)
            return memory.GetOrAdd(key, Encoding.UTF8.GetString(bytes));
        ptx = Nvrtc.CompileToPtx(source, "symbolic.cu", options);
        Interlocked.Increment(ref compiles);
        Disk?.Put(Kind, key, Encoding.UTF8.GetBytes(ptx));
        return memory.GetOrAdd(key, ptx);
    }
}
