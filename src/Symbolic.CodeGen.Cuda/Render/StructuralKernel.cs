using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// Kernels that move data rather than compute it, one thread per element in grid-stride loops:
/// integer-array indexing (Take) and its gradient (a scatter that adds with <c>atomicAdd</c>, so
/// repeated indices add up), the gradient of slicing, concatenation, ranges, sizes, and the matrix
/// products cuBLAS cannot do (integer or mixed dtypes). Every operand is read through its strides.
/// </summary>
internal static class StructuralKernel
{
    public static KernelDraft Render(PlanStep step) => step.Node.Op switch
    {
        Take take => RenderTake(step, take.IndexCount),
        TakeGrad tg => RenderTakeGrad(step, tg.IndexCount),
        SubtensorGrad sg => RenderSubtensorGrad(step, sg),
        Concatenate c => RenderConcatenate(step, c.Axis),
        Arange => RenderArange(step),
        ShapeOf so => RenderShapeOf(step, so.Axis),
        Dot => RenderDot(step),
        _ => throw new NotSupportedException($"The CUDA backend has no kernel for {step.Node.Op.Name}."),
    };

    private static LaunchGrid PerElement(int slot) => new(new ElementCount(slot), CudaPrelude.BlockSize, PerRow: false);

    private static string Header(PlanStep step, string what) =>
        $"// y = {CudaTypes.CommentText(step.Node.Op.Name)}({string.Join(", ", step.Root.InputSlots.Select((_, j) => $"a{j}"))}): {what}";

    /// <summary>Opens the grid-stride loop over <c>count</c> elements (index <c>i</c>).</summary>
    private static void OpenLoop(CodeWriter w, string count = "count")
    {
        w.Line("const long long step = (long long)gridDim.x * blockDim.x;");
        w.Open($"for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < {count}; i += step)");
    }

    /// <summary>
    /// x[i1[k], i2[k], ...]: per output element, its position in the broadcast index space picks
    /// one index from each index array (negative ones wrap; one out of range sets the error word and
    /// writes 0), and its remaining coordinates pick the element of the block they select.
    /// </summary>
    private static KernelDraft RenderTake(PlanStep step, int n)
    {
        var node = step.Node;
        var ins = step.Root.InputSlots;
        int xr = node.Inputs[0].NDim, rest = xr - n, outRank = node.Output.NDim, b = outRank - rest;
        var sig = new KernelSignature();
        sig.Pointer("y", node.Output.DType, step.Slot, readOnly: false);
        for (int j = 0; j <= n; j++) sig.Pointer($"a{j}", node.Inputs[j].DType, ins[j], readOnly: true);
        sig.Error();
        sig.Long("count", new ElementCount(step.Slot));
        for (int d = 0; d < outRank; d++) sig.Long($"n{d}", new ShapeDim(step.Slot, d));
        for (int d = 0; d < xr; d++) sig.Long($"t0_{d}", new AlignedStride(ins[0], d, xr));
        for (int a = 0; a < n; a++) sig.Long($"x{a}", new ShapeDim(ins[0], a));
        for (int j = 1; j <= n; j++)
            for (int d = 0; d < b; d++) sig.Long($"t{j}_{d}", new AlignedStride(ins[j], d, b));

        var w = new CodeWriter();
        w.Line(Header(step, $"{n} index array{(n == 1 ? "" : "s")} into rank {xr}, one thread per output element"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        OpenLoop(w);
        w.Line($"long long r = i, d, p0 = 0{string.Concat(Enumerable.Range(1, n).Select(j => $", p{j} = 0"))};");
        for (int d = outRank - 1; d >= b; d--) w.Line($"d = r % n{d}; r /= n{d}; p0 += d * t0_{d - b + n};");
        for (int d = b - 1; d >= 0; d--)
            w.Line($"d = r % n{d}; r /= n{d};{string.Concat(Enumerable.Range(1, n).Select(j => $" p{j} += d * t{j}_{d};"))}");
        w.Line("bool ok = true;");
        for (int a = 0; a < n; a++)
        {
            w.Line($"const long long v{a} = (long long)a{a + 1}[p{a + 1}];");
            w.Line($"const long long w{a} = v{a} < 0 ? v{a} + x{a} : v{a};");
            w.Line($"if ((unsigned long long)w{a} >= (unsigned long long)x{a}) ok = false; else p0 += w{a} * t0_{a};");
        }
        w.Line($"if (ok) y[i] = a0[p0]; else {{ atomicExch(error, 1); y[i] = {CudaTypes.Literal(0, node.Output.DType)}; }}");
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, PerElement(step.Slot));
    }

    /// <summary>
    /// Zeros shaped like x (the launch zeroes the output), then every element of g added, with
    /// <c>atomicAdd</c>, where Take read it: repeated indices add up. Booleans are or-ed.
    /// </summary>
    private static KernelDraft RenderTakeGrad(PlanStep step, int n)
    {
        var node = step.Node;
        var ins = step.Root.InputSlots;
        var x = node.Inputs[0];
        var g = node.Inputs[1];
        int xr = x.NDim, rest = xr - n, gr = g.NDim, b = gr - rest;
        var t = node.Output.DType;
        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        sig.Pointer("a1", g.DType, ins[1], readOnly: true);
        for (int j = 2; j < 2 + n; j++) sig.Pointer($"a{j}", node.Inputs[j].DType, ins[j], readOnly: true);
        sig.Error();
        sig.Long("count", new ElementCount(ins[1]));
        for (int d = 0; d < gr; d++) sig.Long($"n{d}", new ShapeDim(ins[1], d));
        for (int d = 0; d < gr; d++) sig.Long($"t1_{d}", new AlignedStride(ins[1], d, gr));
        for (int a = 0; a < n; a++) sig.Long($"x{a}", new ShapeDim(ins[0], a));
        for (int d = 0; d < xr; d++) sig.Long($"ys{d}", new ShapeProduct(ins[0], Enumerable.Range(d + 1, xr - d - 1).ToArray()));
        for (int j = 2; j < 2 + n; j++)
            for (int d = 0; d < b; d++) sig.Long($"t{j}_{d}", new AlignedStride(ins[j], d, b));

        var w = new CodeWriter();
        w.Line(Header(step, $"the gradient of {n}-array indexing, scattered with atomicAdd into a zeroed {t.ShortName()} output of rank {xr}"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        OpenLoop(w);
        w.Line($"long long r = i, d, p1 = 0, q = 0{string.Concat(Enumerable.Range(2, n).Select(j => $", p{j} = 0"))};");
        for (int d = gr - 1; d >= b; d--) w.Line($"d = r % n{d}; r /= n{d}; p1 += d * t1_{d}; q += d * ys{d - b + n};");
        for (int d = b - 1; d >= 0; d--)
            w.Line($"d = r % n{d}; r /= n{d}; p1 += d * t1_{d};{string.Concat(Enumerable.Range(2, n).Select(j => $" p{j} += d * t{j}_{d};"))}");
        w.Line("bool ok = true;");
        for (int a = 0; a < n; a++)
        {
            w.Line($"const long long v{a} = (long long)a{a + 2}[p{a + 2}];");
            w.Line($"const long long w{a} = v{a} < 0 ? v{a} + x{a} : v{a};");
            w.Line($"if ((unsigned long long)w{a} >= (unsigned long long)x{a}) ok = false; else q += w{a} * ys{a};");
        }
        w.Line("if (!ok) { atomicExch(error, 1); continue; }");
        w.Line(AtomicAdd(t, "y + q", CudaTypes.Convert("a1[p1]", g.DType, t)));
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, PerElement(ins[1]), Zero: true);
    }

    /// <summary>Adds a value at an address, atomically: float and double (compute capability 6.0 and later), int, and long long through its unsigned form (two's complement adds alike).</summary>
    private static string AtomicAdd(DType t, string address, string value) => t switch
    {
        DType.Bool => $"if ({value}) *({address}) = true;",
        DType.Int64 => $"atomicAdd((unsigned long long*)({address}), (unsigned long long)({value}));",
        _ => $"atomicAdd({address}, {value});",
    };

    /// <summary>Zeros shaped like x (the launch zeroes the output), with g written into the part basic indexing selects.</summary>
    private static KernelDraft RenderSubtensorGrad(PlanStep step, SubtensorGrad op)
    {
        var node = step.Node;
        var ins = step.Root.InputSlots;
        int xr = node.Inputs[0].NDim, gr = node.Inputs[1].NDim;
        var t = node.Output.DType;
        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        sig.Pointer("a1", node.Inputs[1].DType, ins[1], readOnly: true);
        sig.Long("count", new ElementCount(ins[1]));
        for (int d = 0; d < gr; d++) sig.Long($"n{d}", new ShapeDim(ins[1], d));
        for (int d = 0; d < gr; d++) sig.Long($"t1_{d}", new AlignedStride(ins[1], d, gr));
        for (int d = 0; d < xr; d++) sig.Long($"x{d}", new ShapeDim(ins[0], d));
        for (int d = 0; d < xr; d++) sig.Long($"ys{d}", new ShapeProduct(ins[0], Enumerable.Range(d + 1, xr - d - 1).ToArray()));

        var kept = new List<int>();
        var start = new List<string>();
        for (int d = 0; d < xr; d++)
        {
            if (d >= op.Entries.Count) { kept.Add(d); continue; }
            var e = op.Entries[d];
            if (!e.IsIndex) kept.Add(d);
            start.Add($"sym_slice_start(x{d}, {e.Start}, {(e.StartFromEnd ? "true" : "false")}) * ys{d}");
        }
        var w = new CodeWriter();
        w.Line(Header(step, $"g written into the selected part of a zeroed {t.ShortName()} output of rank {xr}"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        w.Line($"const long long first = {(start.Count == 0 ? "0" : string.Join(" + ", start))};");
        OpenLoop(w);
        w.Line("long long r = i, d, p1 = 0, q = first;");
        for (int d = gr - 1; d >= 0; d--) w.Line($"d = r % n{d}; r /= n{d}; p1 += d * t1_{d}; q += d * ys{kept[d]};");
        w.Line($"y[q] = {CudaTypes.Convert("a1[p1]", node.Inputs[1].DType, t)};");
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, PerElement(ins[1]), Zero: true);
    }

    /// <summary>Per output element, the operand whose span along the axis holds it, read through its strides.</summary>
    private static KernelDraft RenderConcatenate(PlanStep step, int axis)
    {
        var node = step.Node;
        var ins = step.Root.InputSlots;
        int rank = node.Output.NDim, m = ins.Length;
        var t = node.Output.DType;
        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        for (int j = 0; j < m; j++) sig.Pointer($"a{j}", node.Inputs[j].DType, ins[j], readOnly: true);
        sig.Long("count", new ElementCount(step.Slot));
        for (int d = 0; d < rank; d++) sig.Long($"n{d}", new ShapeDim(step.Slot, d));
        for (int j = 0; j < m; j++)
        {
            sig.Long($"z{j}", new ShapeDim(ins[j], axis));
            for (int d = 0; d < rank; d++) sig.Long($"t{j}_{d}", new AlignedStride(ins[j], d, rank));
        }
        var w = new CodeWriter();
        w.Line(Header(step, $"{m} operands joined along axis {axis}, rank {rank}, one thread per output element"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        OpenLoop(w);
        w.Line($"long long r = i{string.Concat(Enumerable.Range(0, rank).Select(d => $", c{d}"))};");
        for (int d = rank - 1; d >= 0; d--) w.Line($"c{d} = r % n{d}; r /= n{d};");
        w.Line($"long long at = c{axis};");
        for (int j = 0; j < m; j++)
        {
            var pos = string.Join(" + ", Enumerable.Range(0, rank).Select(d => d == axis ? $"at * t{j}_{d}" : $"c{d} * t{j}_{d}"));
            var read = $"y[i] = {CudaTypes.Convert($"a{j}[{pos}]", node.Inputs[j].DType, t)};";
            if (j < m - 1)
            {
                w.Line($"if (at < z{j}) {{ {read} continue; }}");
                w.Line($"at -= z{j};");
            }
            else w.Line(read);
        }
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, PerElement(step.Slot));
    }

    private static KernelDraft RenderArange(PlanStep step)
    {
        var t = step.Node.Output.DType;
        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        sig.Long("count", new ElementCount(step.Slot));
        var w = new CodeWriter();
        w.Line(Header(step, $"0, 1, ..., count - 1 as {t.ShortName()}"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        OpenLoop(w);
        w.Line($"y[i] = {CudaTypes.Convert("i", DType.Int64, t)};");
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, PerElement(step.Slot));
    }

    private static KernelDraft RenderShapeOf(PlanStep step, int axis)
    {
        var t = step.Node.Output.DType;
        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        sig.Long("size", new ShapeDim(step.Root.InputSlots[0], axis));
        var w = new CodeWriter();
        w.Line(Header(step, $"the size of a0 along axis {axis} (from the host's shape pass)"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        w.Line($"if (blockIdx.x == 0 && threadIdx.x == 0) y[0] = {CudaTypes.Convert("size", DType.Int64, t)};");
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, new LaunchGrid(new ElementCount(step.Slot), 32, PerRow: true));
    }

    /// <summary>
    /// A product cuBLAS cannot run (an integer result, or operands of another dtype than the
    /// result): one thread per output element, a loop over the inner dimension accumulating in the
    /// result's type (integers wrap). NumPy shapes as <see cref="GemmStep"/>'s.
    /// </summary>
    private static KernelDraft RenderDot(PlanStep step)
    {
        var node = step.Node;
        var ins = step.Root.InputSlots;
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var t = node.Output.DType;
        int outRank = node.Output.NDim;
        int batch = a.NDim >= 2 && b.NDim >= 2 ? outRank - 2 : 0;
        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        sig.Pointer("a0", a.DType, ins[0], readOnly: true);
        sig.Pointer("a1", b.DType, ins[1], readOnly: true);
        sig.Long("count", new ElementCount(step.Slot));
        sig.Long("kk", new ShapeDim(ins[0], a.NDim - 1));
        for (int d = 0; d < outRank; d++) sig.Long($"n{d}", new ShapeDim(step.Slot, d));
        // Per output dimension, how far each operand moves (0 where it does not depend on it).
        var aStep = new string[outRank];
        var bStep = new string[outRank];
        for (int d = 0; d < batch; d++)
        {
            aStep[d] = sig.Long($"ta{d}", new AlignedStride(ins[0], d, batch + 2));
            bStep[d] = sig.Long($"tb{d}", new AlignedStride(ins[1], d, batch + 2));
        }
        string aK = sig.Long("tak", new AlignedStride(ins[0], a.NDim - 1, a.NDim));
        string bK = sig.Long("tbk", new AlignedStride(ins[1], b.NDim == 1 ? 0 : b.NDim - 2, b.NDim));
        if (a.NDim >= 2) aStep[a.NDim == 2 && b.NDim == 1 ? 0 : outRank - (b.NDim == 1 ? 1 : 2)] = sig.Long("tam", new AlignedStride(ins[0], a.NDim - 2, a.NDim));
        if (b.NDim >= 2) bStep[outRank - 1] = sig.Long("tbn", new AlignedStride(ins[1], b.NDim - 1, b.NDim));
        var w = new CodeWriter();
        w.Line(Header(step, $"{a.DType.ShortName()} rank {a.NDim} by {b.DType.ShortName()} rank {b.NDim} to {t.ShortName()}, one thread per output element"));
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        OpenLoop(w);
        w.Line("long long r = i, d, pa = 0, pb = 0;");
        for (int d = outRank - 1; d >= 0; d--)
        {
            var moves = (aStep[d] is { } sa ? $" pa += d * {sa};" : "") + (bStep[d] is { } sb ? $" pb += d * {sb};" : "");
            w.Line($"d = r % n{d}; r /= n{d};{moves}");
        }
        w.Line($"{CudaTypes.Name(t)} acc = {CudaTypes.Literal(0, t)};");
        w.Line($"for (long long k = 0; k < kk; k++) acc += {CudaTypes.Convert($"a0[pa + k * {aK}]", a.DType, t)} * {CudaTypes.Convert($"a1[pb + k * {bK}]", b.DType, t)};");
        w.Line("y[i] = acc;");
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, PerElement(step.Slot));
    }
}
