using System.Diagnostics;

namespace Symbolic.Bench;

/// <summary>
/// The <c>seed</c> command: where a call of the seed training step goes. Prints the kernel plan,
/// then the best and median per-call time over short batches (the minimum is the figure least
/// disturbed by other processes), bytes a call, and, with <c>--profile</c>, the per-kernel table.
/// </summary>
public static class SeedProbe
{
    public static void Run(string[] args)
    {
        bool profile = args.Contains("--profile");
        bool plan = args.Contains("--plan");
        var step = TrainingStep.Seed();
        var f = step.Compile(profile ? new CompileOptions { Profile = true } : null);
        if (plan)
        {
            Console.WriteLine(f.KernelPlan);
            Console.WriteLine(f.Source);
        }
        for (int i = 0; i < 200; i++) step.Run(f);
        var per = new List<double>();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        long bytes0 = GC.GetTotalAllocatedBytes(true);
        int calls = 0;
        for (int b = 0; b < 60; b++)
        {
            var sw = Stopwatch.StartNew();
            for (int c = 0; c < 50; c++) step.Run(f);
            per.Add(sw.Elapsed.TotalMilliseconds * 1000 / 50);
            calls += 50;
        }
        long bytes = GC.GetTotalAllocatedBytes(true) - bytes0;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds * 1000 / calls;
        per.Sort();
        Console.WriteLine($"seed step: min {per[0]:F1} us, median {per[per.Count / 2]:F1} us, CPU time {cpu:F1} us a call (all threads; steadier than wall time on a loaded machine), {bytes / (double)calls / 1024:F1} KB a call, {f.Kernels.Count} kernels");
        if (profile) Console.WriteLine(f.Profile);
    }
}

/// <summary>The <c>seed-gemm</c> command: the seed step's product shapes, each with the library's BLAS and the managed GEMM, best of batches.</summary>
public static class SeedGemmProbe
{
    public static void Run()
    {
        var x = NDArray.From(SeededData.Uniform(1, 32 * 500, 0, 1), 32, 500);
        var w = NDArray.From(SeededData.Uniform(2, 500 * 50, 0, 1), 500, 50);
        var d = NDArray.From(SeededData.Uniform(3, 32 * 50, 0, 1), 32, 50);
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var fwd = Function.Compile([a, b], [T.Dot(a, b)]);
        var tr = Function.Compile([a, b], [T.Dot(a.Transpose(), b)]);
        foreach (var managed in new[] { false, true })
        {
            using var scope = Symbolic.CodeGen.Cpu.Runtime.Blas.UseManaged(managed);
            Console.WriteLine($"{(managed ? "managed" : Symbolic.CodeGen.Cpu.Runtime.Blas.Provider)}: x·w {Best(() => fwd.Invoke(x, w)):F1} us, x.T·d {Best(() => tr.Invoke(x, d)):F1} us");
        }
    }

    private static double Best(Action run)
    {
        for (int i = 0; i < 100; i++) run();
        double best = double.MaxValue;
        for (int r = 0; r < 40; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int c = 0; c < 20; c++) run();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds * 1000 / 20);
        }
        return best;
    }
}
