using System.Diagnostics;

namespace Symbolic.Bench;

/// <summary>
/// The quick side-by-side runner: each section measures Symbolic and its reference in the same
/// run (interleaved, warmed up, median of rounds) and adds Markdown rows; a section that fails
/// adds a note and the others go on. Progress goes to stderr, the report to stdout.
/// </summary>
public sealed class QuickRunner
{
    private readonly ReportTable table = new();

    /// <summary>Symbolic's own figures, kept for the PyTorch ratios.</summary>
    private double chainMs = double.NaN, seedMs = double.NaN, mlpMs = double.NaN;

    public static void Run(bool elementwise, bool steps, bool gemm, bool compile, bool torch)
    {
        var q = new QuickRunner();
        Console.WriteLine("## Symbolic quick benchmark");
        Console.WriteLine();
        foreach (var line in MachineInfo.Lines()) Console.WriteLine(line);
        Console.WriteLine();
        var total = Stopwatch.StartNew();
        if (elementwise)
        {
            q.Section("elementwise chain", q.ElementwiseChain);
            q.Section("(x*2+1)*3 - x", q.Affine);
        }
        if (steps)
        {
            q.Section("seed step", q.SeedStep);
            q.Section("MLP step", q.MlpStep);
        }
        if (gemm) q.Section("GEMM", () => GemmRunner.Report(q.table));
        if (compile) q.Section("compile", () => CompileTimes.Report(q.table));
        if (torch) q.Section("PyTorch", q.Torch);
        q.table.Write(Console.Out);
        Console.WriteLine();
        Console.WriteLine($"(measured in {total.Elapsed.TotalSeconds:F0} s, load average at the end {MachineInfo.LoadAverage()}; medians of interleaved rounds after warm-up; bytes from GC.GetTotalAllocatedBytes)");
    }

    private void Section(string name, Action body)
    {
        Console.Error.Write($"[bench] {name} ... ");
        // Each section starts from a collected, compacted heap: the elementwise sections leave
        // hundreds of megabytes of large arrays behind, and the background collections they set
        // off took a core from the next section (the MLP step measured 28-32 ms after them, 15-20
        // ms on its own).
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var sw = Stopwatch.StartNew();
        try
        {
            body();
            Console.Error.WriteLine($"{sw.Elapsed.TotalSeconds:F1} s");
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("failed");
            table.Note($"{name}: failed with {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }

    private void ElementwiseChain()
    {
        const string s = "elementwise chain 1e7 f32";
        var w = new ElementwiseChain();
        var fused = Bench.ElementwiseChain.Compile();
        var opByOp = Bench.ElementwiseChain.Compile(new CompileOptions { Optimize = false, Fusion = false });
        var into = new float[Bench.ElementwiseChain.N];
        // Outputs into arrays the caller keeps (Function.Invoke(args, destinations)): no fresh 40 MB a call.
        var fusedOut = NDArray.Zeros(DType.Float32, Bench.ElementwiseChain.N);
        var opsOut = NDArray.Zeros(DType.Float32, Bench.ElementwiseChain.N);
        var check = HandLoops.MaxAbsDiff(w.Run(fused).ToArray<float>(), HandLoops.Chain(w.X, w.Y));
        if (!(check < 1e-4)) table.Note($"elementwise chain: Symbolic and the hand loop differ by up to {check:G3}");
        var t = Measure.Interleaved(
        [
            ("symbolic", () => w.Run(fused)),
            ("hand", () => HandLoops.Chain(w.X, w.Y)),
            ("hand-into", () => HandLoops.Chain(w.X, w.Y, into)),
            ("op-by-op", () => w.Run(opByOp)),
            ("symbolic-into", () => fused.Invoke([w.XArray, w.YArray], [fusedOut])),
            ("op-by-op-into", () => opByOp.Invoke([w.XArray, w.YArray], [opsOut])),
        ], rounds: 5, budgetSeconds: 30);
        var (sym, hand, handInto, ops, symInto, opsInto) = (t[0], t[1], t[2], t[3], t[4], t[5]);
        chainMs = sym.MedianMs;
        table.Add(s, new ReportRow($"Symbolic ({fused.Kernels.Count} kernels)", ReportTable.Ms(sym.MedianMs), ReportTable.Bytes(sym.BytesPerCall) + " a call"));
        table.Add(s, new ReportRow($"hand loop, Vector256, {Environment.ProcessorCount} cores, fresh output (reference)", ReportTable.Ms(hand.MedianMs), ReportTable.Bytes(hand.BytesPerCall) + " a call"));
        table.Add(s, new ReportRow("hand loop into a preallocated output (floor)", ReportTable.Ms(handInto.MedianMs)));
        table.Add(s, new ReportRow($"op by op, no rewriting, no fusion ({opByOp.Kernels.Count} kernels)", ReportTable.Ms(ops.MedianMs), ReportTable.Bytes(ops.BytesPerCall) + " a call"));
        table.Add(s, new ReportRow("Symbolic into a kept output (Invoke with destinations)", ReportTable.Ms(symInto.MedianMs), ReportTable.Bytes(symInto.BytesPerCall) + " a call"));
        table.Add(s, new ReportRow("op by op into a kept output", ReportTable.Ms(opsInto.MedianMs), ReportTable.Bytes(opsInto.BytesPerCall) + " a call"));
        double r1 = sym.MedianMs / hand.MedianMs, r2 = ops.MedianMs / sym.MedianMs, r3 = opsInto.MedianMs / symInto.MedianMs;
        double r4 = symInto.MedianMs / handInto.MedianMs;
        table.Add(s, new ReportRow("**Symbolic / hand loop**", "", "", ReportTable.X(r1), "<= 1.25", r1 <= 1.25));
        table.Add(s, new ReportRow("Symbolic / hand loop, both into kept outputs", "", "", ReportTable.X(r4), "", null));
        table.Add(s, new ReportRow("op-by-op / Symbolic, fresh outputs", "", "", ReportTable.X(r2), "", null));
        table.Add(s, new ReportRow("**op-by-op / Symbolic**, both into kept outputs", "", "", ReportTable.X(r3), ">= 3", r3 >= 3));
    }

    private void Affine()
    {
        const string s = "(x*2+1)*3 - x, 4M f32";
        var w = new AffineChain();
        var f = AffineChain.Compile();
        var check = HandLoops.MaxAbsDiff(w.Run(f).ToArray<float>(), HandLoops.Affine(w.X));
        if (!(check < 1e-5)) table.Note($"(x*2+1)*3 - x: Symbolic and the hand loop differ by up to {check:G3}");
        var t = Measure.Interleaved([("symbolic", () => w.Run(f)), ("hand", () => HandLoops.Affine(w.X))], rounds: 7, budgetSeconds: 15);
        table.Add(s, new ReportRow($"Symbolic ({f.Kernels.Count} kernels)", ReportTable.Ms(t[0].MedianMs), $"hand loop {ReportTable.Ms(t[1].MedianMs)}", ReportTable.X(t[0].MedianMs / t[1].MedianMs)));
        table.Add(s, new ReportRow("bytes allocated a call", ReportTable.Bytes(t[0].BytesPerCall), $"hand loop {ReportTable.Bytes(t[1].BytesPerCall)}", ReportTable.X(t[0].BytesPerCall / t[1].BytesPerCall)));
    }

    private void SeedStep()
    {
        const string s = "seed step 32x500->50->5";
        var w = TrainingStep.Seed();
        var f = w.Compile();
        var t = Measure.Single("seed", () => w.Run(f), rounds: 9, budgetSeconds: 15);
        seedMs = t.MedianMs;
        table.Add(s, new ReportRow($"time a step ({f.Kernels.Count} kernels)", ReportTable.Us(t.MedianMs), "PyTorch: see below", "", "<= 0.5x PyTorch"));
        table.Add(s, new ReportRow("bytes allocated a step", ReportTable.Bytes(t.BytesPerCall), "", "", "<= 2 MB", t.BytesPerCall <= 2 << 20));
    }

    private void MlpStep()
    {
        const string s = "MLP step 256x784->1024->1024->10";
        var w = TrainingStep.Mlp();
        var f = w.Compile();
        var t = Measure.Single("mlp", () => w.Run(f), rounds: 15, minRoundMs: 100, budgetSeconds: 12);
        mlpMs = t.MedianMs;
        table.Add(s, new ReportRow($"time a step ({f.Kernels.Count} kernels)", ReportTable.Ms(t.MedianMs), "PyTorch: see below", "", "<= 1.0x PyTorch"));
        table.Add(s, new ReportRow("bytes allocated a step", ReportTable.Bytes(t.BytesPerCall), "", "", "<= 2 MB", t.BytesPerCall <= 2 << 20));
    }

    private void Torch()
    {
        const string s = "PyTorch eager, CPU";
        var (timings, info) = TorchComparison.Run();
        table.Note(info);
        if (timings is null) return;
        void Ratio(string workload, string what, double mine, Func<double, string> format, string target, double? limit)
        {
            if (double.IsNaN(mine)) return; // that section did not run
            if (!timings.TryGetValue(workload, out var t)) { table.Note($"PyTorch: no result for {workload}"); return; }
            double r = mine / t.MedianMs;
            table.Add(s, new ReportRow($"**Symbolic / PyTorch**, {what}", format(mine), $"PyTorch {format(t.MedianMs)} ({t.Threads} thread{(t.Threads == 1 ? "" : "s")})",
                ReportTable.X(r), target, limit is { } l ? r <= l : null));
        }
        Ratio("seed_step", "seed step", seedMs, ReportTable.Us, "<= 0.5", 0.5);
        Ratio("mlp_step", "MLP step", mlpMs, ReportTable.Ms, "<= 1.0", 1.0);
        Ratio("chain", "elementwise chain 1e7", chainMs, ReportTable.Ms, "", null);
    }
}
