using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Symbolic.Bench;

/// <summary>
/// <c>bdn [filter]</c>: BenchmarkDotNet over the classes in <c>Benchmarks/</c>. A first argument
/// that is not an option is a filter (<c>bdn Gemm</c> runs <c>*Gemm*</c>); with none, all run.
/// Benchmarks run in this process (in-process emit toolchain): BenchmarkDotNet's usual separate
/// process rebuilds the whole solution first, which takes minutes on a 2-core machine. With
/// <c>--out-of-process</c> they run the usual way, with a 10-minute build timeout. Any other
/// arguments go to BenchmarkDotNet as they are (<c>--list flat</c>, <c>--exporters json</c>).
/// </summary>
public static class BdnRunner
{
    public static void Run(string[] args)
    {
        var list = args.ToList();
        bool outOfProcess = list.Remove("--out-of-process");
        if (list.Count > 0 && !list[0].StartsWith('-')) list = ["--filter", $"*{list[0]}*", .. list.Skip(1)];
        else if (!list.Contains("--filter") && !list.Contains("-f") && !list.Contains("--list")) list.InsertRange(0, ["--filter", "*"]);

        // Few iterations: the targets are ratios and the slow cases (op by op, MLP today) take a second a call.
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10);
        var config = ManualConfig.Create(DefaultConfig.Instance);
        if (outOfProcess) config = config.AddJob(job.WithId("out-of-process")).WithBuildTimeout(TimeSpan.FromMinutes(10));
        else config = config.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).WithId("in-process"));
        BenchmarkSwitcher.FromAssembly(typeof(BdnRunner).Assembly).Run(list.ToArray(), config);
    }
}
