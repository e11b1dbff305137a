namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// A row step of the kernel plan (<see cref="RowStep"/>): log-softmax along the last axis, or its
/// gradient for an incoming gradient g, one block per row, two passes over the row. The first
/// keeps, per thread, a running maximum and a sum of exponentials rescaled whenever the maximum
/// rises (and the sum of -g for the gradient); the block then takes the maximum
/// (<c>sym_block_reduce</c>, NaN propagating), moves each thread's sum onto it and adds them. The
/// second writes <c>(x - max) - log(sum)</c>, or <c>g + (sum(-g) / sum) * exp(x - max)</c>. A row
/// of -inf gives NaN, as the shifted formula's exp(-inf - -inf) does; +inf or NaN anywhere in a
/// row makes its sum NaN.
/// </summary>
internal static class LogSoftmaxKernel
{
    public static KernelDraft Render(PlanStep step, RowStep row)
    {
        var node = step.Node;
        bool grad = row.Form == RowForm.LogSoftmaxGrad;
        int x = row.X;
        int rank = node.Output.NDim;
        int last = rank - 1;
        var t = node.Output.DType;
        string T = CudaTypes.Name(t);
        string f = t == DType.Float32 ? "f" : "";
        string ninf = CudaTypes.Literal(double.NegativeInfinity, t);
        string zero = CudaTypes.Literal(0, t);
        var leading = Enumerable.Range(0, last).ToArray();

        var sig = new KernelSignature();
        sig.Pointer("y", t, step.Slot, readOnly: false);
        if (grad) sig.Pointer("ag", t, row.G, readOnly: true);
        sig.Pointer("ax", t, x, readOnly: true);
        sig.Long("rows", new ShapeProduct(x, leading));
        sig.Long("n", new ShapeDim(x, last));
        sig.Long("sx", new AlignedStride(x, last, rank));
        if (grad) sig.Long("sg", new AlignedStride(row.G, last, rank));
        foreach (var d in leading)
        {
            sig.Long($"n{d}", new ShapeDim(x, d));
            sig.Long($"t{d}", new AlignedStride(x, d, rank));
            if (grad) sig.Long($"u{d}", new AlignedStride(row.G, d, rank));
        }

        var w = new CodeWriter();
        w.Line(grad
            ? $"// y = ag + (sum(-ag) / sum(exp(ax - max))) * exp(ax - max) along the last axis (log_softmax gradient): {t.ShortName()}, rank {rank}; one block per row"
            : $"// y = log_softmax of ax along the last axis: {t.ShortName()}, rank {rank}; one block per row");
        w.Open(sig.Declaration(CudaRenderer.Placeholder));
        w.Open("for (long long row = blockIdx.x; row < rows; row += gridDim.x)");
        w.Line(grad ? "long long r = row, b = 0, c = 0, d;" : "long long r = row, b = 0, d;");
        foreach (var d in leading.Reverse())
            w.Line(grad ? $"d = r % n{d}; r /= n{d}; b += d * t{d}; c += d * u{d};" : $"d = r % n{d}; r /= n{d}; b += d * t{d};");
        w.Line($"const {T}* x = ax + b;");
        if (grad) w.Line($"const {T}* g = ag + c;");
        w.Line($"{T}* out = y + row * n;");
        w.Line("// pass 1: each thread's running maximum and its sum of exp(x - that maximum)");
        w.Line($"{T} m = {ninf}, s = {zero};");
        if (grad) w.Line($"{T} gs = {zero};");
        w.Open("for (long long k = threadIdx.x; k < n; k += blockDim.x)");
        w.Line($"const {T} v = x[k * sx];");
        w.Line($"const {T} nm = sym_max(m, v);");
        w.Line($"if (nm != m) s *= exp{f}(m - nm);");
        w.Line($"if (nm != {ninf}) s += exp{f}(v - nm);");
        w.Line("m = nm;");
        if (grad) w.Line("gs += -g[k * sg];");
        w.Close();
        w.Line($"const {T} mx = sym_block_reduce(m, sym_maxop(), {ninf});");
        w.Line($"{T} sum = sym_block_reduce(m == mx ? s : s * exp{f}(m - mx), sym_add(), {zero});");
        w.Line("// a row of -inf: the shifted formula takes exp(-inf - -inf)");
        w.Line($"if (mx == {ninf}) sum = {CudaTypes.Literal(double.NaN, t)};");
        if (grad)
        {
            w.Line($"const {T} scale = sym_block_reduce(gs, sym_add(), {zero}) / sum;");
            w.Line("// pass 2: write");
            w.Line($"for (long long k = threadIdx.x; k < n; k += blockDim.x) out[k] = g[k * sg] + scale * exp{f}(x[k * sx] - mx);");
        }
        else
        {
            w.Line($"const {T} lse = log{f}(sum);");
            w.Line("// pass 2: write");
            w.Line("for (long long k = threadIdx.x; k < n; k += blockDim.x) out[k] = x[k * sx] - mx - lse;");
        }
        w.Close();
        w.Close();
        return new KernelDraft(w.ToString(), sig.Args, new LaunchGrid(new ShapeProduct(x, leading), CudaPrelude.BlockSize, PerRow: true));
    }
}
