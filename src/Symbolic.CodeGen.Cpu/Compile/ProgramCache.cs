using System.Runtime.CompilerServices;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// Compiled programs by source: in memory, a bounded least-recently-used set of loaded programs;
/// behind it, optionally, a <see cref="DiskCache"/> of compiled assemblies; behind that, Roslyn.
/// A program is built once however many threads ask for it at once. Evicting a program unloads its
/// collectible load context, which the runtime frees once no Function still holds its delegate.
/// </summary>
internal sealed class ProgramCache
{
    /// <summary>How many loaded programs the process keeps by default.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>The disk cache's kind for compiled C# programs.</summary>
    public const string Kind = "dll";

    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<Slot>> slots = new(StringComparer.Ordinal);
    private readonly LinkedList<Slot> recency = new();
    private long compiles, diskHits, diskMisses, evictions;

    public ProgramCache(int capacity, DiskCache? disk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        Disk = disk;
    }

    public int Capacity { get; }

    /// <summary>The disk cache behind this one, or null where there is none (or it is not usable).</summary>
    public DiskCache? Disk { get; }

    /// <summary>Programs Roslyn compiled for this cache.</summary>
    public long Compiles => Interlocked.Read(ref compiles);

    /// <summary>Programs loaded from the disk cache.</summary>
    public long DiskHits => Interlocked.Read(ref diskHits);

    /// <summary>Programs looked for on disk and not found there (or found damaged).</summary>
    public long DiskMisses => Interlocked.Read(ref diskMisses);

    /// <summary>Programs evicted from memory (their load contexts unloaded).</summary>
    public long Evictions => Interlocked.Read(ref evictions);

    /// <summary>Programs in memory.</summary>
    public int Count
    {
        get { lock (gate) return slots.Count; }
    }

    public bool Contains(string source)
    {
        var hash = RoslynCompiler.Hash(source);
        lock (gate) return slots.ContainsKey(hash);
    }

    /// <summary>The entry of the program compiled from <paramref name="source"/>: from memory, else from disk, else compiled (and stored in both).</summary>
    public ProgramEntry Load(string source)
    {
        var hash = RoslynCompiler.Hash(source);
        Slot slot;
        lock (gate)
        {
            if (slots.TryGetValue(hash, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                slot = node.Value;
            }
            else
            {
                slot = new Slot(hash, new Lazy<LoadedProgram>(() => Build(source, hash)));
                slots.Add(hash, recency.AddFirst(slot));
                while (slots.Count > Capacity) Evict(recency.Last!);
            }
        }
        LoadedProgram program;
        try
        {
            program = slot.Program.Value;
        }
        catch
        {
            // Keep no failure: the next request tries again (and raises again, for a compile error).
            lock (gate)
                if (slots.TryGetValue(hash, out var node) && node.Value == slot) Remove(node);
            throw;
        }
        slot.Settle();
        return program.Entry;
    }

    /// <summary>Evicts every program from memory (the disk keeps its entries).</summary>
    public void Clear()
    {
        lock (gate)
            while (recency.Last is { } last) Evict(last);
    }

    private void Evict(LinkedListNode<Slot> node)
    {
        Remove(node);
        node.Value.Evict();
        Interlocked.Increment(ref evictions);
    }

    private void Remove(LinkedListNode<Slot> node)
    {
        recency.Remove(node);
        slots.Remove(node.Value.Hash);
    }

    private LoadedProgram Build(string source, string hash)
    {
        var name = "Symbolic.Generated." + hash[..16];
        string? key = null;
        if (Disk is { IsUsable: true } disk)
        {
            key = CompilerStamp.KeyOf(source);
            if (disk.TryGet(Kind, key) is { } image)
            {
                try
                {
                    var cached = LoadedProgram.Load(image, name);
                    Interlocked.Increment(ref diskHits);
                    return cached;
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException or InvalidOperationException or ArgumentException)
                {
                    // Whole bytes that are not a program (written by something else): rebuild.
                    disk.Reject(Kind, key);
                }
            }
            Interlocked.Increment(ref diskMisses);
        }
        var compiled = Compile(source, name);
        var program = LoadedProgram.Load(compiled, name);
        if (key is not null) Disk!.Put(Kind, key, compiled);
        return program;
    }

    /// <summary>Kept apart (and never inlined) so that the JIT meets Roslyn only when something is compiled.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte[] Compile(string source, string name)
    {
        Interlocked.Increment(ref compiles);
        RoslynCompiler.CountCompile();
        return RoslynCompilation.Compile(source, name);
    }

    /// <summary>One program's place in the cache; built on first request, outside the cache's lock.</summary>
    private sealed class Slot(string hash, Lazy<LoadedProgram> program)
    {
        private readonly Lock gate = new();
        private bool evicted;

        public string Hash { get; } = hash;

        public Lazy<LoadedProgram> Program { get; } = program;

        /// <summary>Out of the cache: unload now if built, else as soon as it is (see <see cref="Settle"/>).</summary>
        public void Evict()
        {
            lock (gate)
            {
                evicted = true;
                if (Program.IsValueCreated) Program.Value.Unload();
            }
        }

        /// <summary>Called once built: unloads a program evicted while it was being built.</summary>
        public void Settle()
        {
            lock (gate)
                if (evicted) Program.Value.Unload();
        }
    }
}
