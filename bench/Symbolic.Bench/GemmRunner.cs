using System.Text.Json;

namespace Symbolic.Bench;

/// <summary>One GEMM measurement: <c>dot(a, b)</c> of n x n float32 through a compiled Function.</summary>
public sealed record GemmResult(int Size, double Ms, double GFlops);

/// <summary>
/// GEMM throughput with whatever provider the library picks in this process, and (through a
/// child process running <c>gemm-only</c> with <c>SYMBOLIC_BLAS=managed</c>) with the managed path.
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

    public static void Report(ReportTable table)
    {
        const string section = "GEMM";
        var provider = Environment.GetEnvironmentVariable("SYMBOLIC_BLAS") ?? "library default";
        var mine = Measure();
        foreach (var r in mine)
            table.Add(section, new ReportRow($"{r.Size}x{r.Size} float32, provider: {provider}", ReportTable.F("{0:F1} GFLOP/s", r.GFlops), ReportTable.Ms(r.Ms) + " a product"));
        var child = ChildProcess.Self(["gemm-only"], new Dictionary<string, string> { ["SYMBOLIC_BLAS"] = "managed" }, 180);
        if (!child.Ok)
        {
            table.Note($"GEMM with SYMBOLIC_BLAS=managed: the child process failed: {child.Why}");
            return;
        }
        foreach (var line in child.JsonLines)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                int n = o.GetProperty("gemm").GetInt32();
                double gf = o.GetProperty("gflops").GetDouble();
                var same = mine.FirstOrDefault(m => m.Size == n);
                table.Add(section, new ReportRow($"{n}x{n} float32, SYMBOLIC_BLAS=managed (child process)", ReportTable.F("{0:F1} GFLOP/s", gf),
                    ReportTable.Ms(o.GetProperty("ms").GetDouble()) + " a product",
                    same is null ? "" : "default / managed " + ReportTable.X(same.GFlops / gf)));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
        }
    }
}
