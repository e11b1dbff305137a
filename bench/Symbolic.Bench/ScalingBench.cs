using System.Diagnostics;
using Symbolic;

namespace Symbolic.Bench;

/// <summary>
/// Compile time against graph size: chains of <c>y = tanh(y) * 0.5 + x</c> links (three nodes a
/// link) and their gradients, from 1,000 to 30,000 nodes, each compiled once in a warm process with
/// the disk cache off, so every row is real work. The time should grow with the nodes and no faster
/// (targets: a 9,000-node chain under 1.5 s, and its gradient too).
/// </summary>
public static class ScalingBench
{
    public static void Run()
    {
        Environment.SetEnvironmentVariable("SYMBOLIC_DISK_CACHE", "0");
        Compile(Chain(50), gradient: true); // Roslyn and the pipeline warm
        Console.WriteLine("| links | nodes | compile chain | kernels | compile gradient | gradient nodes | kernels |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var links in new[] { 333, 1000, 3000, 10000 })
        {
            var (x, y) = Chain(links);
            var (chainMs, chainKernels) = Compile((x, y), gradient: false);
            var (gradMs, gradKernels) = Compile((x, y), gradient: true);
            int gradNodes = GraphWalk.TopologicalOrder([T.Grad(T.Sum(y), x)]).Count;
            Console.WriteLine($"| {links} | {3 * links} | {chainMs:F0} ms | {chainKernels} | {gradMs:F0} ms | {gradNodes} | {gradKernels} |");
        }
    }

    private static (Variable X, Variable Y) Chain(int links)
    {
        var x = T.Vector("x");
        Variable y = x;
        for (int i = 0; i < links; i++) y = T.Tanh(y) * 0.5 + x;
        return (x, y);
    }

    private static (double Ms, int Kernels) Compile((Variable X, Variable Y) chain, bool gradient)
    {
        var output = gradient ? T.Grad(T.Sum(chain.Y), chain.X) : chain.Y;
        var sw = Stopwatch.StartNew();
        var f = Function.Compile([chain.X], [output]);
        return (sw.Elapsed.TotalMilliseconds, f.Kernels.Count);
    }
}
