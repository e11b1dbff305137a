using BenchmarkDotNet.Attributes;

namespace Symbolic.Bench.Benchmarks;

/// <summary><c>tanh(x)*sigmoid(y) + exp(-x*x)</c> on 1e7 float32: fused, the hand loop (baseline), op by op.</summary>
[MemoryDiagnoser]
public class ElementwiseChainBenchmarks
{
    private ElementwiseChain data = null!;
    private Function fused = null!, opByOp = null!;

    [GlobalSetup]
    public void Setup()
    {
        data = new ElementwiseChain();
        fused = ElementwiseChain.Compile();
        opByOp = ElementwiseChain.Compile(new CompileOptions { Optimize = false, Fusion = false });
    }

    [Benchmark(Baseline = true)]
    public float[] HandLoop() => HandLoops.Chain(data.X, data.Y);

    [Benchmark]
    public NDArray Fused() => data.Run(fused);

    [Benchmark]
    public NDArray OpByOp() => data.Run(opByOp);
}
