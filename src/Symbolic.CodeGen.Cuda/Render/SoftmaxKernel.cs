using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// Softmax along one axis: one block per row (every position of the other dimensions), three
/// strided passes over the row by the block's threads: its maximum (NaN propagating), the
/// exponentials shifted by it (written to the output) and their sum, each combined across the
/// block by <c>sym_block_reduce</c>, then the division. Log-softmax and its gradient (the
/// cross-entropies' forms) are row steps of the kernel plan, spelled by <see cref="LogSoftmaxKernel"/>.
/// </summary>
internal static class SoftmaxKernel
{
    public static KernelDraft Render(PlanStep step)
    {
        var node = step.Node;
        int axis = ((SoftmaxOp)node.Op).Axis;
        int x = step.Root.InputSlots[0];
        int rank = node.Inputs[0].NDim;
        var t = node.Output.DType;
        string T = CudaTypes.Name(t);
        string f = t == DType.Float32 ? "f" : "";
        var others = Enumerable.Range(0, rank).Where(d => d != axis).ToArray();

        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        sig.Pointer("a0", node.Inputs[0].DType, x, readOnly: true);
        sig.Long("rows", new ShapeProduct(x, others));
        sig.Long("n", new ShapeDim(x, axis));
        sig.Long("inner", new ShapeProduct(x, Enumerable.Range(axis + 1, rank - axis - 1).ToArray()));
        sig.Long("s", new AlignedStride(x, axis, rank));
        foreach (var d in others)
        {
            sig.Long($"n{d}", new ShapeDim(x, d));
            sig.Long($"t{d}", new AlignedStride(x, d, rank));
        }

        var w = new CodeWriter();
        w.Line($"// y = softmax of a0 along axis {axis}: {t.ShortName()}, rank {rank}; one block per row");
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        w.Open("for (long long row = blockIdx.x; row < rows; row += gridDim.x)");
        w.Line("long long r = row, b = 0, d;");
        foreach (var d in others.Reverse()) w.Line($"d = r % n{d}; r /= n{d}; b += d * t{d};");
        w.Line($"const {T}* x = a0 + b;");
        w.Line($"{T}* out = y + (row / inner) * n * inner + row % inner;");
        w.Line($"{T} mx = {CudaTypes.Literal(double.NegativeInfinity, t)};");
        w.Line("for (long long k = threadIdx.x; k < n; k += blockDim.x) mx = sym_max(mx, x[k * s]);");
        w.Line($"mx = sym_block_reduce(mx, sym_maxop(), {CudaTypes.Literal(double.NegativeInfinity, t)});");
        w.Line($"{T} sum = {CudaTypes.Literal(0, t)};");
        w.Open("for (long long k = threadIdx.x; k < n; k += blockDim.x)");
        w.Line($"const {T} e = exp{f}(x[k * s] - mx);");
        w.Line("out[k * inner] = e;");
        w.Line("sum += e;");
        w.Close();
        w.Line($"sum = sym_block_reduce(sum, sym_add(), {CudaTypes.Literal(0, t)});");
        w.Line("// each thread divides the elements it wrote");
        w.Line("for (long long k = threadIdx.x; k < n; k += blockDim.x) out[k * inner] /= sum;");
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, new LaunchGrid(new ShapeProduct(x, others), CudaPrelude.BlockSize, PerRow: true));
    }
}
