using Symbolic.Tests.Backend;
using Symbolic.Tests.Gradients;

namespace Symbolic.Tests.Lowering;

/// <summary>
/// The row steps for log-softmax and its gradient over the last axis: one kernel where the
/// lowering used six (max, shift, exp, sum, log, subtract) or three more for the gradient; the
/// same values as the interpreter on contiguous, transposed and sliced logits, every leading shape,
/// at sizes around the vector width and the threading threshold, float32 and float64; edge rows
/// (-inf, +inf, NaN, one column, empty); gradients still those of finite differences.
/// </summary>
public class RowLogSoftmaxTests
{
    private static int RowSteps(Function f, string routine) => f.Kernels.Count(k => k.Source.Contains(routine));

    private static int PlanKernels(Function f) => f.KernelPlan.Split('\n').Count(l => l.StartsWith('K'));

    [Fact]
    public void LogSoftmaxIsOneRowKernel()
    {
        var x = T.Matrix("x");
        var f = Function.Compile([x], [T.LogSoftmax(x)]);
        Assert.Single(f.Kernels);
        Assert.Contains("RowLogSoftmax.Into", f.Kernels[0].Source);
        Assert.Equal(1, PlanKernels(f));
    }

    [Fact]
    public void CrossEntropyAndItsGradientAreTwoRowKernels()
    {
        // The forward's exponentials and sums are read by the gradient: both row steps compute them,
        // none is stored.
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
        var f = Function.Compile([x, y], [loss, T.Grad(loss, x)]);
        Assert.Equal(1, RowSteps(f, "RowLogSoftmax.Into("));
        Assert.Equal(1, RowSteps(f, "RowLogSoftmax.GradInto("));
        Assert.DoesNotContain("= exp", f.KernelPlan);
        Assert.True(PlanKernels(f) <= 10, f.KernelPlan);
    }

    [Fact]
    public void WhereAnInnerNodeIsReadElsewhereTheNodesStay()
    {
        // The sum of exponentials is an output: the log-softmax cannot hide it.
        var x = T.Matrix("x");
        var lsm = T.LogSoftmax(x);
        var sum = T.Sum(T.Exp(lsm.Owner!.Inputs[0]), 1, keepDims: true);
        var f = Function.Compile([x], [lsm, sum]);
        Assert.Equal(0, RowSteps(f, "RowLogSoftmax"));
        BackendHarness.AgreesWithInterpreter([x], [lsm, sum], [BackendHarness.Random(new Random(1), DType.Float32, [4, 9])]);
    }

    [Fact]
    public void WithoutFusionThereIsNoRowStep()
    {
        var x = T.Matrix("x");
        var f = Function.Compile([x], [T.LogSoftmax(x)], options: new CompileOptions { Fusion = false });
        Assert.Equal(0, RowSteps(f, "RowLogSoftmax"));
    }

    public static TheoryData<int, DType> Lengths()
    {
        var data = new TheoryData<int, DType>();
        foreach (var t in new[] { DType.Float32, DType.Float64 })
            foreach (var n in new[] { 1, 3, 4, 7, 8, 9, 17, 33, 40, 257 })
                data.Add(n, t);
        return data;
    }

    /// <summary>Log-softmax and the gradient of a weighted sum of it, the cross-entropies with labels and with targets, of logits z.</summary>
    private static Variable[] Forms(Variable z, Variable w, Variable labels)
    {
        var ce = T.Mean(T.CategoricalCrossentropy(T.Softmax(z), labels));
        var onehot = T.Sum(T.CategoricalCrossentropy(T.Softmax(z), w));
        return [T.LogSoftmax(z), T.Grad(T.Sum(T.LogSoftmax(z) * w), z), ce, T.Grad(ce, z), onehot, T.Grad(onehot, z)];
    }

    private static NDArray Labels(Random rng, int rows, int n) =>
        NDArray.From(Enumerable.Range(0, rows).Select(_ => (long)rng.Next(n)).ToArray(), rows);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RowsOfEveryLengthAgreeWithTheInterpreter(int n, DType t)
    {
        var rng = new Random(n * 3 + (int)t);
        var x = T.Matrix("x", t);
        var w = T.Matrix("w", t);
        var y = T.Vector("y", DType.Int64);
        BackendHarness.AgreesWithInterpreter([x, w, y], Forms(x, w, y),
            [BackendHarness.Random(rng, t, [5, n], -10, 10), BackendHarness.Random(rng, t, [5, n]), Labels(rng, 5, n)]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void TransposedAndSlicedLogits(DType t)
    {
        var rng = new Random(21);
        var x = T.Matrix("x", t);
        var w = T.Matrix("w", t);
        var y = T.Vector("y", DType.Int64);
        var xt = x.Transpose();
        var part = x[1.., 2..];
        Variable[] outs = [.. Forms(xt, w, y), T.LogSoftmax(part), T.Grad(T.Sum(T.LogSoftmax(part) * part), x)];
        var f = Function.Compile([x, w, y], outs);
        Assert.True(RowSteps(f, "RowLogSoftmax") >= 2, f.KernelPlan);
        BackendHarness.AgreesWithInterpreter([x, w, y], outs,
            [BackendHarness.Random(rng, t, [19, 19], -5, 5), BackendHarness.Random(rng, t, [19, 19]), Labels(rng, 19, 19)]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LeadingDimensions(DType t)
    {
        var rng = new Random(23);
        var x = T.Tensor3("x", t);
        var w = T.Tensor3("w", t);
        var y = T.Matrix("y", DType.Int64);
        var xs = T.Transpose(x, 1, 0, 2);
        var labels = NDArray.From(Enumerable.Range(0, 12).Select(_ => (long)rng.Next(11)).ToArray(), 3, 4);
        BackendHarness.AgreesWithInterpreter([x, w, y], [.. Forms(x, w, y), T.LogSoftmax(xs), T.Grad(T.Sum(T.LogSoftmax(xs) * T.Transpose(w, 1, 0, 2)), x)],
            [BackendHarness.Random(rng, t, [3, 4, 11], -5, 5), BackendHarness.Random(rng, t, [3, 4, 11]), labels]);
    }

    [Fact]
    public void ManyRowsSpreadOverTheCores()
    {
        var rng = new Random(29);
        var x = T.Matrix("x");
        var w = T.Matrix("w");
        var y = T.Vector("y", DType.Int64);
        BackendHarness.AgreesWithInterpreter([x, w, y], Forms(x, w, y),
            [BackendHarness.Random(rng, DType.Float32, [3000, 45], -20, 20), BackendHarness.Random(rng, DType.Float32, [3000, 45]), Labels(rng, 3000, 45)]);
    }

    [Theory]
    [MemberData(nameof(RowKernelTests.ExtremeRows), MemberType = typeof(RowKernelTests))]
    public void ExtremeRowsGiveWhatTheNodesGive(string kind)
    {
        var rng = new Random(kind.Length);
        foreach (var t in new[] { DType.Float32, DType.Float64 })
            foreach (var n in new[] { 1, 5, 8, 9, 33, 100 })
            {
                var rows = Enumerable.Range(0, 3).SelectMany(r => r == 1 ? RowKernelTests.Row(kind, n, rng) : RowKernelTests.Row("plain", n, rng)).ToArray();
                var x = T.Matrix("x", t);
                var w = T.Matrix("w", t);
                var y = T.Vector("y", DType.Int64);
                var values = new[] { NDArray.FromDoubles(t, [3, n], rows), BackendHarness.Random(rng, t, [3, n]), Labels(rng, 3, n) };
                // The forms as written are the stable ones: the interpreter computes what the nodes do.
                var stable = new[] { T.LogSoftmax(x), T.Grad(T.Sum(T.LogSoftmax(x) * w), x) };
                BackendHarness.AgreesWithInterpreter([x, w, y], stable, values);
                // The cross-entropies are stabilized by the rewrite phases (the interpreter of the
                // graph as built takes the log of an underflowed probability): the row steps give
                // what the rewritten nodes give, kernel by kernel.
                var forms = Forms(x, w, y);
                var rowSteps = Function.Compile([x, w, y], forms).Invoke(values);
                var nodes = Function.Compile([x, w, y], forms, options: new CompileOptions { Fusion = false }).Invoke(values);
                for (int o = 0; o < forms.Length; o++) BackendHarness.AssertClose(nodes[o], rowSteps[o], context: $"{kind}, {t}, n = {n}, output {o}");
            }
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(4, 0)]
    [InlineData(0, 0)]
    public void EmptyRowsAndNoRows(int rows, int n)
    {
        var x = T.Matrix("x");
        var w = T.Matrix("w");
        var outs = new[] { T.LogSoftmax(x), T.Grad(T.Sum(T.LogSoftmax(x) * w), x) };
        BackendHarness.AgreesWithInterpreter([x, w], outs, [NDArray.Zeros(DType.Float32, rows, n), NDArray.Zeros(DType.Float32, rows, n)]);
    }

    [Fact]
    public void ResultsAreTheSameCallAfterCall()
    {
        var rng = new Random(31);
        var x = T.Matrix("x");
        var w = T.Matrix("w");
        var y = T.Vector("y", DType.Int64);
        var f = Function.Compile([x, w, y], Forms(x, w, y));
        var values = new[] { BackendHarness.Random(rng, DType.Float32, [500, 257], -50, 50), BackendHarness.Random(rng, DType.Float32, [500, 257]), Labels(rng, 500, 257) };
        var first = f.Invoke(values);
        for (int call = 0; call < 2; call++)
        {
            var again = f.Invoke(values);
            for (int o = 0; o < first.Length; o++) Assert.Equal(first[o].ToArray<float>(), again[o].ToArray<float>());
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var y = T.Constant(NDArray.From(new long[] { 2, 0, 4 }, 3));
        var t = T.Constant(GradientCheck.Rand(5, [3, 5], 0, 1));
        GradientCheck.Check([T.Matrix("x", DType.Float64)],
            v => T.Mean(T.CategoricalCrossentropy(T.Softmax(v[0]), y)) + T.Sum(T.CategoricalCrossentropy(T.Softmax(v[0] * 2), t)) + T.Sum(T.LogSoftmax(v[0].Transpose()) * T.LogSoftmax(v[0].Transpose())),
            [GradientCheck.Rand(3, [3, 5])], tolerance: 1e-5);
    }
}
