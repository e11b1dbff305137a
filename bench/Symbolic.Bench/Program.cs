// Benchmarks of Symbolic (not tests). Run from the repository root:
//   dotnet run -c Release --project bench/Symbolic.Bench -- <command>
// Commands (see bench/README.md):
//   quick        every side-by-side ratio below, as one Markdown table
//   elementwise  the fused chain and (x*2+1)*3 - x against hand loops
//   steps        the seed and MLP training steps, and PyTorch where it is installed
//   gemm-only    GEMM GFLOP/s with the provider the library picks (SYMBOLIC_BLAS decides)
//   compile      today's compile-time lines, then the compile rows (child processes, disk cache)
//   rewrite      rewriting the MLP training graph
//   scaling [links...]  compile time against graph size, phase by phase (chains and their gradients)
//   compile-phases  where a new training graph's compile time goes, phase by phase
//   all          rewrite + compile, then quick
//   seed [--plan] [--profile]  the seed step alone: plan, best/median time a call, per-kernel profile
//   bdn [filter] BenchmarkDotNet (BenchmarkSwitcher); other arguments go to it
using Symbolic.Bench;

var command = args.Length > 0 ? args[0] : "quick";
switch (command)
{
    case "quick":
        QuickRunner.Run(elementwise: true, steps: true, gemm: true, compile: true, torch: true);
        break;
    case "elementwise":
        QuickRunner.Run(elementwise: true, steps: false, gemm: false, compile: false, torch: false);
        break;
    case "steps":
        QuickRunner.Run(elementwise: false, steps: true, gemm: false, compile: false, torch: true);
        break;
    case "gemm-only":
        GemmRunner.PrintOnly();
        break;
    case "compile":
        CompileTimes.Legacy();
        QuickRunner.Run(elementwise: false, steps: false, gemm: false, compile: true, torch: false);
        break;
    case "compile-child":
        CompileTimes.Child();
        break;
    case "rewrite":
        RewriteBench.Run();
        break;
    case "scaling":
        ScalingBench.Run(args[1..]);
        break;
    case "compile-phases":
        ScalingBench.TrainingGraphs();
        break;
    case "all":
        RewriteBench.Run();
        CompileTimes.Legacy();
        QuickRunner.Run(elementwise: true, steps: true, gemm: true, compile: true, torch: true);
        break;
    case "seed":
        SeedProbe.Run(args[1..]);
        break;
    case "seed-gemm":
        SeedGemmProbe.Run();
        break;
    case "bdn":
        BdnRunner.Run(args[1..]);
        break;
    default:
        Console.Error.WriteLine($"unknown command '{command}': use quick, elementwise, steps, gemm-only, compile, rewrite, scaling, all, or bdn [filter]");
        return 2;
}
return 0;
