using System.Diagnostics;
using Symbolic.CodeGen.Cuda.Runtime;

namespace Symbolic.GpuRunner.Bench;

/// <summary>One benchmark line: what was measured, our figure, the baseline's, and the target ratio.</summary>
public sealed record BenchResult(string Name, string Ours, string Baseline, double Ratio, double Target)
{
    public bool Met => Ratio >= Target;
}

/// <summary>
/// The GPU numbers of DESIGN.md, each measured against its baseline in the same run: fused
/// elementwise bandwidth against a device-to-device copy, GEMM against cuBLAS called directly,
/// and the MLP training step. The compiled functions write shared variables (updates, no outputs)
/// so that what is timed is the device work and the runtime's per-call overhead, not PCIe copies.
/// </summary>
public static class GpuBench
{
    public static IEnumerable<BenchResult> Run(TextWriter log)
    {
        yield return Elementwise(log);
        yield return Gemm(log);
        yield return MlpStep(log);
    }

    private static double Seconds(Action body, int reps)
    {
        body();
        CudaDevice.Default.Synchronize();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) body();
        CudaDevice.Default.Synchronize();
        return sw.Elapsed.TotalSeconds / reps;
    }

    /// <summary>tanh(x) * sigmoid(y) + exp(-x*x) over 2^26 float32: 3 arrays' traffic, against a copy's 2.</summary>
    public static BenchResult Elementwise(TextWriter log)
    {
        const int n = 1 << 26;
        var rng = new Random(1);
        var x = T.Shared(NDArray.From(Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray()), "x");
        var y = T.Shared(NDArray.From(Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray()), "y");
        var z = T.Shared(NDArray.Zeros(DType.Float32, n), "z");
        using var f = Function.Compile([], [], [(z, T.Tanh(x) * T.Sigmoid(y) + T.Exp(-x * x))], new CompileOptions { Device = Device.Cuda });
        double fused = Seconds(() => f.Invoke(), 50);
        var device = CudaDevice.Default;
        using var a = device.Allocate(DType.Float32, n);
        using var b = device.Allocate(DType.Float32, n);
        using var stream = device.CreateStream();
        double copy = Seconds(() => { stream.Copy(b.Pointer, a.Pointer, 4L * n); stream.Synchronize(); }, 50);
        double fusedGBs = 3.0 * 4 * n / fused / 1e9, copyGBs = 2.0 * 4 * n / copy / 1e9;
        log.WriteLine($"  elementwise: fused {fused * 1e3:F3} ms ({fusedGBs:F0} GB/s), copy {copy * 1e3:F3} ms ({copyGBs:F0} GB/s)");
        return new("fused elementwise, 2^26 float32 (GB/s)", $"{fusedGBs:F0}", $"{copyGBs:F0} (D2D copy)", fusedGBs / copyGBs, 0.8);
    }

    /// <summary>A 4096 x 4096 x 4096 float32 product through a compiled function, against cublasSgemm on the same buffers' sizes.</summary>
    public static BenchResult Gemm(TextWriter log)
    {
        const int n = 4096;
        var rng = new Random(2);
        NDArray M() => NDArray.From(Enumerable.Range(0, n * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), n, n);
        var a = T.Shared(M(), "a");
        var b = T.Shared(M(), "b");
        var c = T.Shared(NDArray.Zeros(DType.Float32, n, n), "c");
        using var f = Function.Compile([], [], [(c, T.Dot(a, b))], new CompileOptions { Device = Device.Cuda });
        double ours = Seconds(() => f.Invoke(), 20);
        var device = CudaDevice.Default;
        using var da = device.Allocate(DType.Float32, (long)n * n);
        using var db = device.Allocate(DType.Float32, (long)n * n);
        using var dc = device.Allocate(DType.Float32, (long)n * n);
        using var stream = device.CreateStream();
        using var blas = new CublasContext(stream);
        double direct = Seconds(() => { blas.RowMajorGemm(DType.Float32, n, n, n, 1, da.Pointer, db.Pointer, 0, dc.Pointer); stream.Synchronize(); }, 20);
        double flop = 2.0 * n * n * n;
        log.WriteLine($"  gemm: ours {ours * 1e3:F3} ms ({flop / ours / 1e12:F1} TFLOP/s), cuBLAS {direct * 1e3:F3} ms ({flop / direct / 1e12:F1} TFLOP/s)");
        return new("GEMM 4096^3 float32 (TFLOP/s)", $"{flop / ours / 1e12:F1}", $"{flop / direct / 1e12:F1} (cuBLAS)", direct / ours, 0.9);
    }

    /// <summary>The MLP training step (256x784 -> 1024 -> 1024 -> 10, relu, softmax cross-entropy, SGD), inputs copied up every step, against the CPU backend.</summary>
    public static BenchResult MlpStep(TextWriter log)
    {
        var (gpu, xs, ys) = Mlp(Device.Cuda);
        using var _ = gpu;
        double onGpu = Seconds(() => gpu.Invoke(xs, ys), 200);
        double onCpu;
        try
        {
            var (cpu, _, _) = Mlp(Device.Cpu);
            onCpu = Seconds(() => cpu.Invoke(xs, ys), 3);
        }
        catch (Exception e)
        {
            // The CPU backend compiles C# with Roslyn, which needs the framework's reference assemblies on disk (not in a single file).
            log.WriteLine($"  mlp step: GPU {onGpu * 1e3:F3} ms; CPU backend unavailable here ({e.GetType().Name})");
            return new("MLP step 256x784-1024-1024-10 (ms)", $"{onGpu * 1e3:F3}", "n/a (no CPU backend in this build)", double.NaN, 1);
        }
        log.WriteLine($"  mlp step: GPU {onGpu * 1e3:F3} ms, CPU {onCpu * 1e3:F1} ms");
        return new("MLP step 256x784-1024-1024-10 (ms)", $"{onGpu * 1e3:F3}", $"{onCpu * 1e3:F1} (CPU backend)", onCpu / onGpu, 1);
    }

    private static (Function Train, NDArray X, NDArray Y) Mlp(Device device)
    {
        var rng = new Random(3);
        float U(double s) => (float)((rng.NextDouble() * 2 - 1) * s);
        SharedVariable W(int i, int o, string name) => T.Shared(NDArray.From(Enumerable.Range(0, i * o).Select(_ => U(Math.Sqrt(6.0 / (i + o)))).ToArray(), i, o), name);
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = W(784, 1024, "w1");
        var w2 = W(1024, 1024, "w2");
        var w3 = W(1024, 10, "w3");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(T.Relu(T.Dot(x, w1)), w2)), w3)), y));
        var g = T.Grad(loss, w1, w2, w3);
        var train = Function.Compile([x, y], [loss], [(w1, w1 - 0.01 * g[0]), (w2, w2 - 0.01 * g[1]), (w3, w3 - 0.01 * g[2])], new CompileOptions { Device = device });
        var xs = NDArray.From(Enumerable.Range(0, 256 * 784).Select(_ => (float)rng.NextDouble()).ToArray(), 256, 784);
        var ys = NDArray.From(Enumerable.Range(0, 256).Select(_ => (long)rng.Next(10)).ToArray());
        return (train, xs, ys);
    }
}
