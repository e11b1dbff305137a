using BenchmarkDotNet.Attributes;

namespace Symbolic.Bench.Benchmarks;

/// <summary>
/// <c>dot(a, b)</c> of n x n float32 through a compiled Function, with the provider the library
/// picks (set <c>SYMBOLIC_BLAS=managed</c> in the environment to measure the managed path).
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private Gemm data = null!;
    private Function dot = null!;

    [Params(512, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        data = new Gemm(N);
        dot = Gemm.Compile();
    }

    [Benchmark]
    public NDArray Dot() => data.Run(dot);
}
