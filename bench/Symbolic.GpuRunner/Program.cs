using Symbolic;
using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Runtime;
using Symbolic.GpuRunner.Bench;
using Symbolic.GpuRunner.Checks;

// The GPU checks and benchmarks, for a GPU machine with a driver and no .NET SDK.
//   symbolic-gpu                 checks, then benchmarks
//   symbolic-gpu --checks        checks only
//   symbolic-gpu --bench         benchmarks only
//   symbolic-gpu --filter TEXT   only the checks whose name contains TEXT
// Exit codes: 0 all passed, 1 a check failed, 3 no usable CUDA device (nothing ran), 2 bad arguments.
namespace Symbolic.GpuRunner;

public static class Program
{
    public static int Main(string[] args)
    {
        bool checks = !args.Contains("--bench"), bench = !args.Contains("--checks");
        int at = Array.IndexOf(args, "--filter");
        string? filter = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine("symbolic-gpu [--checks | --bench] [--filter TEXT]: runs Symbolic's GPU checks and benchmarks on CUDA device 0.");
            return 0;
        }
        if (args.Except(["--checks", "--bench", "--filter", filter ?? ""]).Any())
        {
            Console.Error.WriteLine($"Unknown arguments: {string.Join(" ", args)}. Try --help.");
            return 2;
        }
        // The host side of the checks (the reference interpreter) first: it must work in this single file.
        var seed = GpuChecks.SeedGraph();
        var (loss, _, _) = GpuChecks.SeedStepOnHost(seed, seed.W1.Value, seed.W2.Value);
        Console.WriteLine($"interpreter    : ok (seed network's first loss {loss.Item<float>():F6})");
        var probe = CudaProbe.Result;
        Console.WriteLine($"driver library : {probe.Library ?? "(none)"}");
        if (!probe.Available)
        {
            Console.WriteLine($"no device      : {probe.Problem}");
            Console.WriteLine("Nothing was run: these checks need a CUDA device.");
            return 3;
        }
        var device = CudaDevice.Default;
        Console.WriteLine($"GPU            : {device.Name} (compute {device.ComputeCapability.Major}.{device.ComputeCapability.Minor}, {device.Multiprocessors} SMs, {device.TotalMemory / (1 << 20)} MiB)");
        Console.WriteLine($"driver CUDA    : {device.DriverVersion / 1000}.{device.DriverVersion % 1000 / 10}");
        Console.WriteLine($"cuBLAS         : {(CublasContext.IsAvailable ? "found" : "not found (products will fail)")}");
        Console.WriteLine();
        int failed = 0;
        if (checks)
        {
            int passed = 0;
            foreach (var check in GpuChecks.All().Where(c => filter is null || c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    check.Run();
                    passed++;
                    Console.WriteLine($"PASS {sw.Elapsed.TotalSeconds,7:F2}s  {check.Name}");
                }
                catch (Exception e)
                {
                    failed++;
                    Console.WriteLine($"FAIL {sw.Elapsed.TotalSeconds,7:F2}s  {check.Name}");
                    Console.WriteLine("      " + e.ToString().Replace("\n", "\n      "));
                }
            }
            Console.WriteLine($"\n{passed} passed, {failed} failed on {device.Name}.\n");
        }
        if (bench)
        {
            var rows = new List<BenchResult>();
            foreach (var r in Safe(() => GpuBench.Run(Console.Out).ToList())) rows.Add(r);
            Console.WriteLine();
            Console.WriteLine($"| {device.Name} | ours | baseline | ratio | target |");
            Console.WriteLine("| --- | --- | --- | --- | --- |");
            foreach (var r in rows)
                Console.WriteLine($"| {r.Name} | {r.Ours} | {r.Baseline} | {r.Ratio:F2} | {(r.Met ? "met" : "MISSED")} (>= {r.Target:F2}) |");
        }
        return failed > 0 ? 1 : 0;
    }

    private static IEnumerable<BenchResult> Safe(Func<List<BenchResult>> run)
    {
        try
        {
            return run();
        }
        catch (Exception e)
        {
            Console.WriteLine("Benchmarks failed: " + e);
            return [];
        }
    }
}
