using System.Runtime.CompilerServices;
using Symbolic.CodeGen.Cpu.Render;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// Compiled programs by source: in memory, a bounded least-recently-used set of loaded programs;
/// behind it, optionally, a <see cref="DiskCache"/> of compiled assemblies; behind that, Roslyn.
/// A program is built once however many threads ask for it at once. Evicting a program unloads its
/// collectible load context, which the runtime frees once no Function still holds its delegate.
/// </summary>
/// <remarks>
/// Kernels are compiled once a process too: the programs in memory index their kernels by
/// <see cref="RenderedKernel.Key"/>, and a new program whose kernels were compiled before is compiled
/// <em>linked</em>: those kernels' classes become entries that call the compiled kernels through
/// pointers (<see cref="CSharpRenderer.LinkedSource"/>), so Roslyn binds only Run and the kernels
/// that are new. On disk a linked program is kind <see cref="LinkedKind"/>: its assembly and, for each
/// linked kernel, the key of the program that holds it, which a fresh process loads first (from
/// memory or disk; where one is gone, the program is compiled again). The source a Function shows,
/// and the key of both caches, is always the whole program.
/// </remarks>
internal sealed class ProgramCache
{
    /// <summary>How many loaded programs the process keeps by default.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>The disk cache's kind for compiled C# programs that hold all their kernels.</summary>
    public const string Kind = "dll";

    /// <summary>The disk cache's kind for linked programs (<see cref="LinkedImage"/>).</summary>
    public const string LinkedKind = "linked";

    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<Slot>> slots = new(StringComparer.Ordinal);
    private readonly LinkedList<Slot> recency = new();
    /// <summary>The compiled kernels of the programs in memory, by <see cref="RenderedKernel.Key"/>.</summary>
    private readonly Dictionary<string, KernelSite> kernels = new(StringComparer.Ordinal);
    private long compiles, linkedCompiles, kernelsLinked, diskHits, diskMisses, evictions;
    /// <summary>Programs loaded whose kernels are not indexed yet (<see cref="IndexPending"/>); under the lock.</summary>
    private int pending;

    /// <param name="capacity">How many programs to keep loaded.</param>
    /// <param name="disk">The disk cache behind this one (null: none).</param>
    /// <param name="linkKernels">Compile new programs linked to the kernels compiled before (false: every program compiles all its kernels).</param>
    public ProgramCache(int capacity, DiskCache? disk, bool linkKernels = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        Disk = disk;
        LinkKernels = linkKernels;
    }

    /// <summary>Set to <c>0</c>, <c>false</c>, <c>off</c> or <c>no</c> to compile every program with all its kernels (no linking to kernels compiled before).</summary>
    public const string LinkVariable = "SYMBOLIC_LINK_KERNELS";

    /// <summary>Whether <see cref="LinkVariable"/> leaves linking on (it is on unless the variable turns it off).</summary>
    public static bool LinkingFromEnvironment() =>
        Environment.GetEnvironmentVariable(LinkVariable)?.Trim().ToLowerInvariant() is not ("0" or "false" or "off" or "no");

    public int Capacity { get; }

    /// <summary>Whether new programs are compiled linked to kernels compiled before.</summary>
    public bool LinkKernels { get; }

    /// <summary>The disk cache behind this one, or null where there is none (or it is not usable).</summary>
    public DiskCache? Disk { get; }

    /// <summary>Programs Roslyn compiled for this cache.</summary>
    public long Compiles => Interlocked.Read(ref compiles);

    /// <summary>Of <see cref="Compiles"/>, the programs compiled linked to kernels compiled before.</summary>
    public long LinkedCompiles => Interlocked.Read(ref linkedCompiles);

    /// <summary>Kernels that linked compiles called from earlier programs instead of compiling.</summary>
    public long KernelsLinked => Interlocked.Read(ref kernelsLinked);

    /// <summary>Compiled kernels indexed for linking (those of the programs in memory).</summary>
    public int KernelCount
    {
        get
        {
            lock (gate)
            {
                IndexPending();
                return kernels.Count;
            }
        }
    }

    /// <summary>Programs loaded from the disk cache (the programs a linked one calls into included).</summary>
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
        var key = CompilerStamp.KeyOf(source);
        lock (gate) return slots.ContainsKey(key);
    }

    /// <summary>The entry of the program compiled from <paramref name="source"/>: from memory, else from disk, else compiled (and stored in both).</summary>
    public ProgramEntry Load(string source) => Load(source, null);

    /// <summary>
    /// The entry of a rendered program, as <see cref="Load(string)"/>, compiled linked to the kernels
    /// of programs compiled before where there are any; its own kernels are indexed for the next.
    /// </summary>
    public ProgramEntry Load(RenderedProgram program) => Load(program.Source, program);

    private ProgramEntry Load(string source, RenderedProgram? rendered)
    {
        var key = CompilerStamp.KeyOf(source);
        var program = Built(key, () => Build(source, key, rendered), out var slot);
        if (rendered is not null && rendered.Placed)
            lock (gate)
                if (slot.Rendered is null && !slot.Indexed)
                {
                    // Its kernels join the index when a compile next needs it (see IndexPending): a
                    // process that only loads programs never hashes a kernel.
                    slot.Rendered = rendered;
                    pending++;
                }
        return program.Entry;
    }

    /// <summary>
    /// The program under <paramref name="key"/> once built (by this thread or the one already
    /// building it), and its <paramref name="slot"/> (now the most recently used), made with
    /// <paramref name="build"/> where there is none. A failure leaves no slot behind, so the next
    /// request tries again.
    /// </summary>
    private LoadedProgram Built(string key, Func<LoadedProgram> build, out Slot slot)
    {
        lock (gate)
        {
            if (slots.TryGetValue(key, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                slot = node.Value;
            }
            else
            {
                slot = new Slot(key, new Lazy<LoadedProgram>(build));
                slots.Add(key, recency.AddFirst(slot));
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
                if (slots.TryGetValue(key, out var node) && node.Value == slot) Remove(node);
            throw;
        }
        slot.Settle();
        return program;
    }

    /// <summary>
    /// Adds the kernels of the programs loaded since the last compile to the index, each where it is
    /// compiled (its own class, or the program one of its links calls, while that one is in memory).
    /// Call under the lock.
    /// </summary>
    private void IndexPending()
    {
        if (pending == 0) return;
        for (var node = recency.First; node is not null; node = node.Next)
        {
            var slot = node.Value;
            if (slot.Rendered is not { } rendered) continue;
            slot.Rendered = null;
            slot.Indexed = true;
            if (slot.Built is not { } program) continue;
            for (int i = 0; i < rendered.Kernels.Count; i++)
            {
                var kernel = rendered.Kernels[i];
                var key = kernel.Key;
                if (kernels.ContainsKey(key)) continue;
                var cls = $"G{i}";
                KernelSite? site = null;
                for (int l = 0; l < program.Links.Count; l++)
                    if (program.Links[l].Class == cls) site = program.Links[l].Site;
                // A linked kernel is indexed only while the program holding it is in memory: one
                // evicted already would otherwise stay in the index, and loaded, for good.
                if (site is not null && !InMemory(site.Program)) continue;
                kernels[key] = site ?? new KernelSite(program, cls, kernel.Name);
            }
        }
        pending = 0;
    }

    /// <summary>Whether <paramref name="program"/> is the one in memory under its key (call under the lock).</summary>
    private bool InMemory(LoadedProgram program) =>
        slots.TryGetValue(program.Key, out var node) && node.Value.Built == program;

    /// <summary>For each kernel of the program, the site where it is already compiled (null where it is not).</summary>
    private KernelSite?[] CompiledKernels(RenderedProgram rendered)
    {
        var sites = new KernelSite?[rendered.Kernels.Count];
        if (!rendered.Placed) return sites;
        var keys = new string[sites.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = rendered.Kernels[i].Key;
        lock (gate)
        {
            IndexPending();
            for (int i = 0; i < sites.Length; i++)
                sites[i] = kernels.GetValueOrDefault(keys[i]);
        }
        return sites;
    }

    /// <summary>The program loaded for <paramref name="source"/>, where it is in memory and built (for tests).</summary>
    internal LoadedProgram? Loaded(string source)
    {
        var key = CompilerStamp.KeyOf(source);
        lock (gate)
            return slots.TryGetValue(key, out var node) ? node.Value.Built : null;
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
        // Its kernels leave the index (programs linked to them keep them loaded while they live).
        if (node.Value.Built is { } program)
        {
            List<string>? gone = null;
            foreach (var (key, site) in kernels)
                if (site.Program == program) (gone ??= []).Add(key);
            if (gone is not null) foreach (var key in gone) kernels.Remove(key);
        }
    }

    /// <summary>What loading bytes that are not a program (or a link that does not resolve) raises: a rebuild, never an error.</summary>
    private static bool NotAProgram(Exception e) =>
        e is BadImageFormatException or FileLoadException or InvalidOperationException or ArgumentException;

    private void Remove(LinkedListNode<Slot> node)
    {
        recency.Remove(node);
        slots.Remove(node.Value.Hash);
    }

    private static string AssemblyName(string key) => "Symbolic.Generated." + key[..16];

    private LoadedProgram Build(string source, string key, RenderedProgram? rendered)
    {
        var name = AssemblyName(key);
        if (Disk is { IsUsable: true } disk)
        {
            if (FromDisk(disk, key) is { } cached) return cached;
            Interlocked.Increment(ref diskMisses);
        }
        var sites = rendered is null || !LinkKernels ? [] : CompiledKernels(rendered);
        if (rendered is not null && sites.Any(s => s is not null))
        {
            var links = new List<Link>();
            var linked = new bool[sites.Length];
            for (int i = 0; i < sites.Length; i++)
                if (sites[i] is { } site)
                {
                    linked[i] = true;
                    links.Add(new Link($"G{i}", site));
                }
            var image = Compile(CSharpRenderer.LinkedSource(rendered, linked), name);
            Interlocked.Increment(ref linkedCompiles);
            Interlocked.Add(ref kernelsLinked, links.Count);
            var program = LoadedProgram.Load(image, name, key, links);
            if (Disk is { IsUsable: true } linkedDisk)
                linkedDisk.Put(LinkedKind, key, LinkedImage.Write(
                    links.Select(l => new LinkedImage.Record(l.Class, l.Site.Program.Key, l.Site.Class, l.Site.Method)).ToList(), image));
            return program;
        }
        var compiled = Compile(source, name);
        var whole = LoadedProgram.Load(compiled, name, key);
        if (Disk is { IsUsable: true } wholeDisk) wholeDisk.Put(Kind, key, compiled);
        return whole;
    }

    /// <summary>The program stored under <paramref name="key"/>, whole or linked (the programs it links to loaded first); null where there is none, and a damaged entry is deleted.</summary>
    private LoadedProgram? FromDisk(DiskCache disk, string key)
    {
        var name = AssemblyName(key);
        if (disk.TryGet(Kind, key) is { } image)
        {
            try
            {
                var cached = LoadedProgram.Load(image, name, key);
                Interlocked.Increment(ref diskHits);
                return cached;
            }
            catch (Exception e) when (NotAProgram(e))
            {
                // Whole bytes that are not a program (written by something else): rebuild.
                disk.Reject(Kind, key);
            }
        }
        if (disk.TryGet(LinkedKind, key) is { } bytes)
        {
            if (LinkedImage.TryRead(bytes, out var records, out var linkedImage))
            {
                var links = new List<Link>();
                foreach (var r in records)
                {
                    // A program it links to that is gone from memory and disk: this one is rebuilt.
                    if (Provider(r.ProgramKey) is not { } provider) break;
                    links.Add(new Link(r.Class, new KernelSite(provider, r.KernelClass, r.Method)));
                }
                if (links.Count == records.Count)
                    try
                    {
                        var cached = LoadedProgram.Load(linkedImage, name, key, links);
                        Interlocked.Increment(ref diskHits);
                        return cached;
                    }
                    catch (Exception e) when (NotAProgram(e))
                    {
                        // Not a program, or a kernel not where its link says: rebuild.
                    }
            }
            disk.Reject(LinkedKind, key);
        }
        return null;
    }

    /// <summary>
    /// The program under <paramref name="key"/> that holds kernels a linked program calls: from
    /// memory, else from disk (and kept in memory like any other); null where neither has it.
    /// </summary>
    private LoadedProgram? Provider(string key)
    {
        try
        {
            return Built(key, () => (Disk is { IsUsable: true } disk ? FromDisk(disk, key) : null)
                ?? throw new FileNotFoundException($"No compiled program {key[..16]} in memory or on disk."), out _);
        }
        catch (Exception)
        {
            // Gone, damaged or not loadable: the linked program that asked is compiled again.
            return null;
        }
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

        /// <summary>The rendered program whose kernels wait to be indexed (set and read under the cache's lock).</summary>
        public RenderedProgram? Rendered { get; set; }

        /// <summary>Whether its kernels were indexed (once: asking for the program again adds nothing).</summary>
        public bool Indexed { get; set; }

        public string Hash { get; } = hash;

        public Lazy<LoadedProgram> Program { get; } = program;

        /// <summary>The program once built, null while it is being built or where building it failed.</summary>
        public LoadedProgram? Built
        {
            get
            {
                if (!Program.IsValueCreated) return null;
                try
                {
                    return Program.Value;
                }
                catch
                {
                    return null;
                }
            }
        }

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
