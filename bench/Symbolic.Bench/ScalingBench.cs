using System.Diagnostics;
using Symbolic;
using Symbolic.CodeGen;
using Symbolic.CodeGen.Cpu;
using Symbolic.CodeGen.Cpu.Compile;
using Symbolic.CodeGen.Cpu.Render;
using Symbolic.Rewrite.Engine;

namespace Symbolic.Bench;

/// <summary>
/// Compile time against graph size, phase by phase: chains of <c>y = tanh(y) * 0.5 + x</c> links
/// (three nodes a link) and their gradients, from 1,000 to 100,000 nodes, each compiled once in a
/// warm process with the disk cache off, so every row is real work. Each phase is its own column
/// (building the graph or differentiating it, rewriting, the schedule, the lowering (kernel and
/// buffer plans), rendering C#, Roslyn), so a phase that grows faster than the graph shows in its
/// column: the time should grow with the nodes and no faster (targets: a 9,000-node chain under
/// 1.5 s, and its gradient too; ten times the nodes at most about ten times the time).
/// <para>
/// The phases are the ones <c>Function.Compile</c> runs, called one by one through the public types
/// of the lowering and the C# backend (the one place besides <c>rewrite</c> that reaches past the
/// facade), so their sum is what a compile costs.
/// </para>
/// </summary>
public static class ScalingBench
{
    private static readonly int[] Links = [333, 1000, 3000, 10000, 33334];

    public static void Run(string[] args)
    {
        Environment.SetEnvironmentVariable("SYMBOLIC_DISK_CACHE", "0");
        var links = args.Length > 0 ? args.Select(int.Parse).ToArray() : Links;
        Warm();
        Console.WriteLine("| graph | links | nodes | build | rewrite | schedule | lower | render | Roslyn | compile (sum) | ms per 1,000 nodes | kernels | source |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var n in links)
        {
            var sw = Stopwatch.StartNew();
            var (x, y) = Chain(n);
            double buildMs = sw.Elapsed.TotalMilliseconds;
            Row("chain", n, x, y, buildMs);
            sw.Restart();
            var g = T.Grad(T.Sum(y), x);
            double gradMs = sw.Elapsed.TotalMilliseconds;
            Row("gradient", n, x, g, gradMs);
            Console.Out.Flush();
        }
        Console.WriteLine();
        Console.WriteLine("build: the chain built with T's operators; for the gradient, T.Grad of sum(chain) (differentiation). nodes: the graph's as built.");
        Console.WriteLine("compile (sum): rewrite + schedule + lower + render + Roslyn, what Function.Compile costs; ms per 1,000 nodes: that sum over the nodes (flat when linear).");
    }

    /// <summary>
    /// A warm process: every phase run a few times on small chains (each a new program), so that
    /// the runtime's tiered compilation has optimized the library's code and Roslyn's.
    /// </summary>
    private static void Warm()
    {
        for (int i = 0; i < 8; i++)
        {
            var (x, y) = Chain(50 + i);
            Phases(x, y);
            Phases(x, T.Grad(T.Sum(y), x));
        }
    }

    private static void Row(string what, int links, Variable x, Variable output, double buildMs)
    {
        int nodes = GraphWalk.TopologicalOrder([output]).Count;
        var p = Phases(x, output);
        double sum = p.Rewrite + p.Schedule + p.Lower + p.Render + p.Roslyn;
        Console.WriteLine(
            $"| {what} | {links} | {nodes} | {Ms(buildMs)} | {Ms(p.Rewrite)} | {Ms(p.Schedule)} | {Ms(p.Lower)} | {Ms(p.Render)} | {Ms(p.Roslyn)} | {Ms(sum)} | {sum * 1000 / nodes:F1} | {p.Kernels} | {p.SourceChars / 1024.0:F0} KB |");
    }

    private static string Ms(double ms) => ms >= 100 ? $"{ms:F0} ms" : $"{ms:F1} ms";

    private record struct PhaseTimes(double Rewrite, double Schedule, double Lower, double Render, double Roslyn, int Kernels, int SourceChars, long Linked = 0);

    /// <summary>A chain's phases with every kernel compiled (no linking to the warm-up's kernels): the cost of a chain the process has not seen.</summary>
    private static PhaseTimes Phases(Variable x, Variable output) => Phases([x], [output], link: false);

    /// <summary>
    /// The phases of compiling new training graphs (2 to 5 hidden layers, as the quick runner's
    /// "new graph" row) in a warm process: where the milliseconds of a new graph go. Their kernels
    /// are those of the graphs compiled first, so Roslyn compiles Run and links the kernels (the
    /// "linked" column); <c>SYMBOLIC_LINK_KERNELS=0</c> compiles every kernel instead.
    /// </summary>
    public static void TrainingGraphs()
    {
        Environment.SetEnvironmentVariable("SYMBOLIC_DISK_CACHE", "0");
        for (int i = 0; i < 8; i++) Training(new TrainingStep(8, [20, .. Enumerable.Repeat(16, 6 + i), 5], 0.1, 900 + i));
        Console.WriteLine("| hidden layers | nodes | rewrite | schedule | lower | render | Roslyn | compile (sum) | kernels | linked | source |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int hidden = 2; hidden <= 5; hidden++)
        {
            var step = new TrainingStep(8, [20, .. Enumerable.Repeat(16, hidden), 5], 0.1, 300 + hidden);
            var (nodes, p) = Training(step);
            double sum = p.Rewrite + p.Schedule + p.Lower + p.Render + p.Roslyn;
            Console.WriteLine($"| {hidden} | {nodes} | {Ms(p.Rewrite)} | {Ms(p.Schedule)} | {Ms(p.Lower)} | {Ms(p.Render)} | {Ms(p.Roslyn)} | {Ms(sum)} | {p.Kernels} | {p.Linked} | {p.SourceChars / 1024.0:F0} KB |");
        }
    }

    private static (int Nodes, PhaseTimes Times) Training(TrainingStep step)
    {
        var all = step.Outputs.Concat(step.Updates.Select(u => u.Item2)).ToArray();
        return (GraphWalk.TopologicalOrder(all).Count, Phases(step.Inputs.ToArray(), all, link: true));
    }

    /// <param name="link">Compile as Function.Compile does, calling the kernels compiled before; false: the whole source, every kernel compiled.</param>
    private static PhaseTimes Phases(Variable[] inputs, Variable[] outputs, bool link)
    {
        var sw = Stopwatch.StartNew();
        var (optimized, _) = Rulebook.Engine.Run(outputs);
        double rewrite = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var schedule = new Schedule(inputs, optimized);
        double scheduleMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var buffers = CpuProgram.Lower(schedule);
        double lower = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var rendered = CSharpRenderer.Render(buffers);
        double render = sw.Elapsed.TotalMilliseconds;
        long linked = RoslynCompiler.KernelsLinked;
        sw.Restart();
        if (link) RoslynCompiler.Load(rendered);
        else RoslynCompiler.Load(rendered.Source);
        double roslyn = sw.Elapsed.TotalMilliseconds;
        return new PhaseTimes(rewrite, scheduleMs, lower, render, roslyn, rendered.Kernels.Count, rendered.Source.Length, RoslynCompiler.KernelsLinked - linked);
    }

    private static (Variable X, Variable Y) Chain(int links)
    {
        var x = T.Vector("x");
        Variable y = x;
        for (int i = 0; i < links; i++) y = T.Tanh(y) * 0.5 + x;
        return (x, y);
    }
}
