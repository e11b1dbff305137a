using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// A reduction over any axes: one block per output element (a "row": the kept dimensions), its
/// threads striding over the reduced positions, each accumulating in a register, then combined
/// across the block by warp shuffles and shared memory (<c>sym_block_reduce</c>). Accumulators are
/// those of the C# backend: double for float inputs, means and arg-reductions, long long
/// otherwise. The element is the reduction's input or, where the kernel plan fused the
/// elementwise nodes that make it (a prologue), computed from their operands right there.
/// </summary>
internal static class ReductionKernel
{
    public static KernelDraft Render(PlanStep step)
    {
        var node = step.Node;
        var op = (Reduce)node.Op;
        var k = step.Loop!;
        int input = step.Root.InputSlots[0];
        int rank = node.Inputs[0].NDim, n = k.Operands.Count;
        var kept = Enumerable.Range(0, rank).Where(d => !op.Axes.Contains(d)).ToArray();
        var reduced = Enumerable.Range(0, rank).Where(d => op.Axes.Contains(d)).ToArray();
        var x = k.OutType;
        bool floatAcc = x.IsFloat() || op.Kind == ReduceKind.Mean || op.IsArg;
        var acc = floatAcc ? DType.Float64 : DType.Int64;
        string accT = CudaTypes.Name(acc);

        var sig = new KernelSignature();
        sig.Pointer("y", node.Output.DType, step.Slot, readOnly: false);
        for (int j = 0; j < n; j++) sig.Pointer($"a{j}", k.Operands[j].DType, k.Operands[j].Slot, readOnly: true);
        sig.Long("rows", new ElementCount(step.Slot));
        sig.Long("m", new ShapeProduct(input, reduced));
        for (int d = 0; d < rank; d++) sig.Long($"n{d}", new ShapeDim(input, d));
        for (int j = 0; j < n; j++)
            for (int d = 0; d < rank; d++) sig.Long($"t{j}_{d}", new AlignedStride(k.Operands[j].Slot, d, rank));

        var w = new CodeWriter();
        var of = step.Members.Count > 1 ? $" of {k.Describe(j => $"a{j}")}" : "(a0)";
        w.Line($"// y = {CudaTypes.CommentText(node.Op.Name + of)}: {x.ShortName()} -> {node.Output.DType.ShortName()}, rank {rank} -> {node.Output.NDim}; one block per output element");
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        w.Open("for (long long row = blockIdx.x; row < rows; row += gridDim.x)");
        var bases = string.Concat(Enumerable.Range(0, n).Select(j => $", b{j} = 0"));
        w.Line($"// where the row starts in each operand (the kept dimensions)");
        w.Line($"long long r = row, d{bases};");
        foreach (var d in kept.Reverse())
            w.Line($"d = r % n{d}; r /= n{d};{string.Concat(Enumerable.Range(0, n).Select(j => $" b{j} += d * t{j}_{d};"))}");
        string init = op.Kind switch
        {
            ReduceKind.Prod => floatAcc ? "1.0" : "1LL",
            ReduceKind.Max => floatAcc ? "-CUDART_INF" : "(-9223372036854775807LL - 1)",
            ReduceKind.Min => floatAcc ? "CUDART_INF" : "9223372036854775807LL",
            _ => floatAcc ? "0.0" : "0LL",
        };
        init = init.Replace("CUDART_INF", "__longlong_as_double(0x7ff0000000000000LL)");
        if (op.IsArg) w.Line("double best = 0.0; long long at = -1;");
        else w.Line($"{accT} acc = {init};");
        w.Open("for (long long e = threadIdx.x; e < m; e += blockDim.x)");
        w.Line($"long long q = e{string.Concat(Enumerable.Range(0, n).Select(j => $", p{j} = b{j}"))};");
        foreach (var d in reduced.Reverse())
            w.Line($"d = q % n{d}; q /= n{d};{string.Concat(Enumerable.Range(0, n).Select(j => $" p{j} += d * t{j}_{d};"))}");
        ElementwiseKernel.WriteBody(w, k, j => $"a{j}[p{j}]");
        w.Line($"const {accT} v = {CudaTypes.Convert($"v{k.Result}", x, acc)};");
        w.Line(op.Kind switch
        {
            ReduceKind.Sum or ReduceKind.Mean => "acc += v;",
            ReduceKind.Prod => "acc *= v;",
            ReduceKind.Max => "acc = sym_max(acc, v);",
            ReduceKind.Min => "acc = sym_min(acc, v);",
            ReduceKind.Argmax => "if (sym_arg_better(v, e, best, at, true)) { best = v; at = e; }",
            ReduceKind.Argmin => "if (sym_arg_better(v, e, best, at, false)) { best = v; at = e; }",
            _ => throw new InvalidOperationException(),
        });
        w.Close();
        var outT = node.Output.DType;
        if (op.IsArg)
        {
            w.Line($"sym_block_arg(best, at, {(op.Kind == ReduceKind.Argmax ? "true" : "false")});");
            w.Line($"if (threadIdx.x == 0) y[row] = {CudaTypes.Convert("(at < 0 ? 0 : at)", DType.Int64, outT)};");
        }
        else
        {
            string combine = op.Kind switch
            {
                ReduceKind.Sum or ReduceKind.Mean => "sym_add()",
                ReduceKind.Prod => "sym_mul()",
                ReduceKind.Max => "sym_maxop()",
                _ => "sym_minop()",
            };
            w.Line($"acc = sym_block_reduce(acc, {combine}, ({accT})({init}));");
            string result = op.Kind == ReduceKind.Mean ? CudaTypes.Convert("(acc / (double)m)", acc, outT)
                // An int32 sum or product wraps, as in NumPy: the accumulator's low 32 bits.
                : !floatAcc && outT == DType.Int32 && op.Kind is ReduceKind.Sum or ReduceKind.Prod ? "(int)(unsigned int)(unsigned long long)acc"
                : CudaTypes.Convert("acc", acc, outT);
            w.Line($"if (threadIdx.x == 0) y[row] = {result};");
        }
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, new LaunchGrid(new ElementCount(step.Slot), CudaPrelude.BlockSize, PerRow: true));
    }
}
