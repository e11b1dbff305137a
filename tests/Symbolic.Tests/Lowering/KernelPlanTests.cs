using Symbolic.Tests.Backend;
using Symbolic.Tests.Infrastructure;

namespace Symbolic.Tests.Lowering;

/// <summary>
/// Fusion and buffer decisions: which nodes share a kernel and where each result is stored,
/// asserted for the cases that matter and pinned for representative graphs as snapshots
/// (snapshots/lowering/), every function also checked against the interpreter.
/// </summary>
public class KernelPlanTests
{
    private static readonly Random Rng = new(7);

    private static NDArray R(DType t, params int[] shape) => BackendHarness.Random(Rng, t, shape);

    [Fact]
    public void AChainOfADozenElementwiseOpsIsOneKernel()
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var e = T.Tanh(x) * T.Sigmoid(y) + T.Exp(-x * x);
        e = T.Maximum(T.Sqr(e) - 0.5 * y, T.Abs(x)) / (1 + T.Softplus(y));
        var f = Function.Compile([x, y], [e]);
        Assert.Single(f.Kernels);
        Assert.Contains("VM.Tanh", f.Kernels[0].Source);
        BackendHarness.AgreesWithInterpreter([x, y], [e], [R(DType.Float32, 5, 13), R(DType.Float32, 5, 13)]);
    }

    [Fact]
    public void BroadcastOperandsFuseAndCheapWorkOnThemIsRecomputed()
    {
        var x = T.Matrix("x");
        var b = T.Vector("b");
        var f = Function.Compile([x, b], [T.Relu(x + b * 2)]);
        Assert.Single(f.Kernels);
        BackendHarness.AgreesWithInterpreter([x, b], [T.Relu(x + b * 2)], [R(DType.Float32, 4, 9), R(DType.Float32, 9)]);
    }

    [Fact]
    public void AnExpensiveValueOverASmallerSpaceIsComputedOnceNotPerRow()
    {
        var x = T.Matrix("x");
        var b = T.Vector("b");
        var f = Function.Compile([x, b], [x * T.Exp(b)]);
        Assert.Equal(2, f.Kernels.Count);
        Assert.Contains(f.Kernels, k => k.Source.Contains("VM.Exp") && k.Source.Contains("rank 1"));
    }

    [Fact]
    public void AValueSeveralKernelsReadIsComputedOnce()
    {
        var x = T.Matrix("x");
        var e = T.Exp(x);
        var outs = new[] { e * 2, e + 1 };
        var f = Function.Compile([x], outs);
        Assert.Equal(3, f.Kernels.Count);
        Assert.Single(f.Kernels, k => k.Source.Contains("VM.Exp"));
        BackendHarness.AgreesWithInterpreter([x], outs, [R(DType.Float32, 3, 17)]);
    }

    [Fact]
    public void BroadcastHelpersNeverMaterialize()
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var outs = new[] { T.OnesLike(x) * y, T.ZerosLike(x) + y };
        var f = Function.Compile([x, y], outs, options: new CompileOptions { Optimize = false });
        Assert.Equal(2, f.Kernels.Count);
        BackendHarness.AgreesWithInterpreter([x, y], outs, [R(DType.Float32, 3, 4), R(DType.Float32, 3, 4)]);
    }

    [Fact]
    public void ScratchBuffersAreReusedAndKernelsWriteInPlace()
    {
        // Each tanh is read by a reduction and by the subtraction after it, so it is stored; each
        // stored value dies two steps later, and its buffer serves again.
        var x = T.Matrix("x");
        Variable h = x;
        for (int i = 0; i < 6; i++)
        {
            var t = T.Tanh(h) * 1.5;
            h = t - T.Max(t, 1, keepDims: true);
        }
        var r = T.Sum(h * h);
        var f = Function.Compile([x], [r]);
        var lines = f.KernelPlan.Split('\n');
        int pooled = lines.Count(l => l.Contains("[") && l.Contains("buffer "));
        int buffers = int.Parse(lines.Single(l => l.Contains("scratch buffer")).Split(", ")[1].Split(' ')[0]);
        Assert.True(pooled >= 12, f.KernelPlan);
        Assert.True(buffers <= 4, f.KernelPlan);
        for (int i = 0; i < 3; i++)
            BackendHarness.AgreesWithInterpreter([x], [r], [R(DType.Float32, 4 + i, 33)]);
    }

    [Fact]
    public void AReductionComputesItsElementwiseInputInPlaceOfReadingIt()
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var r = T.Sum(T.Exp(x - y) * 2, 1);
        var f = Function.Compile([x, y], [r]);
        Assert.Single(f.Kernels);
        Assert.Contains("sum{axes=[1]} of", f.KernelPlan);
        BackendHarness.AgreesWithInterpreter([x, y], [r, T.Max(T.Abs(x) + y, 0), T.Argmax(x * y, 1), T.Mean(T.Sqr(x), [0, 1])],
            [R(DType.Float32, 5, 7), R(DType.Float32, 5, 7)]);
    }

    [Fact]
    public void BuffersFollowTheShapesOfEachCall()
    {
        var x = T.Matrix("x");
        var h = T.Exp(x);
        var r = T.Sum(h / T.Sum(h, 1, keepDims: true) * 3, 0);
        var f = Function.Compile([x], [r]);
        foreach (var shape in new[] { new[] { 3, 4 }, [100, 50], [3, 4], [1, 1], [0, 5], [64, 9] })
        {
            var v = R(DType.Float32, shape);
            var expected = Interpreter.Evaluate([r], new Dictionary<Variable, NDArray> { [x] = v })[0];
            BackendHarness.AssertClose(expected, f.Invoke(v)[0]);
        }
    }

    [Fact]
    public void StorageThatIsNotZeroedIsAlwaysWrittenWhole()
    {
        // Results are allocated without zeroing and scratch buffers keep old values: a product over
        // an empty dimension, a sum over an empty axis and a gradient of take must still write zeros.
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var outs = new[] { T.Dot(a, b), T.Dot(a, b) * 2 + 1, T.Sum(a, 1), T.Sum(T.Exp(b), 0) };
        var f = Function.Compile([a, b], outs);
        for (int round = 0; round < 2; round++)
        {
            f.Invoke(R(DType.Float32, 3, 5), R(DType.Float32, 5, 4));   // leaves values in every buffer
            var empty = new[] { R(DType.Float32, 3, 0), R(DType.Float32, 0, 4) };
            var expected = Interpreter.Evaluate(outs, new Dictionary<Variable, NDArray> { [a] = empty[0], [b] = empty[1] });
            var got = f.Invoke(empty);
            for (int i = 0; i < outs.Length; i++) BackendHarness.AssertClose(expected[i], got[i]);
        }
    }

    [Fact]
    public void OutputsAreFreshArraysThatLaterCallsNeverOverwrite()
    {
        var x = T.Matrix("x");
        var h = T.Tanh(x) * 2;
        var f = Function.Compile([x], [h, T.Sum(h, 1)]);
        var first = f.Invoke(NDArray.From(new float[] { 1, 2, 3, 4 }, 2, 2));
        var before = first[0].ToArray<float>();
        f.Invoke(NDArray.From(new float[] { 9, 9, 9, 9 }, 2, 2));
        Assert.Equal(before, first[0].ToArray<float>());
    }

    [Fact]
    public void WithoutFusionEveryNodeIsAKernelAndTheResultsAgree()
    {
        var x = T.Matrix("x");
        var y = T.Matrix("y");
        var e = T.Tanh(x) * T.Sigmoid(y) + T.Exp(T.Abs(x) * x);
        var f = Function.Compile([x, y], [e], options: new CompileOptions { Fusion = false });
        Assert.Equal(7, f.KernelPlan.Split('\n').Count(l => l.StartsWith('K')));
        Assert.Equal(6, f.Kernels.Count);   // the two products are one kernel, called twice
        var v = new[] { R(DType.Float32, 6, 5), R(DType.Float32, 6, 5) };
        BackendHarness.AssertClose(Function.Compile([x, y], [e]).Invoke(v)[0], f.Invoke(v)[0]);
    }

    [Fact]
    public void ANodeWhoseOnlyUseIsItsShapeRunsNoKernel()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        var n = T.Arange(T.Shape(T.Dot(a, b), 0));
        var f = Function.Compile([a, b], [n * 2]);
        Assert.DoesNotContain(f.Kernels, k => k.Name.Contains("dot"));
        var r = f.Invoke(R(DType.Float32, 3, 4), R(DType.Float32, 4, 2))[0];
        Assert.Equal(new long[] { 0, 2, 4 }, r.ToArray<long>());
    }

    [Fact]
    public void StepsThatComputeAlikeShareOneKernel()
    {
        // Forty links of a chain are as many fused steps of the same shape: one method serves them all.
        var x = T.Vector("x");
        Variable y = x;
        for (int i = 0; i < 40; i++)
        {
            y = T.Tanh(y) * 0.5 + x;
            y = y - T.Max(y);   // a reduction between links keeps each link its own kernel
        }
        var f = Function.Compile([x], [y]);
        int steps = f.KernelPlan.Split('\n').Count(l => l.StartsWith('K'));
        Assert.True(steps >= 80, f.KernelPlan);
        Assert.True(f.Kernels.Count <= 4, string.Join(", ", f.Kernels.Select(k => k.Name)));
        BackendHarness.AgreesWithInterpreter([x], [y], [R(DType.Float32, 11)]);
    }

    public static TheoryData<string> Graphs => new(PlanGraphs.Names);

    [Theory]
    [MemberData(nameof(Graphs))]
    public void PlanSnapshot(string name)
    {
        var (inputs, outputs, updates) = PlanGraphs.Build(name);
        var f = Function.Compile(inputs, outputs, updates);
        Snapshot.Match($"lowering/{name}", $"== optimized ==\n{f.DebugPrint()}== plan ==\n{f.KernelPlan}");
    }
}

/// <summary>Representative graphs whose lowering is pinned by snapshots.</summary>
public static class PlanGraphs
{
    public static readonly string[] Names = ["elementwise-chain", "dense-relu", "softmax-crossentropy-grad", "seed-training-step", "mlp-training-step"];

    public static (Variable[] Inputs, Variable[] Outputs, (SharedVariable, Variable)[] Updates) Build(string name)
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        switch (name)
        {
            case "elementwise-chain":
            {
                var z = T.Matrix("z");
                return ([x, z], [T.Tanh(x) * T.Sigmoid(z) + T.Exp(-x * x)], []);
            }
            case "dense-relu":
            {
                var w = T.Matrix("w");
                var b = T.Vector("b");
                return ([x, w, b], [T.Relu(T.Dot(x, w) + b)], []);
            }
            case "softmax-crossentropy-grad":
            {
                var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
                return ([x, y], [loss, T.Grad(loss, x)], []);
            }
            case "seed-training-step":
                return Training(x, y, [500, 50, 5]);
            case "mlp-training-step":
                return Training(x, y, [784, 1024, 1024, 10]);
            default:
                throw new ArgumentException(name);
        }
    }

    private static (Variable[], Variable[], (SharedVariable, Variable)[]) Training(Variable x, Variable y, int[] sizes)
    {
        var ps = new List<SharedVariable>();
        Variable h = x;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            var w = T.Shared(NDArray.Zeros(DType.Float32, sizes[l], sizes[l + 1]), $"w{l}");
            var b = T.Shared(NDArray.Zeros(DType.Float32, sizes[l + 1]), $"b{l}");
            ps.Add(w);
            ps.Add(b);
            h = T.Dot(h, w) + b;
            if (l + 2 < sizes.Length) h = T.Relu(h);
        }
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(h), y));
        var g = T.Grad(loss, ps.Cast<Variable>().ToArray());
        return ([x, y], [loss], ps.Select((p, i) => (p, p - 0.1 * g[i])).ToArray());
    }
}
