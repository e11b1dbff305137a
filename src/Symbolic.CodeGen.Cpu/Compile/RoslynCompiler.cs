using Symbolic.CodeGen.Cpu.Runtime;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>The entry point of a generated program.</summary>
public delegate void ProgramEntry(Frame frame);

/// <summary>
/// Compiled generated programs, by source. The same source again costs no compilation: the process
/// keeps the last <see cref="ProgramCache.DefaultCapacity"/> programs loaded (each in a collectible
/// AssemblyLoadContext of its own, unloaded when evicted), a new program calls the kernels those
/// programs compiled rather than compiling them again, and the disk cache
/// (<see cref="DiskCache.Default"/>: <c>$SYMBOLIC_CACHE_DIR</c>, else <c>~/.cache/symbolic</c>) keeps
/// compiled assemblies across processes, so a process whose programs are all on disk never starts Roslyn.
/// </summary>
public static class RoslynCompiler
{
    private static readonly Lazy<ProgramCache> Shared = new(() => new ProgramCache(ProgramCache.DefaultCapacity, DiskCache.Default, ProgramCache.LinkingFromEnvironment()));
    private static readonly AsyncLocal<ProgramCache?> Scoped = new();
    private static int compileCount;

    /// <summary>How many programs Roslyn has compiled in this process (misses of both caches).</summary>
    public static int CompileCount => Volatile.Read(ref compileCount);

    /// <summary>Programs this process loaded from the disk cache.</summary>
    public static long DiskHits => Current.DiskHits;

    /// <summary>Programs this process looked for in the disk cache and did not find (or found damaged).</summary>
    public static long DiskMisses => Current.DiskMisses;

    /// <summary>The disk cache's directory, or null where the disk cache is off or unusable.</summary>
    public static string? DiskCacheDirectory => Current.Disk?.Directory;

    /// <summary>The cache this call sees: the process's, or a test's own (<see cref="UseForTests"/>).</summary>
    internal static ProgramCache Current => Scoped.Value ?? Shared.Value;

    /// <summary>True when a program with this source is loaded (or being built) in this process's memory cache.</summary>
    public static bool IsCached(string source) => Current.Contains(source);

    /// <summary>The entry of the program compiled from <paramref name="source"/>; raises with Roslyn's diagnostics where it does not compile.</summary>
    public static ProgramEntry Load(string source) => Current.Load(source);

    /// <summary>
    /// The entry of a rendered program: as <see cref="Load(string)"/>, except that the kernels this
    /// process has compiled before (in programs still in memory) are called, not compiled again.
    /// </summary>
    public static ProgramEntry Load(Render.RenderedProgram program) => Current.Load(program);

    /// <summary>Kernels this process's compiles called from earlier programs instead of compiling them again.</summary>
    public static long KernelsLinked => Current.KernelsLinked;

    /// <summary>Evicts every program from memory (the disk cache keeps them).</summary>
    internal static void ClearMemoryCache() => Current.Clear();

    /// <summary>
    /// Makes <paramref name="cache"/> the one this execution context (a test, and what it starts)
    /// compiles through, until disposed; tests running in parallel each see their own.
    /// </summary>
    internal static IDisposable UseForTests(ProgramCache cache)
    {
        var previous = Scoped.Value;
        Scoped.Value = cache;
        return new Restore(previous);
    }

    internal static void CountCompile() => Interlocked.Increment(ref compileCount);

    private sealed class Restore(ProgramCache? previous) : IDisposable
    {
        public void Dispose() => Scoped.Value = previous;
    }
}
