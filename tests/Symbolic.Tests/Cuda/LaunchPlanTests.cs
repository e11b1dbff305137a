using Symbolic.CodeGen;
using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Render;

namespace Symbolic.Tests.Cuda;

/// <summary>The launch plan's host-side arithmetic: argument recipes, views, and the cuBLAS call with transposes folded in.</summary>
public class LaunchPlanTests
{
    private static SlotLayout C(params int[] shape) => SlotLayout.Contiguous(shape);

    [Fact]
    public void ArgumentRecipesEvaluateFromLayouts()
    {
        var layouts = new Dictionary<int, SlotLayout>
        {
            [0] = C(2, 3, 4),
            [1] = C(4),
            [2] = new SlotLayout([3, 2], [1, 3], 5), // a transpose, offset
            [3] = C(1, 4),
        };
        SlotLayout L(int s) => layouts[s];
        Assert.Equal(24, new ElementCount(0).Value(L));
        Assert.Equal(8, new ShapeProduct(0, [0, 2]).Value(L));
        Assert.Equal(1, new ShapeProduct(0, []).Value(L));
        Assert.Equal(3, new ShapeDim(0, 1).Value(L));
        // A vector aligned on a rank-3 space: stride 0 in the dimensions it lacks.
        Assert.Equal(0, new AlignedStride(1, 0, 3).Value(L));
        Assert.Equal(0, new AlignedStride(1, 1, 3).Value(L));
        Assert.Equal(1, new AlignedStride(1, 2, 3).Value(L));
        // A size-1 dimension broadcasts.
        Assert.Equal(0, new AlignedStride(3, 0, 2).Value(L));
        Assert.Equal(3, new AlignedStride(2, 1, 2).Value(L));
        Assert.Equal(1, new ContiguousFlag(0, 0).Value(L));
        Assert.Equal(0, new ContiguousFlag(1, 0).Value(L)); // fewer elements: broadcast
        Assert.Equal(0, new ContiguousFlag(2, 2).Value(L)); // transposed
        Assert.Equal(1, new ContiguousFlag(3, 1).Value(L)); // (1, 4) over (4): the same elements
        Assert.Throws<InvalidOperationException>(() => new SlotPointer(0).Value(L));
    }

    [Fact]
    public void GridsCoverTheWorkAndSkipEmptyOnes()
    {
        SlotLayout L(int s) => s == 0 ? C(1000) : C(0, 5);
        Assert.Equal(4, new LaunchGrid(new ElementCount(0), 256, PerRow: false).Blocks(L));
        Assert.Equal(1000, new LaunchGrid(new ElementCount(0), 256, PerRow: true).Blocks(L));
        Assert.Equal(0, new LaunchGrid(new ElementCount(1), 256, PerRow: false).Blocks(L));
        Assert.Equal(LaunchGrid.MaxBlocks, new LaunchGrid(new ElementCount(0), 256, PerRow: true).Blocks(_ => C(100000)));
    }

    [Fact]
    public void RowMajorProductsBecomeColumnMajorCallsWithTransposesFolded()
    {
        // Y[2,4] = A[2,3] · B[3,4], all contiguous: cuBLAS computes Yᵀ = Bᵀ·Aᵀ with no transposes.
        var g = GemmLayout.Of(C(2, 3), C(3, 4), C(2, 4))!;
        Assert.Equal((false, false, 4, 2, 3), (g.TransFirst, g.TransSecond, g.M, g.N, g.K));
        Assert.Equal((4L, 3L, 4L), (g.LdFirst, g.LdSecond, g.LdResult));
        Assert.Equal(1, g.BatchCount);
        // A given as the transpose of a contiguous [3,2]: strides (1, 2): a CUBLAS_OP_T, no copy.
        var at = GemmLayout.Of(new SlotLayout([2, 3], [1, 2], 0), C(3, 4), C(2, 4))!;
        Assert.True(at.TransSecond);
        Assert.Equal(2, at.LdSecond);
        // Neither stride 1 (every other column of a wider matrix, transposed): cuBLAS cannot read it.
        Assert.Null(GemmLayout.Of(new SlotLayout([2, 3], [12, 2], 0), C(3, 4), C(2, 4)));
        // Matrix times vector: n = 1.
        var mv = GemmLayout.Of(C(2, 3), C(3), C(2))!;
        Assert.Equal((1, 2, 3), (mv.M, mv.N, mv.K));
    }

    [Fact]
    public void BatchedProductsBroadcastTheirBatchDimensions()
    {
        // Y[5,2,4] = A[5,2,3] · B[3,4]: B is shared by every batch (stride 0), one strided-batched call.
        var g = GemmLayout.Of(C(5, 2, 3), C(3, 4), C(5, 2, 4))!;
        Assert.Equal(5, g.BatchCount);
        Assert.True(g.Uniform);
        Assert.Equal((0L, 6L, 8L), g.Strides);
        // Y[2,3,2,2] = A[2,1,2,2] · B[3,2,2]: offsets follow both broadcasts, not one stride.
        var h = GemmLayout.Of(C(2, 1, 2, 2), C(3, 2, 2), C(2, 3, 2, 2))!;
        Assert.Equal(6, h.BatchCount);
        Assert.Equal([0L, 0, 0, 4, 4, 4], h.SecondOffsets);
        Assert.Equal([0L, 4, 8, 0, 4, 8], h.FirstOffsets);
        Assert.False(h.Uniform);
    }

    [Fact]
    public void ViewsAreStrideArithmeticOnTheHost()
    {
        var x = T.Matrix("x");
        var sliced = x[1.., ^1];
        var t = x.Transpose();
        var module = Render([x], [sliced + 0, t + 0, T.Flatten(t) + 0]);
        var views = module.Steps.OfType<ViewStep>().ToArray();
        var baseLayout = C(4, 5);
        int[] ShapeOf(int slot) => slot == views[0].Slot ? [3] : slot == views[1].Slot ? [5, 4] : [20];
        var s = views.First(v => v.Kind.Op is Symbolic.Ops.Subtensor).Layout(baseLayout, ShapeOf)!;
        Assert.Equal([3], s.Shape);
        Assert.Equal([5L], s.Strides);
        Assert.Equal(9L, s.Offset);
        var d = views.First(v => v.Kind.Op is Symbolic.Ops.DimShuffle).Layout(baseLayout, _ => [5, 4])!;
        Assert.Equal(new long[] { 1, 5 }, d.Strides);
        // Reshaping the transpose cannot be a view: the step says so and carries its copy kernel.
        var reshape = views.First(v => v.Kind.Op is Symbolic.Ops.Reshape);
        Assert.Null(reshape.Kind.Layout(d, [20], reshape.InputSlots, _ => [20]));
        Assert.NotNull(reshape.Copy);
        Assert.Contains(module.Kernels, k => k.Name == reshape.Copy!.Kernel);
    }

    [Fact]
    public void EveryKernelLaunchNamesAKernelOfTheModuleAndFillsEveryParameter()
    {
        var (inputs, outputs) = SeedStep.Graph();
        var module = Render(inputs, outputs);
        foreach (var launch in module.Steps.OfType<KernelLaunch>())
        {
            var kernel = module.Kernels.Single(k => k.Name == launch.Kernel);
            int open = kernel.Source.IndexOf($"void __launch_bounds__(256) {kernel.Name}(", StringComparison.Ordinal);
            Assert.True(open >= 0, kernel.Source);
            var header = kernel.Source[open..kernel.Source.IndexOf(')', kernel.Source.IndexOf(kernel.Name + "(", open, StringComparison.Ordinal))];
            Assert.Equal(header.Count(c => c == ',') + 1, launch.Args.Count);
        }
        Assert.Contains(module.Steps, s => s is GemmStep { Accumulate: false });
    }

    [Fact]
    public void ScattersZeroTheirOutputAndReportBadIndices()
    {
        var x = T.Matrix("x");
        var i = T.Vector("i", DType.Int64);
        var module = Render([x, i], [T.Grad(T.Sum(T.Take(x, i)), x)], optimize: false);
        var scatter = module.Steps.OfType<KernelLaunch>().Single(l => l.Kernel.Contains("take_grad"));
        Assert.True(scatter.Zero);
        Assert.Contains(scatter.Args, a => a is ErrorFlag);
        Assert.Contains("atomicAdd", module.Kernels.Single(k => k.Name == scatter.Kernel).Source);
    }

    private static CudaModule Render(Variable[] inputs, Variable[] outputs, bool optimize = true)
    {
        var graph = optimize ? Function.Compile(inputs, outputs).Optimized.ToArray() : outputs;
        return CudaRenderer.Render(CudaEmitter.Lower(new Schedule(inputs, graph)));
    }
}
