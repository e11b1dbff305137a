using System.Text.Json;

namespace Symbolic.Bench;

/// <summary>One GEMM measurement: <c>dot(a, b)</c> of n x n float32 through a compiled Function.</summary>
public sealed record GemmResult(int Size, double Ms, double GFlops);

/// <summary>
/// GEMM throughput with whatever provider the library picks, and with <c>SYMBOLIC_BLAS=managed</c>
/// (the managed path), each in a child process running <c>gemm-only</c>.
/// </summary>
public static class GemmRunner
{
    public static readonly int[] Sizes = [512, 1024];

    public static IReadOnlyList<GemmResult> Measure()
    {
        var f = Gemm.Compile();
        var results = new List<GemmResult>();
        foreach (var n in Sizes)
        {
            var g = new Gemm(n);
            var t = Bench.Measure.Single($"gemm {n}", () => g.Run(f), rounds: 5, budgetSeconds: 8);
            results.Add(new GemmResult(n, t.MedianMs, g.GFlops(t.MedianMs)));
        }
        return results;
    }

    /// <summary>The <c>gemm-only</c> sub-command: a line per size for people, a JSON line per size for the parent.</summary>
    public static void PrintOnly()
    {
        var provider = Environment.GetEnvironmentVariable("SYMBOLIC_BLAS") ?? "default";
        foreach (var r in Measure())
        {
            Console.WriteLine($"GEMM {r.Size}x{r.Size} float32 (SYMBOLIC_BLAS={provider}): {r.Ms:F2} ms, {r.GFlops:F1} GFLOP/s");
            Console.WriteLine(JsonSerializer.Serialize(new { gemm = r.Size, ms = r.Ms, gflops = r.GFlops, provider }));
        }
    }

    /// <summary>
    /// Both providers are measured in fresh child processes (<c>gemm-only</c>), alike: in the
    /// runner's own process, after the training steps, the same product ran up to 8 times slower
    /// (probably the JIT's profile from the steps' small products shaping the code the large ones run; not confirmed).
    /// </summary>
    public static void Report(ReportTable table)
    {
        const string section = "GEMM";
        var provider = Environment.GetEnvironmentVariable("SYMBOLIC_BLAS") is { } p ? $"SYMBOLIC_BLAS={p}" : "library default";
        var mine = Child(table, provider, null);
        var managed = Child(table, "SYMBOLIC_BLAS=managed", new Dictionary<string, string> { ["SYMBOLIC_BLAS"] = "managed" });
        foreach (var r in mine)
            table.Add(section, new ReportRow($"{r.Size}x{r.Size} float32, {provider}", ReportTable.F("{0:F1} GFLOP/s", r.GFlops), ReportTable.Ms(r.Ms) + " a product"));
        foreach (var r in managed)
        {
            var same = mine.FirstOrDefault(m => m.Size == r.Size);
            table.Add(section, new ReportRow($"{r.Size}x{r.Size} float32, SYMBOLIC_BLAS=managed", ReportTable.F("{0:F1} GFLOP/s", r.GFlops),
                ReportTable.Ms(r.Ms) + " a product", same is null ? "" : "default / managed " + ReportTable.X(same.GFlops / r.GFlops)));
        }
    }

    private static List<GemmResult> Child(ReportTable table, string label, Dictionary<string, string>? env)
    {
        var results = new List<GemmResult>();
        var child = ChildProcess.Self(["gemm-only"], env, 180);
        if (!child.Ok)
        {
            table.Note($"GEMM, {label}: the child process failed: {child.Why}");
            return results;
        }
        foreach (var line in child.JsonLines)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                results.Add(new GemmResult(o.GetProperty("gemm").GetInt32(), o.GetProperty("ms").GetDouble(), o.GetProperty("gflops").GetDouble()));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
        }
        if (results.Count == 0) table.Note($"GEMM, {label}: no result lines from the child process");
        return results;
    }
}
