using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Symbolic.Bench;

/// <summary>
/// <c>bdn [filter]</c>: BenchmarkDotNet over the classes in <c>Benchmarks/</c>. A first argument
/// that is not an option is a filter (<c>bdn Gemm</c> runs <c>*Gemm*</c>); with none, all run.
/// Any other arguments go to BenchmarkDotNet as they are (<c>--job short</c>, <c>--list flat</c>).
/// </summary>
public static class BdnRunner
{
    public static void Run(string[] args)
    {
        var list = args.ToList();
        if (list.Count == 0 || list[0].StartsWith('-'))
        {
            if (!list.Contains("--filter") && !list.Contains("-f") && !list.Contains("--list")) list.InsertRange(0, ["--filter", "*"]);
        }
        else list = ["--filter", $"*{list[0]}*", .. list.Skip(1)];
        BenchmarkSwitcher.FromAssembly(typeof(BdnRunner).Assembly).Run(list.ToArray(), DefaultConfig.Instance);
    }
}
