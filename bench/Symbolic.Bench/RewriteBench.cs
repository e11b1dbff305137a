using System.Diagnostics;
using Symbolic.Rewrite.Engine;

namespace Symbolic.Bench;

/// <summary>
/// Today's <c>rewrite</c> measurement: the rewrite phases alone on the MLP training graph. The one
/// file here that reaches past the facade (<c>Rulebook.Engine</c>), since rewriting alone has no
/// public entry point.
/// </summary>
public static class RewriteBench
{
    public static void Run()
    {
        var mlp = TrainingStep.Mlp();
        var all = mlp.Outputs.Concat(mlp.Updates.Select(u => u.Item2)).ToArray();
        Rulebook.Engine.Run(all); // warm: rules parsed, code jitted
        var times = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            var sw = Stopwatch.StartNew();
            var (_, trace) = Rulebook.Engine.Run(all);
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (i == 0) Console.WriteLine($"MLP training graph: {GraphWalk.TopologicalOrder(all).Count} nodes, {trace.Steps.Count} rewrites fired");
        }
        times.Sort();
        Console.WriteLine($"rewrite MLP training graph (warm): median {times[times.Count / 2]:F2} ms, min {times[0]:F2} ms   (target: < 5 ms)");
    }
}
