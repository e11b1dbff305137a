using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Symbolic.CodeGen;
using Symbolic.CodeGen.Cpu.Compile;
using Symbolic.CodeGen.Cpu.Runtime;

namespace Symbolic.Tests.Backend;

/// <summary>
/// The compile cache: programs in memory (bounded, unloading what it evicts) over compiled assemblies
/// on disk (checksummed, written atomically, rebuilt when damaged, off when the directory is not
/// usable). Every test uses a cache and a temporary directory of its own, never the process's.
/// </summary>
public sealed class CompileCacheTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("symbolic-cache-test-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Dir(string name = "cache") => Path.Combine(root, name);

    /// <summary>A program with the generated program's class and entry that writes <paramref name="mark"/> to its only output.</summary>
    private static string Program(double mark) => $$"""
        namespace Symbolic.Generated;
        public static class {{Symbolic.CodeGen.Cpu.Render.CSharpRenderer.ClassName}}
        {
            public static void Run(Symbolic.CodeGen.Cpu.Runtime.Frame f)
            {
                f.D[0] = new double[] { {{mark:R}} };
            }
        }
        """;

    /// <summary>A source no other test (or earlier run) has compiled.</summary>
    private static (string Source, double Mark) Fresh()
    {
        double mark = Random.Shared.NextDouble() + Environment.TickCount64;
        return (Program(mark), mark);
    }

    private static double Run(ProgramEntry entry)
    {
        var frame = new Frame(1, 0, [], []);
        entry(frame);
        return ((double[])frame.D[0])[0];
    }

    private static (Function Train, SharedVariable W) SeedStep()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w = T.Shared(NDArray.From(Enumerable.Range(0, 12).Select(i => 0.1f * i).ToArray(), 4, 3), "w");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Tanh(x), w)), y));
        return (Function.Compile([x, y], [loss], updates: [(w, w - 0.5f * T.Grad(loss, w))]), w);
    }

    private static readonly NDArray Xs = NDArray.From(Enumerable.Range(0, 8).Select(i => 0.25f * i - 1).ToArray(), 2, 4);
    private static readonly NDArray Ys = NDArray.From(new long[] { 2, 0 }, 2);

    private static float[] Step(Function f, SharedVariable w)
    {
        f.Invoke(Xs, Ys);
        return w.Value.ToArray<float>();
    }

    [Fact]
    public void ADiskHitAfterTheMemoryIsClearedCompilesNothing()
    {
        var (source, mark) = Fresh();
        var cache = new ProgramCache(16, new DiskCache(Dir()));
        Assert.Equal(mark, Run(cache.Load(source)));
        Assert.Equal((1L, 0L, 1L), (cache.Compiles, cache.DiskHits, cache.DiskMisses));
        Assert.True(File.Exists(cache.Disk!.PathOf(ProgramCache.Kind, CompilerStamp.KeyOf(source))));

        cache.Clear();
        Assert.False(cache.Contains(source));
        Assert.Equal(mark, Run(cache.Load(source)));
        Assert.Equal((1L, 1L, 1L), (cache.Compiles, cache.DiskHits, cache.DiskMisses));

        // Another process, as far as the cache can tell: new memory, new disk cache object, same directory.
        var other = new ProgramCache(16, new DiskCache(Dir()));
        Assert.Equal(mark, Run(other.Load(source)));
        Assert.Equal((0L, 1L, 0L), (other.Compiles, other.DiskHits, other.DiskMisses));
    }

    [Fact]
    public void TheSameGraphBuiltAfreshCompilesNothingAndComesBackFromDisk()
    {
        var cache = new ProgramCache(16, new DiskCache(Dir()));
        using var scope = RoslynCompiler.UseForTests(cache);

        var (f, w) = SeedStep();
        long compiled = cache.Compiles;
        Assert.True(compiled > 0);
        var expected = Step(f, w);

        var (g, v) = SeedStep();
        Assert.Equal(compiled, cache.Compiles);
        Assert.Equal(f.Source, g.Source);

        RoslynCompiler.ClearMemoryCache();
        Assert.Equal(0, cache.Count);
        var (h, u) = SeedStep();
        Assert.Equal(compiled, cache.Compiles);
        Assert.Equal(compiled, cache.DiskHits);
        Assert.Equal(expected, Step(h, u));
        Assert.Equal(expected, Step(g, v));
    }

    /// <summary>Two functions with a kernel in common (<c>tanh(x) * y + 1</c>) and one each of their own.</summary>
    private static Function Sharing(bool second)
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var common = T.Tanh(x) * y + 1;
        return second
            ? Function.Compile([x, y], [common, T.Sum(T.Log1p(x * x), axis: 1)])
            : Function.Compile([x, y], [common, T.Exp(x - y)]);
    }

    private static readonly NDArray Xa = NDArray.From(Enumerable.Range(0, 15).Select(i => 0.3f * i - 2).ToArray(), 3, 5);
    private static readonly NDArray Ya = NDArray.From(Enumerable.Range(0, 15).Select(i => 1.5f - 0.2f * i).ToArray(), 3, 5);

    private static float[][] Outputs(Function f) => f.Invoke(Xa, Ya).Select(o => o.ToArray<float>()).ToArray();

    /// <summary>The second function's outputs compiled alone (a cache of its own, no disk): every kernel its own.</summary>
    private static float[][] Alone()
    {
        using var scope = RoslynCompiler.UseForTests(new ProgramCache(16, null));
        return Outputs(Sharing(second: true));
    }

    [Fact]
    public void ANewProgramCallsTheKernelsCompiledBeforeAndComputesTheSame()
    {
        var expected = Alone();
        var cache = new ProgramCache(16, new DiskCache(Dir()));
        using var scope = RoslynCompiler.UseForTests(cache);
        var first = Sharing(second: false);
        Assert.Equal((1L, 0L, 0L), (cache.Compiles, cache.LinkedCompiles, cache.KernelsLinked));
        var second = Sharing(second: true);
        Assert.Equal((2L, 1L, 1L), (cache.Compiles, cache.LinkedCompiles, cache.KernelsLinked));
        Assert.Equal(expected, Outputs(second));
        // The source a function shows is the whole program, its kernels included, linked or not.
        Assert.Equal(second.Kernels.Count, System.Text.RegularExpressions.Regex.Matches(second.Source, @"internal static class G\d+").Count);
        // On disk: the first whole, the second linked to it.
        var firstKey = CompilerStamp.KeyOf(first.Source);
        var secondKey = CompilerStamp.KeyOf(second.Source);
        Assert.True(File.Exists(cache.Disk!.PathOf(ProgramCache.Kind, firstKey)));
        Assert.True(File.Exists(cache.Disk.PathOf(ProgramCache.LinkedKind, secondKey)));
        Assert.False(File.Exists(cache.Disk.PathOf(ProgramCache.Kind, secondKey)));
        Assert.True(LinkedImage.TryRead(DiskCache.Unwrap(ProgramCache.LinkedKind, secondKey, File.ReadAllBytes(cache.Disk.PathOf(ProgramCache.LinkedKind, secondKey)))!,
            out var records, out _));
        Assert.Equal(firstKey, Assert.Single(records).ProgramKey);
    }

    [Fact]
    public void AFreshProcessLoadsALinkedProgramAndTheProgramItCallsFromDisk()
    {
        var expected = Alone();
        using (RoslynCompiler.UseForTests(new ProgramCache(16, new DiskCache(Dir()))))
        {
            Sharing(second: false);
            Sharing(second: true);
        }
        var fresh = new ProgramCache(16, new DiskCache(Dir()));
        using var scope = RoslynCompiler.UseForTests(fresh);
        var second = Sharing(second: true);
        Assert.Equal((0L, 2L, 0L), (fresh.Compiles, fresh.DiskHits, fresh.DiskMisses));
        Assert.Equal(expected, Outputs(second));
        // The program it calls into is in memory now: asking for it costs nothing more.
        Sharing(second: false);
        Assert.Equal((0L, 2L), (fresh.Compiles, fresh.DiskHits));
    }

    [Fact]
    public void KernelsOfAnotherVectorWidthAreNotLinkedButOnesOfAProfiledProgramAre()
    {
        var cache = new ProgramCache(16, null);
        using var scope = RoslynCompiler.UseForTests(cache);
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        Variable[] outputs = [T.Tanh(x) * y + 1];
        var wide = Function.Compile([x, y], outputs, options: new CompileOptions { VectorBits = 512 });
        // The same kernel text means other code at another width (its Vec aliases): compiled anew.
        var narrow = Function.Compile([x, y], outputs, options: new CompileOptions { VectorBits = 256 });
        Assert.Equal(wide.Kernels.Select(k => k.Source), narrow.Kernels.Select(k => k.Source));
        Assert.Equal((2L, 0L), (cache.Compiles, cache.LinkedCompiles));
        // Profiling changes the calls, not the kernels: a profiled program links them.
        var profiled = Function.Compile([x, y], outputs, options: new CompileOptions { VectorBits = 256, Profile = true });
        Assert.Equal((3L, 1L), (cache.Compiles, cache.LinkedCompiles));
        var expected = narrow.Invoke(Xa, Ya)[0].ToArray<float>();
        Assert.Equal(expected, profiled.Invoke(Xa, Ya)[0].ToArray<float>());
        Assert.Equal(1, profiled.Profile!.Kernels.Sum(r => r.Calls));
    }

    [Fact]
    public void ThreadsCompilingProgramsThatShareKernelsAtOnceAllComputeRight()
    {
        // Nine graphs over the same kernel, tanh(x) * y + 1, each with one of its own.
        static Function Graph(int i)
        {
            var x = T.Matrix("x");
            var y = T.Matrix("y");
            Func<Variable, Variable>[] own = [T.Exp, T.Sin, T.Cos, T.Sigmoid, T.Softplus, T.Abs, v => T.Sqrt(T.Abs(v)), v => T.Log1p(T.Abs(v)), v => v * v * v];
            return Function.Compile([x, y], [T.Tanh(x) * y + 1, own[i](x - y)]);
        }
        float[][] expected;
        using (RoslynCompiler.UseForTests(new ProgramCache(16, null)))
            expected = Enumerable.Range(0, 8).Select(i => Outputs(Graph(i))).Select(o => o[1]).ToArray();
        var cache = new ProgramCache(16, new DiskCache(Dir()));
        using var scope = RoslynCompiler.UseForTests(cache);
        Outputs(Graph(8));
        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            using var inner = RoslynCompiler.UseForTests(cache);
            results[i] = Outputs(Graph(i))[1];
        });
        Assert.Equal(expected, results);
        Assert.Equal(9L, cache.Compiles);
        Assert.Equal(8L, cache.LinkedCompiles);
    }

    [Theory]
    [InlineData("callee-gone")]
    [InlineData("bad-header")]
    [InlineData("no-kernel-there")]
    public void ALinkedEntryThatCannotBeLoadedIsRebuilt(string damage)
    {
        var expected = Alone();
        string firstKey, secondKey;
        using (RoslynCompiler.UseForTests(new ProgramCache(16, new DiskCache(Dir()))))
        {
            firstKey = CompilerStamp.KeyOf(Sharing(second: false).Source);
            secondKey = CompilerStamp.KeyOf(Sharing(second: true).Source);
        }
        var disk = new DiskCache(Dir());
        var linkedPath = disk.PathOf(ProgramCache.LinkedKind, secondKey);
        var stored = DiskCache.Unwrap(ProgramCache.LinkedKind, secondKey, File.ReadAllBytes(linkedPath))!;
        Assert.True(LinkedImage.TryRead(stored, out var records, out var image));
        switch (damage)
        {
            case "callee-gone":
                File.Delete(disk.PathOf(ProgramCache.Kind, firstKey));
                break;
            case "bad-header":
                File.WriteAllBytes(linkedPath, DiskCache.Wrap(ProgramCache.LinkedKind, secondKey, [.. "symbolic linked program 9\n"u8, .. image]));
                break;
            case "no-kernel-there":
                File.WriteAllBytes(linkedPath, DiskCache.Wrap(ProgramCache.LinkedKind, secondKey,
                    LinkedImage.Write([records[0] with { Method = "K99_nothing" }], image)));
                break;
        }
        var fresh = new ProgramCache(16, disk);
        using var scope = RoslynCompiler.UseForTests(fresh);
        Assert.Equal(expected, Outputs(Sharing(second: true)));
        Assert.Equal(1L, fresh.Compiles);
        Assert.Equal(1L, fresh.DiskMisses);
        // Rebuilt: the next process finds an entry it can load.
        var next = new ProgramCache(16, new DiskCache(Dir()));
        using (RoslynCompiler.UseForTests(next))
            Assert.Equal(expected, Outputs(Sharing(second: true)));
        Assert.Equal(0L, next.Compiles);
    }

    [Fact]
    public void ALinkedProgramKeepsTheProgramItCallsLoadedAndBothUnloadOnceUnused()
    {
        var expected = Alone();
        var cache = new ProgramCache(2, null);
        using var scope = RoslynCompiler.UseForTests(cache);
        // The Function is held in a list, not a local, so that clearing it lets it go in a debug build too.
        var held = new List<Function>();
        var (callee, caller) = LinkedThenEvicted(cache, held);
        Collect(() => false);
        // Out of the cache, held by no Function: the callee's context lives on through the caller's.
        Assert.True(callee.IsAlive);
        Assert.Equal(expected, OutputsOfFirst(held));
        held.Clear();
        Assert.True(Collect(() => !callee.IsAlive && !caller.IsAlive), "The linked program or the one it calls stayed loaded after both were unused.");
    }

    [Fact]
    public void AKernelOfAnEvictedProgramIsNotIndexedAgainWhenAProgramLinkedToItIsAskedForAgain()
    {
        var cache = new ProgramCache(2, null);
        using var scope = RoslynCompiler.UseForTests(cache);
        Sharing(second: false);
        var second = Sharing(second: true);
        Assert.Equal(1L, cache.LinkedCompiles);
        // A third program pushes the first out: the shared kernel, compiled there, leaves the index.
        var x = T.Vector("x");
        var third = Function.Compile([x], [T.Sqrt(T.Abs(x)) * 3]);
        Assert.Equal(1L, cache.Evictions);
        int indexed = cache.KernelCount;
        Assert.Equal(second.Kernels.Count - 1 + third.Kernels.Count, indexed);
        // The second again (a memory hit): its link into the evicted program is not indexed again.
        Assert.Equal(second.Source, Sharing(second: true).Source);
        Assert.Equal(indexed, cache.KernelCount);
        Assert.Equal(3L, cache.Compiles);
    }

    /// <summary>Compiles the two sharing functions, then two of nothing in common that push both out of a cache of two; puts the second in <paramref name="held"/> and returns weak references to the two programs' contexts.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Callee, WeakReference Caller) LinkedThenEvicted(ProgramCache cache, List<Function> held)
    {
        var callee = new WeakReference(cache.Loaded(Sharing(second: false).Source)!.Context);
        var second = Sharing(second: true);
        var caller = new WeakReference(cache.Loaded(second.Source)!.Context);
        Assert.Equal(1L, cache.LinkedCompiles);
        var x = T.Vector("x");
        var f3 = Function.Compile([x], [T.Sqrt(T.Abs(x)) * 3]);
        var f4 = Function.Compile([x], [T.Cos(x) - T.Sin(x) * 2]);
        Assert.Equal((2L, 4L), (cache.Evictions, cache.Compiles));
        // Their kernels left the index with them.
        Assert.Equal(f3.Kernels.Count + f4.Kernels.Count, cache.KernelCount);
        held.Add(second);
        return (callee, caller);
    }

    /// <summary>The outputs of the list's first function, called apart so that no temporary of the caller's frame holds the function.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[][] OutputsOfFirst(List<Function> held) => Outputs(held[0]);

    /// <summary>Collects garbage (finalizers and unloading included) until <paramref name="done"/>, at most 20 rounds.</summary>
    private static bool Collect(Func<bool> done)
    {
        for (int i = 0; i < 20; i++)
        {
            if (done()) return true;
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return done();
    }

    public static TheoryData<string> Damages => ["truncated", "half-written", "empty", "garbage", "payload-flip", "checksum-flip", "wrong-key", "padded", "not-a-program"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void ADamagedEntryIsRebuiltNeverAnError(string damage)
    {
        var (source, mark) = Fresh();
        var key = CompilerStamp.KeyOf(source);
        var first = new ProgramCache(16, new DiskCache(Dir()));
        Run(first.Load(source));
        var path = first.Disk!.PathOf(ProgramCache.Kind, key);
        var bytes = File.ReadAllBytes(path);
        var rng = new Random(7);
        byte[] damaged = damage switch
        {
            "truncated" => bytes[..(bytes.Length - 1)],
            "half-written" => bytes[..(bytes.Length / 2)],
            "empty" => [],
            "garbage" => Enumerable.Range(0, bytes.Length).Select(_ => (byte)rng.Next(256)).ToArray(),
            "payload-flip" => Flip(bytes, bytes.Length / 2),
            "checksum-flip" => Flip(bytes, bytes.Length - 1),
            "wrong-key" => DiskCache.Wrap(ProgramCache.Kind, CompilerStamp.KeyOf(Program(mark + 1)), DiskCache.Unwrap(ProgramCache.Kind, key, bytes)),
            "padded" => [.. bytes, 0],
            "not-a-program" => DiskCache.Wrap(ProgramCache.Kind, key, "MZ but not a program"u8),
            _ => throw new ArgumentException(damage),
        };
        File.WriteAllBytes(path, damaged);

        var disk = new DiskCache(Dir());
        var second = new ProgramCache(16, disk);
        Assert.Equal(mark, Run(second.Load(source)));
        Assert.Equal((1L, 0L, 1L), (second.Compiles, second.DiskHits, second.DiskMisses));
        Assert.Equal((1L, 0L), (disk.Corrupt, disk.Hits));

        // Rebuilt: the next process finds a whole entry.
        Assert.Equal(bytes, File.ReadAllBytes(path));
        var third = new ProgramCache(16, new DiskCache(Dir()));
        Assert.Equal(mark, Run(third.Load(source)));
        Assert.Equal((0L, 1L), (third.Compiles, third.DiskHits));
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x5A;
        return copy;
    }

    [Fact]
    public void ManyWritersOfOneNewEntryAllSucceedAndLeaveItWhole()
    {
        var (source, mark) = Fresh();
        const int writers = 8;
        var caches = Enumerable.Range(0, writers).Select(_ => new ProgramCache(16, new DiskCache(Dir()))).ToArray();
        using var start = new Barrier(writers);
        var results = new double[writers];
        var threads = Enumerable.Range(0, writers).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            results[i] = Run(caches[i].Load(source));
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        Assert.All(results, r => Assert.Equal(mark, r));
        Assert.All(caches, c => Assert.Equal(1, c.Compiles + c.DiskHits));
        Assert.All(caches, c => Assert.Equal(0, c.Disk!.WriteFailures));
        Assert.Equal([Path.GetFileName(caches[0].Disk!.PathOf(ProgramCache.Kind, CompilerStamp.KeyOf(source)))],
            Directory.GetFiles(Dir()).Select(Path.GetFileName));
        var reader = new ProgramCache(16, new DiskCache(Dir()));
        Assert.Equal(mark, Run(reader.Load(source)));
        Assert.Equal((0L, 1L), (reader.Compiles, reader.DiskHits));
    }

    [Fact]
    public void ManyThreadsAskingOneCacheForANewProgramCompileItOnce()
    {
        var (source, mark) = Fresh();
        var cache = new ProgramCache(16, new DiskCache(Dir()));
        var entries = new ProgramEntry[8];
        Parallel.For(0, entries.Length, new ParallelOptions { MaxDegreeOfParallelism = entries.Length }, i => entries[i] = cache.Load(source));
        Assert.Equal(1, cache.Compiles);
        Assert.All(entries, e => Assert.Same(entries[0], e));
        Assert.Equal(mark, Run(entries[0]));
    }

    [Fact]
    public async Task TwoDiskCachesWritingAndReadingOneEntryAtOnceNeverSeeAPartOfIt()
    {
        var a = new DiskCache(Dir());
        var b = new DiskCache(Dir());
        var key = DiskCache.KeyOf("two writers", Guid.NewGuid().ToString());
        var value = Enumerable.Range(0, 1 << 16).Select(i => (byte)(i * 31)).ToArray();
        using var stop = new CancellationTokenSource();
        var torn = 0;
        var reader = Task.Run(() =>
        {
            var c = new DiskCache(Dir());
            while (!stop.IsCancellationRequested)
                if (c.TryGet("ptx", key) is { } got && !got.AsSpan().SequenceEqual(value)) Interlocked.Increment(ref torn);
            return c.Corrupt;
        });
        Parallel.For(0, 2, w =>
        {
            var cache = w == 0 ? a : b;
            for (int i = 0; i < 100; i++) cache.Put("ptx", key, value);
        });
        stop.Cancel();
        Assert.Equal(0, await reader);
        Assert.Equal(0, torn);
        Assert.Equal((100L, 100L, 0L, 0L), (a.Writes, b.Writes, a.WriteFailures, b.WriteFailures));
        Assert.Equal(value, a.TryGet("ptx", key));
        Assert.Single(Directory.GetFiles(Dir()));
    }

    [Fact]
    public void AnUnusableDirectoryMeansNoDiskCacheAndOneLineNotAFailure()
    {
        var file = Path.Combine(root, "a-file");
        File.WriteAllText(file, "not a directory");
        var log = new StringWriter();
        var disk = new DiskCache(Path.Combine(file, "cache"), log);
        var cache = new ProgramCache(16, disk);
        var (source, mark) = Fresh();

        Assert.Equal(mark, Run(cache.Load(source)));
        cache.Clear();
        Assert.Equal(mark, Run(cache.Load(source)));
        disk.Put("ptx", DiskCache.KeyOf("x"), [1, 2, 3]);
        Assert.Null(disk.TryGet("ptx", DiskCache.KeyOf("x")));

        Assert.False(disk.IsUsable);
        Assert.Equal(2, cache.Compiles);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("no disk cache", line);
        Assert.Contains(Path.Combine(file, "cache"), line);
    }

    [Fact]
    public void TheDirectoryComesFromTheEnvironmentAndCanBeTurnedOff()
    {
        string? Resolve(params (string Name, string Value)[] vars) =>
            DiskCache.ResolveDirectory(n => vars.FirstOrDefault(v => v.Name == n).Value, out _);

        Assert.Equal("/tmp/here", Resolve(("SYMBOLIC_CACHE_DIR", "/tmp/here"), ("XDG_CACHE_HOME", "/xdg")));
        Assert.Null(Resolve(("SYMBOLIC_CACHE_DIR", "")));
        Assert.Null(Resolve(("SYMBOLIC_DISK_CACHE", "0"), ("SYMBOLIC_CACHE_DIR", "/tmp/here")));
        Assert.Null(Resolve(("SYMBOLIC_DISK_CACHE", "off")));
        Assert.Equal("/tmp/here", Resolve(("SYMBOLIC_DISK_CACHE", "1"), ("SYMBOLIC_CACHE_DIR", "/tmp/here")));
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(Path.Combine("/xdg", "symbolic"), Resolve(("XDG_CACHE_HOME", "/xdg")));
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "symbolic");
        Assert.Equal(home, Resolve(("XDG_CACHE_HOME", "relative/ignored")));
        Assert.Equal(home, Resolve());
    }

    [Fact]
    public void EvictionUnloadsTheProgramOnceNothingHoldsIt()
    {
        var cache = new ProgramCache(1, null);
        var context = LoadAndLetGo(cache, Fresh().Source);
        Run(cache.Load(Fresh().Source));
        Assert.Equal(1, cache.Evictions);
        Assert.True(Collected(context), "the evicted program's load context was never collected");
    }

    [Fact]
    public void AnEvictedProgramStillHeldKeepsRunning()
    {
        var cache = new ProgramCache(1, null);
        var (source, mark) = Fresh();
        var entry = cache.Load(source);
        var context = new WeakReference(AssemblyLoadContext.GetLoadContext(entry.Method.Module.Assembly));
        Run(cache.Load(Fresh().Source));
        Assert.False(cache.Contains(source));
        Assert.False(Collected(context));
        Assert.Equal(mark, Run(entry));
        GC.KeepAlive(entry);
    }

    [Fact]
    public void AFunctionWhoseProgramWasEvictedStillRuns()
    {
        var cache = new ProgramCache(1, null);
        using var scope = RoslynCompiler.UseForTests(cache);
        var (f, w) = SeedStep();
        var before = w.Value.ToArray<float>();
        var expected = Step(f, w);
        w.Value = NDArray.From(before, 4, 3);

        var x = T.Vector("x");
        Function.Compile([x], [T.Exp(x) * 3]);
        Assert.True(cache.Evictions > 0);
        Assert.False(cache.Contains(f.Source));
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        Assert.Equal(expected, Step(f, w));
    }

    [Fact]
    public void TheKeyFollowsTheSourceAndTheVersions()
    {
        var (source, _) = Fresh();
        Assert.Equal(CompilerStamp.KeyOf(source), CompilerStamp.KeyOf(source));
        Assert.NotEqual(CompilerStamp.KeyOf(source), CompilerStamp.KeyOf(source + " "));
        Assert.NotEqual(DiskCache.KeyOf("ab", "c"), DiskCache.KeyOf("a", "bc"));
        Assert.Equal(DiskCache.KeyOf(CompilerStamp.Backend, CompilerStamp.Value, source), CompilerStamp.KeyOf(source));
        var stamp = CompilerStamp.Value;
        Assert.Contains($"Symbolic.Core {typeof(NDArray).Assembly.ManifestModule.ModuleVersionId}", stamp);
        Assert.Contains($"Symbolic.CodeGen.Cpu {typeof(RoslynCompiler).Assembly.ManifestModule.ModuleVersionId}", stamp);
        Assert.Contains("Microsoft.CodeAnalysis.CSharp ", stamp);
        Assert.Contains(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, stamp);
    }

    [Fact]
    public void TheManagedSha256GivesThePlatformsDigests()
    {
        var rng = new Random(11);
        foreach (var n in new[] { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100_003 })
        {
            var data = new byte[n];
            rng.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.Hash(data));
            var pieces = new Sha256();
            for (int at = 0; at < n;)
            {
                int take = Math.Min(n - at, rng.Next(1, 150));
                pieces.Append(data.AsSpan(at, take));
                at += take;
            }
            var digest = new byte[32];
            pieces.Finish(digest);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), digest);
        }
        Assert.Equal("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", Convert.ToHexString(Sha256.Hash("abc"u8)));
    }

    [Fact]
    public void KindsAndKeysAreNamesNotPaths()
    {
        var disk = new DiskCache(Dir());
        Assert.Throws<ArgumentException>(() => disk.Put("../x", DiskCache.KeyOf("k"), [1]));
        Assert.Throws<ArgumentException>(() => disk.TryGet("ptx", "../../etc/passwd"));
        Assert.Null(disk.TryGet("ptx", DiskCache.KeyOf("never written")));
        Assert.Equal((0L, 1L), (disk.Hits, disk.Misses));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndLetGo(ProgramCache cache, string source)
    {
        var entry = cache.Load(source);
        Run(entry);
        return new WeakReference(AssemblyLoadContext.GetLoadContext(entry.Method.Module.Assembly));
    }

    private static bool Collected(WeakReference reference)
    {
        for (int i = 0; i < 20 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return !reference.IsAlive;
    }
}
