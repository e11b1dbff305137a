using System.Globalization;
using System.Reflection.Emit;
using System.Runtime;
using System.Text.Json;

namespace Symbolic.Bench;

/// <summary>
/// How long <c>Function.Compile</c> takes: first in a process, a new graph once Roslyn is warm,
/// the same graph again, and a fresh process whose disk cache already holds the graph.
/// </summary>
public static class CompileTimes
{
    /// <summary>Today's <c>compile</c> output, kept as it was (targets brought to DESIGN.md's).</summary>
    public static void Legacy()
    {
        var mlp = TrainingStep.Mlp();
        double cold = Measure.Once(() => mlp.Compile());
        Console.WriteLine($"Function.Compile, cold process (Roslyn not warm): {cold:F0} ms");
        var again = TrainingStep.Mlp();
        var x = T.Matrix("x2");
        double small = Measure.Once(() => Function.Compile([x], [T.Sum(T.Tanh(x) * 3 + T.Exp(-x))]));
        Console.WriteLine($"Function.Compile of a new small graph, Roslyn warm: {small:F0} ms   (target: < 100 ms)");
        double same = Measure.Once(() => again.Compile());
        Console.WriteLine($"Function.Compile of the same MLP graph again: {same:F0} ms   (target: < 10 ms)");
    }

    /// <summary>
    /// A training step with <paramref name="hidden"/> hidden layers of 16: a graph whose structure
    /// differs for each count, so no program cache can hand back an earlier one (its kernels are
    /// those of the other counts, which a warm process links rather than compiles).
    /// </summary>
    private static TrainingStep NewGraph(int hidden, Func<Variable, Variable>? activation = null) =>
        new(8, [20, .. Enumerable.Repeat(16, hidden), 5], 0.1, 300 + hidden, activation);

    /// <summary>
    /// The child process (<c>compile-child</c>): compiles the seed step first thing, then new graphs (right after it, and again once Roslyn is warm),
    /// then the seed step built afresh, and prints one JSON line of milliseconds.
    /// </summary>
    public static void Child()
    {
        var seed = TrainingStep.Seed();
        // The JIT's share of the first compile: this thread's methods compiled and their time (in a
        // fresh process almost all of the first compile is JIT; see the ReadyToRun row).
        JitMark("first_compile_start");
        long jitCount = JitInfo.GetCompiledMethodCount(currentThread: true);
        var jitTime = JitInfo.GetCompilationTime(currentThread: true);
        double first = Measure.Once(() => seed.Compile());
        long firstJitMethods = JitInfo.GetCompiledMethodCount(currentThread: true) - jitCount;
        double firstJitMs = (JitInfo.GetCompilationTime(currentThread: true) - jitTime).TotalMilliseconds;
        JitMark("first_compile_end");
        // New graphs right after the first compile (tanh hidden layers), then, after eight more
        // compiles, new graphs of the same sizes (relu hidden layers) once Roslyn is warm: Roslyn's
        // own code runs unoptimized until the runtime's tiered compilation has seen it called often.
        var news = new List<double>();
        for (int hidden = 2; hidden <= 5; hidden++)
        {
            var g = NewGraph(hidden, T.Tanh);
            news.Add(Measure.Once(() => g.Compile()));
        }
        for (int hidden = 6; hidden <= 13; hidden++) NewGraph(hidden).Compile();
        // The runtime re-compiles hot methods optimized on a background thread, a little after they
        // turn hot: give it the moment a process that has been compiling for a while has had.
        Thread.Sleep(500);
        var warm = new List<double>();
        for (int hidden = 2; hidden <= 5; hidden++)
        {
            var g = NewGraph(hidden);
            warm.Add(Measure.Once(() => g.Compile()));
        }
        var sames = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var s = TrainingStep.Seed();
            sames.Add(Measure.Once(() => s.Compile()));
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["first_ms"] = first,
            ["new_ms"] = Measure.Median(news),
            ["warm_new_ms"] = Measure.Median(warm),
            ["same_ms"] = Measure.Median(sames),
            ["first_jit_methods"] = firstJitMethods,
            ["first_jit_ms"] = firstJitMs,
        }));
    }

    /// <summary>
    /// With <c>SYMBOLIC_BENCH_JIT_MARKS=1</c>, compiles and calls an empty dynamic method named
    /// <paramref name="name"/>: a dynamic method is always JIT-compiled, so it marks the place in
    /// the runtime's list of compiled methods (<c>DOTNET_JitStdOutFile</c>) where the first compile
    /// starts and ends, whether the bench itself is precompiled or not.
    /// </summary>
    private static void JitMark(string name)
    {
        if (Environment.GetEnvironmentVariable("SYMBOLIC_BENCH_JIT_MARKS") != "1") return;
        var mark = new DynamicMethod(name, null, null);
        mark.GetILGenerator().Emit(OpCodes.Ret);
        mark.Invoke(null, null);
    }

    /// <summary>How many child runs over a warm disk cache the fresh-process rows take the median of.</summary>
    private const int WarmRuns = 3;

    /// <summary>
    /// Runs the child over one fresh <c>SYMBOLIC_CACHE_DIR</c>, once to fill it and
    /// <see cref="WarmRuns"/> times more, and adds the rows; then the same with this runner published
    /// ReadyToRun (<see cref="ReadyToRunChild"/>), over a cache of its own.
    /// </summary>
    public static void Report(ReportTable table)
    {
        const string section = "compile";
        var dir = NewCacheDir();
        try
        {
            var env = new Dictionary<string, string> { ["SYMBOLIC_CACHE_DIR"] = dir };
            var cold = Parse(ChildProcess.Self(["compile-child"], env, 240));
            var warm = WarmChildren(() => ChildProcess.Self(["compile-child"], env, 240));
            if (cold.Values is { } c)
            {
                table.Add(section, new ReportRow("first compile in a process (seed step, empty disk cache)", ReportTable.Ms(c["first_ms"]),
                    "Theano 1.0.5: 9.7 s cold"));
                table.Add(section, new ReportRow("new graph, 2nd to 5th compile in the process (median of 4 training graphs, 2-5 tanh hidden layers)", ReportTable.Ms(c["new_ms"])));
                table.Add(section, new ReportRow("new graph, Roslyn warm (after 13 compiles; median of 4 graphs, 2-5 relu hidden layers; kernels compiled before are linked, not compiled again)", ReportTable.Ms(c["warm_new_ms"]),
                    Target: "< 100 ms", Met: c["warm_new_ms"] < 100));
                // The same graphs with every kernel compiled: what a graph of kernels the process has never seen costs.
                var unlinked = Parse(ChildProcess.Self(["compile-child"], new Dictionary<string, string> { ["SYMBOLIC_DISK_CACHE"] = "0", ["SYMBOLIC_LINK_KERNELS"] = "0" }, 240));
                if (unlinked.Values is { } u)
                    table.Add(section, new ReportRow("new graph, Roslyn warm, every kernel compiled (the same graphs with `SYMBOLIC_LINK_KERNELS=0`)", ReportTable.Ms(u["warm_new_ms"]),
                        Target: "< 100 ms", Met: u["warm_new_ms"] < 100));
                else table.Note($"compile times, every kernel compiled: the child process failed: {unlinked.Why}");
                table.Add(section, new ReportRow("same graph again (seed step built afresh)", ReportTable.Ms(c["same_ms"]),
                    Target: "< 10 ms", Met: c["same_ms"] < 10));
            }
            else table.Note($"compile times: the child process failed: {cold.Why}");
            if (warm.Values is { } w)
                table.Add(section, new ReportRow($"fresh process, warm disk cache (seed step; median of {WarmRuns} child runs after the first), plain `dotnet` build",
                    ReportTable.Ms(w["first_ms"]),
                    (cold.Values is { } c2 ? $"1st run: {ReportTable.Ms(c2["first_ms"])}; " : "") + JitText(w),
                    cold.Values is { } c3 ? ReportTable.X(w["first_ms"] / c3["first_ms"]) : "", "< 100 ms", w["first_ms"] < 100));
            else table.Note($"compile times, warm disk cache: the child process failed: {warm.Why}");
            ReadyToRunRow(table, section, warm.Values, cold.Values);
        }
        finally
        {
            DeleteCacheDir(dir);
        }
    }

    /// <summary>The fresh-process row again, with this runner published ReadyToRun: the library's code precompiled, as an application that cares about start-up ships.</summary>
    private static void ReadyToRunRow(ReportTable table, string section, Dictionary<string, double>? plain, Dictionary<string, double>? plainCold)
    {
        if (ReadyToRunChild.Ensure(out var why) is not { } child)
        {
            table.Note($"compile times, ReadyToRun child: none: {why}");
            return;
        }
        var dir = NewCacheDir();
        try
        {
            var env = new Dictionary<string, string> { ["SYMBOLIC_CACHE_DIR"] = dir };
            ChildResult Run() => ChildProcess.Run(child.File, [.. child.Prefix, "compile-child"], env, 240);
            // Its own cache: the disk cache key holds Roslyn's file size, which ReadyToRun changes.
            var fill = Parse(Run());
            // Its first run starts from an empty cache: the first compile with Roslyn's code precompiled too.
            if (fill.Values is { } f)
                table.Add(section, new ReportRow("first compile in a process (seed step, empty disk cache), ReadyToRun-published child (Roslyn precompiled with it)",
                    ReportTable.Ms(f["first_ms"]), JitText(f), plainCold is not null ? ReportTable.X(f["first_ms"] / plainCold["first_ms"]) + " of plain" : ""));
            var warm = fill.Values is null ? fill : WarmChildren(Run);
            if (warm.Values is { } w)
                table.Add(section, new ReportRow($"fresh process, warm disk cache (seed step; median of {WarmRuns} child runs after the first), ReadyToRun-published child (`dotnet publish -p:PublishReadyToRun=true`)",
                    ReportTable.Ms(w["first_ms"]), JitText(w),
                    plain is not null ? ReportTable.X(w["first_ms"] / plain["first_ms"]) + " of plain" : "", "< 100 ms", w["first_ms"] < 100));
            else table.Note($"compile times, ReadyToRun child: the child process failed: {warm.Why}");
        }
        finally
        {
            DeleteCacheDir(dir);
        }
    }

    /// <summary><see cref="WarmRuns"/> child runs; per figure, the median over the runs.</summary>
    private static (Dictionary<string, double>? Values, string Why) WarmChildren(Func<ChildResult> run)
    {
        var runs = new List<Dictionary<string, double>>();
        for (int i = 0; i < WarmRuns; i++)
        {
            var r = Parse(run());
            if (r.Values is null) return r;
            runs.Add(r.Values);
        }
        var median = new Dictionary<string, double>();
        foreach (var key in runs[0].Keys)
            median[key] = Measure.Median(runs.Select(r => r.TryGetValue(key, out var v) ? v : double.NaN).ToList());
        return (median, "");
    }

    private static string JitText(Dictionary<string, double> values) =>
        values.TryGetValue("first_jit_methods", out var n) && values.TryGetValue("first_jit_ms", out var ms)
            ? ReportTable.F("{0:F0} methods JIT-compiled in {1}", n, ReportTable.Ms(ms))
            : "";

    private static string NewCacheDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "symbolic-bench-cache-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void DeleteCacheDir(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static (Dictionary<string, double>? Values, string Why) Parse(ChildResult r)
    {
        if (!r.Ok) return (null, r.Why);
        foreach (var line in r.JsonLines)
        {
            try
            {
                var d = JsonSerializer.Deserialize<Dictionary<string, double>>(line);
                if (d is not null && d.ContainsKey("first_ms") && d.ContainsKey("new_ms") && d.ContainsKey("warm_new_ms") && d.ContainsKey("same_ms")) return (d, "");
            }
            catch (JsonException) { }
        }
        return (null, "no result line in its output: " + r.StdOut.Trim().Split('\n').LastOrDefault()?.ToString(CultureInfo.InvariantCulture));
    }
}
