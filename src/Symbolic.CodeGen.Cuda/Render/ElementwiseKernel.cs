using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// A fused elementwise kernel (the loop IR of a kernel plan step) in CUDA C: a grid-stride loop
/// over the flat output, one thread per element. Where every operand is read flat (the host's
/// <see cref="ContiguousFlag"/>s), each is read at the output's own index; otherwise each
/// operand's position is computed from the index and its strides, aligned on the output's
/// dimensions (stride 0 where it broadcasts). The body is the loop IR's straight-line SSA, one
/// <c>const</c> a value, spelled by <see cref="CudaSpelling"/>.
/// </summary>
internal static class ElementwiseKernel
{
    /// <param name="k">What to compute per element.</param>
    /// <param name="output">The slot written (contiguous).</param>
    /// <param name="space">The slot whose shape is the index space (the output's, or for a copy its base's).</param>
    public static KernelDraft Render(LoopKernel k, int output, int space)
    {
        var sig = new KernelSignature();
        int n = k.Operands.Count, rank = k.Rank;
        sig.Pointer("y", k.OutType, output, readOnly: false);
        for (int j = 0; j < n; j++) sig.Pointer($"a{j}", k.Operands[j].DType, k.Operands[j].Slot, readOnly: true);
        sig.Long("count", new ElementCount(space));
        for (int d = 0; d < rank; d++) sig.Long($"n{d}", new ShapeDim(space, d));
        for (int j = 0; j < n; j++)
            for (int d = 0; d < rank; d++) sig.Long($"t{j}_{d}", new AlignedStride(k.Operands[j].Slot, d, rank));
        for (int j = 0; j < n; j++) sig.Long($"c{j}", new ContiguousFlag(k.Operands[j].Slot, space));

        var w = new CodeWriter();
        int ops = k.Body.OfType<ApplyInstr>().Count();
        w.Line($"// y = {CudaTypes.CommentText(k.Describe(j => $"a{j}"))}: {k.OutType.ShortName()}, rank {rank}, {ops} op{(ops == 1 ? "" : "s")}, {n} operand{(n == 1 ? "" : "s")}");
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        w.Line("const long long step = (long long)gridDim.x * blockDim.x;");
        w.Line("long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;");
        if (rank > 0 && n > 0)
        {
            w.Open($"if ({string.Join(" && ", Enumerable.Range(0, n).Select(j => $"c{j}"))})");
            w.Line("// every operand is read flat, at the output's own index");
            w.Open("for (; i < count; i += step)");
            WriteBody(w, k, j => $"a{j}[i]");
            w.Line($"y[i] = v{k.Result};");
            w.Close();
            w.Line("return;");
            w.Close();
            w.Line("// strided: each operand's position from the index and its strides (0 where it broadcasts)");
        }
        w.Open("for (; i < count; i += step)");
        if (rank > 0 && n > 0)
        {
            w.Line($"long long r = i, d{string.Concat(Enumerable.Range(0, n).Select(j => $", p{j} = 0"))};");
            for (int d = rank - 1; d >= 0; d--)
                w.Line($"d = r % n{d}; r /= n{d};{string.Concat(Enumerable.Range(0, n).Select(j => $" p{j} += d * t{j}_{d};"))}");
            WriteBody(w, k, j => $"a{j}[p{j}]");
        }
        else WriteBody(w, k, j => $"a{j}[0]");
        w.Line($"y[i] = v{k.Result};");
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, new LaunchGrid(new ElementCount(space), CudaPrelude.BlockSize, PerRow: false));
    }

    /// <summary>One <c>const</c> per value of the body: <c>const float v3 = expf(v2);</c>.</summary>
    public static void WriteBody(CodeWriter w, LoopKernel k, Func<int, string> load)
    {
        for (int i = 0; i < k.Body.Count; i++)
        {
            var text = k.Body[i] switch
            {
                LoadInstr l => load(l.Operand),
                ApplyInstr a => CudaSpelling.Expression(a.Op, a.ArgTypes, a.Type, a.Args.Select(x => $"v{x}").ToArray()),
                _ => throw new InvalidOperationException(),
            };
            w.Line($"const {CudaTypes.Name(k.Body[i].DType)} v{i} = {text};");
        }
    }
}
