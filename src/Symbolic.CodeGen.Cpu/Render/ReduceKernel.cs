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
    /// <summary>Parameters: <c>a{j}, o{j}, t{j}, sh{j}</c> per operand of <paramref name="element"/>, then <c>shx</c>, the shape reduced.</summary>
    public static void Render(CodeWriter w, Reduce op, Apply node, LoopKernel element)
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
        w.Line("int ny = Rt.Size(sh);");
        w.Line($"var (ys, rs) = Views.ReduceStrides(shx, new int[] {{ {string.Join(", ", op.Axes)} }}, {(op.KeepDims ? "true" : "false")});");
        w.Line($"var acc = new {accType}[ny];");
        if (init != "0") w.Line($"Array.Fill(acc, {init});");
        if (op.IsArg) w.Line("var pos = new long[ny]; var has = new bool[ny];");
        int n = element.Operands.Count;
        for (int j = 0; j < n; j++) w.Line($"int[] s{j} = Rt.Align(t{j}, sh{j}, {rank});");
        var cursors = Enumerable.Range(0, n).Select(j => new Cursor($"p{j}", $"o{j}", StructuralKernel.Dims($"s{j}", rank)))
            .Append(new Cursor("q", "0", StructuralKernel.Dims("ys", rank)))
            .Append(new Cursor("r", "0", StructuralKernel.Dims("rs", rank)))
            .ToArray();
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
            return;
        }
        if (op.Kind == ReduceKind.Mean)
        {
            w.Line($"double count = 1.0{string.Concat(op.Axes.Select(a => $" * shx[{a}]"))};");
            w.Line($"for (int j = 0; j < ny; j++) y[j] = {Convert("(acc[j] / count)", acc, node.Output.DType)};");
        }
        else if (!floatAcc && node.Output.DType == DType.Int32)
        {
            // An int32 sum or product wraps, as in NumPy: the int64 accumulator's low 32 bits (a
            // conversion would saturate). Max and min stay in range, where both agree.
            w.Line("for (int j = 0; j < ny; j++) y[j] = unchecked((int)acc[j]);");
        }
        else w.Line($"for (int j = 0; j < ny; j++) y[j] = {Convert("acc[j]", acc, node.Output.DType)};");
    }
}
