using BenchmarkDotNet.Attributes;

namespace Symbolic.Bench.Benchmarks;

/// <summary>The seed network's SGD step (32x500 -> 50 -> 5).</summary>
[MemoryDiagnoser]
public class SeedStepBenchmarks
{
    private TrainingStep step = null!;
    private Function train = null!;

    [GlobalSetup]
    public void Setup()
    {
        step = TrainingStep.Seed();
        train = step.Compile();
    }

    [Benchmark]
    public float SeedStep() => step.Run(train);
}

/// <summary>The MLP's SGD step (256x784 -> 1024 -> 1024 -> 10).</summary>
[MemoryDiagnoser]
public class MlpStepBenchmarks
{
    private TrainingStep step = null!;
    private Function train = null!;

    [GlobalSetup]
    public void Setup()
    {
        step = TrainingStep.Mlp();
        train = step.Compile();
    }

    [Benchmark]
    public float MlpStep() => step.Run(train);
}
