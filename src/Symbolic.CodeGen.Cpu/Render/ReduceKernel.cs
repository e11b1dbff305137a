using System.Globalization;
using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// A reduction kernel: loops over the index space of the reduced value (<c>shx</c>), each element
/// landing in its output slot (the output stride of reduced dimensions is 0) where it is combined
/// into an accumulator: float64 for float inputs, means and arg-reductions, int64 otherwise. The
/// element is the reduction's input read from its array or, where the kernel plan fused the
/// elementwise nodes that make it (a prologue), computed from their operands right there, so the
/// intermediate array is never written.
/// </summary>
internal static class ReduceKernel
{
    /// <summary>
    /// Parameters: <c>a{j}, o{j}, t{j}, sh{j}</c> per operand of <paramref name="element"/>, then
    /// <c>shx</c>, the shape reduced. Writes the kernel's body into <paramref name="w"/> and returns
    /// the helper methods it calls (to follow the kernel), named after <paramref name="name"/>.
    /// </summary>
    public static string Render(CodeWriter w, string name, Reduce op, Apply node, LoopKernel element)
    {
        int rank = node.Inputs[0].NDim;
        var x = element.OutType;
        bool floatAcc = x.IsFloat() || op.Kind == ReduceKind.Mean || op.IsArg;
        var acc = floatAcc ? DType.Float64 : DType.Int64;
        string accType = Type(acc);
        string init = op.Kind switch
        {
            ReduceKind.Prod => "1",
            ReduceKind.Max => floatAcc ? "double.NegativeInfinity" : "long.MinValue",
            ReduceKind.Min => floatAcc ? "double.PositiveInfinity" : "long.MaxValue",
            _ => "0",
        };
        if (!op.IsArg && Split(op, rank) is { } split)
            return RowPath(w, name, op, node, element, rank, split.Boundary, split.Trailing, acc, init);
        w.Line("int ny = Rt.Size(sh);");
        w.Line($"var (ys, rs) = Views.ReduceStrides(shx, new int[] {{ {Each(op.Axes.Count, i => op.Axes[i].ToString(CultureInfo.InvariantCulture), ", ")} }}, {(op.KeepDims ? "true" : "false")});");
        w.Line($"var acc = new {accType}[ny];");
        if (init != "0") w.Line($"Array.Fill(acc, {init});");
        if (op.IsArg) w.Line("var pos = new long[ny]; var has = new bool[ny];");
        int n = element.Operands.Count;
        for (int j = 0; j < n; j++) w.Line($"int[] s{j} = Rt.Align(t{j}, sh{j}, {rank});");
        var cursors = new Cursor[n + 2];
        for (int j = 0; j < n; j++) cursors[j] = new Cursor($"p{j}", $"o{j}", StructuralKernel.Dims($"s{j}", rank));
        cursors[n] = new Cursor("q", "0", StructuralKernel.Dims("ys", rank));
        cursors[n + 1] = new Cursor("r", "0", StructuralKernel.Dims("rs", rank));
        var at = LoopNest.Open(w, "i", StructuralKernel.Dims("shx", rank), cursors);
        string q = at[n], r = at[n + 1];
        FusedKernel.WriteBody(w, element, "x", j => $"a{j}[{at[j]}]", (a, args) => FusedKernel.Expression(a.Op, a.ArgTypes, a.Type, args));
        w.Line($"{accType} v = {Convert($"x{element.Result}", x, acc)};");
        w.Line(op.Kind switch
        {
            ReduceKind.Sum or ReduceKind.Mean => $"acc[{q}] += v;",
            ReduceKind.Prod => $"acc[{q}] *= v;",
            ReduceKind.Max => $"acc[{q}] = Math.Max(acc[{q}], v);",
            ReduceKind.Min => $"acc[{q}] = Math.Min(acc[{q}], v);",
            ReduceKind.Argmax => $"if (!has[{q}] || v > acc[{q}] || (double.IsNaN(v) && !double.IsNaN(acc[{q}]))) {{ acc[{q}] = v; pos[{q}] = {r}; has[{q}] = true; }}",
            ReduceKind.Argmin => $"if (!has[{q}] || v < acc[{q}] || (double.IsNaN(v) && !double.IsNaN(acc[{q}]))) {{ acc[{q}] = v; pos[{q}] = {r}; has[{q}] = true; }}",
            _ => throw new InvalidOperationException(),
        });
        LoopNest.Close(w, rank);
        if (op.IsArg)
        {
            w.Line("Array.Copy(pos, y, ny);");
            return "";
        }
        if (op.Kind == ReduceKind.Mean)
        {
            w.Line($"double count = 1.0{Each(op.Axes.Count, i => $" * shx[{op.Axes[i]}]")};");
            w.Line($"for (int j = 0; j < ny; j++) y[j] = {Convert("(acc[j] / count)", acc, node.Output.DType)};");
        }
        else if (!floatAcc && node.Output.DType == DType.Int32)
        {
            // An int32 sum or product wraps, as in NumPy: the int64 accumulator's low 32 bits (a
            // conversion would saturate). Max and min stay in range, where both agree.
            w.Line("for (int j = 0; j < ny; j++) y[j] = unchecked((int)acc[j]);");
        }
        else w.Line($"for (int j = 0; j < ny; j++) y[j] = {Convert("acc[j]", acc, node.Output.DType)};");
        return "";
    }

    /// <summary>
    /// Where the reduced axes are a block at the end (the rows of a softmax, a sum over the last
    /// axis, or over all axes) or at the start (a bias gradient, a mean over the batch), the index
    /// space is two dimensions at run time: <c>boundary</c> splits the axes into an outer and an
    /// inner block, each walked by every operand with one stride. An operand whose strides do not
    /// merge so (a transpose inside a block, a broadcast along part of one: checked at run time) is
    /// first copied, broadcast to the reduced shape and contiguous (<c>Rt.SplitOrExpand</c>), so
    /// such a kernel has no general loops to compile.
    /// </summary>
    private static (int Boundary, bool Trailing)? Split(Reduce op, int rank)
    {
        var axes = op.Axes;
        if (rank == 0 || axes.Count == 0) return null;
        for (int i = 1; i < axes.Count; i++)
            if (axes[i] != axes[i - 1] + 1) return null;
        if (axes[^1] == rank - 1) return (axes[0], true);
        if (axes[0] == 0) return (axes[^1] + 1, false);
        return null;
    }

    /// <summary>
    /// The fast path: trailing axes reduce each row in registers (a vector loop, unrolled
    /// twice, with float sums and products widened to float64 accumulators, then a scalar tail),
    /// rows spread over the cores above the parallel threshold; leading axes accumulate whole rows
    /// of the kept elements into a float64 (int64) row of accumulators, vector by vector. The order
    /// of every sum depends on the shape alone, so results are the same call to call.
    /// </summary>
    private static string RowPath(CodeWriter w, string name, Reduce op, Apply node, LoopKernel element, int rank, int boundary, bool trailing,
        DType acc, string init)
    {
        int n = element.Operands.Count;
        string accType = Type(acc);
        var outType = node.Output.DType;
        int cost = FusedKernel.Cost(element) + 1; // the element, then combining it
        w.Line($"int nOuter = Rt.SizeOf(shx, 0, {boundary}), nInner = Rt.SizeOf(shx, {boundary}, {rank});");
        for (int j = 0; j < n; j++) w.Line($"Rt.SplitOrExpand(ref a{j}, ref o{j}, ref t{j}, ref sh{j}, shx, {boundary}, out int os{j}, out int is{j});");
        string Finish(string v) => op.Kind == ReduceKind.Mean
            ? Convert($"({v} / (double){(trailing ? "nInner" : "nOuter")})", acc, outType)
            : acc == DType.Int64 && outType == DType.Int32 ? $"unchecked((int){v})" : Convert(v, acc, outType);
        // The operands at the first row: along a row (the inner block) and from row to row (the outer).
        w.Line("Lanes l = default;");
        for (int j = 0; j < n; j++) w.Line($"l[{j + 1}] = Lane.Of(a{j}, o{j}, is{j}, os{j});");
        if (trailing)
        {
            w.Line($"var racc = Reduction.Rows<{accType}>(nOuter, nInner, {cost}, &{name}_red, ref l, {n});");
            w.Line($"for (int r = 0; r < nOuter; r++) y[r] = {Finish("racc[r]")};");
            w.Line("Reduction.Return(racc);");
        }
        else
        {
            w.Line($"var cacc = System.Buffers.ArrayPool<{accType}>.Shared.Rent(nInner);");
            w.Line($"cacc.AsSpan(0, nInner).Fill({init});");
            w.Line($"Reduction.Columns<{accType}>(cacc, nOuter, nInner, {cost}, &{name}_col, ref l, {n});");
            w.Line($"for (int j = 0; j < nInner; j++) y[j] = {Finish("cacc[j]")};");
            w.Line($"System.Buffers.ArrayPool<{accType}>.Shared.Return(cacc);");
        }

        var h = new CodeWriter();
        var x = element.OutType;
        var vt = VectorSpelling.VectorType(element);
        string V = vt is { } t ? VectorWidth.Of(t) : "";
        bool widen = vt == DType.Float32 && acc == DType.Float64 && op.Kind is not (ReduceKind.Max or ReduceKind.Min);
        var unit = Each(n, j => $" && (uint)s{j} <= 1u");
        string Combine(string a, string v) => op.Kind switch
        {
            ReduceKind.Sum or ReduceKind.Mean => $"{a} + {v}",
            ReduceKind.Prod => $"{a} * {v}",
            ReduceKind.Max => $"Math.Max({a}, {v})",
            ReduceKind.Min => $"Math.Min({a}, {v})",
            _ => throw new InvalidOperationException(),
        };
        string VCombine(string a, string v) => op.Kind switch
        {
            ReduceKind.Sum or ReduceKind.Mean => $"{a} + {v}",
            ReduceKind.Prod => $"{a} * {v}",
            ReduceKind.Max => $"VM.Max({a}, {v})",
            ReduceKind.Min => $"VM.Min({a}, {v})",
            _ => throw new InvalidOperationException(),
        };
        void Loads(CodeWriter c)
        {
            for (int j = 0; j < n; j++) c.Line($"ref {Type(element.Operands[j].DType)} r{j} = ref l.Ref<{Type(element.Operands[j].DType)}>({j + 1}); int s{j} = l.Stride({j + 1});");
        }
        void ScalarTail(CodeWriter c, string target)
        {
            c.Open("for (; i < m; i++)");
            FusedKernel.WriteBody(c, element, "x", j => $"Unsafe.Add(ref r{j}, i * s{j})", (a, xs) => FusedKernel.Expression(a.Op, a.ArgTypes, a.Type, xs));
            c.Line($"{target} = {Combine(target, Convert($"x{element.Result}", x, acc))};");
            c.Close();
        }

        if (!trailing) goto Column;
        // Row: one accumulator's value over m elements.
        h.Line(FusedKernel.HotPath);
        h.Open($"internal static {accType} {name}_red(int m, ref Lanes l)");
        Loads(h);
        h.Line($"{accType} s = {init};");
        h.Line("int i = 0;");
        if (vt is { } et)
        {
            var vacc = widen ? "VecD" : V;
            string vinit = $"({(widen ? "double" : Type(et))}){init}";
            h.Open($"if (Vec.IsHardwareAccelerated && m >= 2 * {V}.Count{unit})");
            for (int j = 0; j < n; j++) h.Line($"var b{j} = Vec.Create(r{j});");
            int accs = widen ? 4 : 2;
            for (int c = 0; c < accs; c++) h.Line($"var c{c} = Vec.Create({vinit});");
            h.Open($"for (; i <= m - 2 * {V}.Count; i += 2 * {V}.Count)");
            FusedKernel.WriteBody(h, element, "v", j => $"s{j} == 0 ? b{j} : Vec.LoadUnsafe(ref r{j}, (nuint)i)", (a, xs) => VectorSpelling.Spell(a, xs));
            FusedKernel.WriteBody(h, element, "u", j => $"s{j} == 0 ? b{j} : Vec.LoadUnsafe(ref r{j}, (nuint)(i + {V}.Count))", (a, xs) => VectorSpelling.Spell(a, xs));
            if (widen)
            {
                h.Line($"var (l0, h0) = Vec.Widen(v{element.Result});");
                h.Line($"var (l1, h1) = Vec.Widen(u{element.Result});");
                h.Line($"c0 = {VCombine("c0", "l0")}; c1 = {VCombine("c1", "h0")}; c2 = {VCombine("c2", "l1")}; c3 = {VCombine("c3", "h1")};");
            }
            else h.Line($"c0 = {VCombine("c0", $"v{element.Result}")}; c1 = {VCombine("c1", $"u{element.Result}")};");
            h.Close();
            h.Line(widen ? $"var cv = {VCombine($"({VCombine("c0", "c1")})", $"({VCombine("c2", "c3")})")};" : $"var cv = {VCombine("c0", "c1")};");
            h.Line($"for (int e = 0; e < {vacc}.Count; e++) s = {Combine("s", Convert("cv.GetElement(e)", widen ? DType.Float64 : et, acc))};");
            h.Close();
        }
        ScalarTail(h, "s");
        h.Line("return s;");
        h.Close();
        return h.ToString();
        Column:

        // Column: one row of kept elements combined into acc[pa ..].
        h.Line(FusedKernel.HotPath);
        h.Open($"internal static void {name}_col(int m, {accType}[] acc, int pa, ref Lanes l)");
        Loads(h);
        h.Line($"ref {accType} ra = ref MemoryMarshal.GetArrayDataReference(acc);");
        h.Line("int i = 0;");
        if (vt is { } ct && (acc == DType.Float64))
        {
            h.Open($"if (Vec.IsHardwareAccelerated && m >= {V}.Count{unit})");
            for (int j = 0; j < n; j++) h.Line($"var b{j} = Vec.Create(r{j});");
            h.Open($"for (; i <= m - {V}.Count; i += {V}.Count)");
            FusedKernel.WriteBody(h, element, "v", j => $"s{j} == 0 ? b{j} : Vec.LoadUnsafe(ref r{j}, (nuint)i)", (a, xs) => VectorSpelling.Spell(a, xs));
            if (ct == DType.Float32)
            {
                h.Line($"var (l0, h0) = Vec.Widen(v{element.Result});");
                h.Line($"({VCombine("Vec.LoadUnsafe(ref ra, (nuint)(pa + i))", "l0")}).StoreUnsafe(ref ra, (nuint)(pa + i));");
                h.Line($"({VCombine("Vec.LoadUnsafe(ref ra, (nuint)(pa + i + VecD.Count))", "h0")}).StoreUnsafe(ref ra, (nuint)(pa + i + VecD.Count));");
            }
            else h.Line($"({VCombine("Vec.LoadUnsafe(ref ra, (nuint)(pa + i))", $"v{element.Result}")}).StoreUnsafe(ref ra, (nuint)(pa + i));");
            h.Close();
            h.Close();
        }
        ScalarTail(h, "Unsafe.Add(ref ra, pa + i)");
        h.Close();
        return h.ToString();
    }
}
