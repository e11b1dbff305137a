using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// A reduction kernel: loops over every input element, each landing in its output slot (the output
/// stride of reduced dimensions is 0) where it is combined into an accumulator: float64 for float
/// inputs, means and arg-reductions, int64 otherwise.
/// </summary>
internal static class ReduceKernel
{
    public static void Render(CodeWriter w, Reduce op, Apply node)
    {
        var x = node.Inputs[0];
        int rank = x.NDim;
        bool floatAcc = x.DType.IsFloat() || op.Kind == ReduceKind.Mean || op.IsArg;
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
        w.Line($"var (ys, rs) = Views.ReduceStrides(sh0, new int[] {{ {string.Join(", ", op.Axes)} }}, {(op.KeepDims ? "true" : "false")});");
        w.Line($"var acc = new {accType}[ny];");
        if (init != "0") w.Line($"Array.Fill(acc, {init});");
        if (op.IsArg) w.Line("var pos = new long[ny]; var has = new bool[ny];");
        for (int d = 0; d < rank; d++) w.Line($"int n{d} = sh0[{d}]; int s{d} = t0[{d}]; int ys{d} = ys[{d}]; int rs{d} = rs[{d}];");
        for (int d = 0; d < rank; d++)
        {
            string prev(string v) => d == 0 ? (v == "p" ? "o0" : "0") : $"{v}{d - 1}";
            w.Line($"{new string(' ', 4 * d)}for (int i{d} = 0, p{d} = {prev("p")}, q{d} = {prev("q")}, r{d} = {prev("r")}; i{d} < n{d}; i{d}++, p{d} += s{d}, q{d} += ys{d}, r{d} += rs{d})");
        }
        string p = rank == 0 ? "o0" : $"p{rank - 1}", q = rank == 0 ? "0" : $"q{rank - 1}", r = rank == 0 ? "0" : $"r{rank - 1}";
        string ind = new(' ', 4 * rank);
        w.Line($"{ind}{{");
        w.Line($"{ind}    {accType} v = {Convert($"a0[{p}]", x.DType, acc)};");
        w.Line(ind + "    " + op.Kind switch
        {
            ReduceKind.Sum or ReduceKind.Mean => $"acc[{q}] += v;",
            ReduceKind.Prod => $"acc[{q}] *= v;",
            ReduceKind.Max => $"acc[{q}] = Math.Max(acc[{q}], v);",
            ReduceKind.Min => $"acc[{q}] = Math.Min(acc[{q}], v);",
            ReduceKind.Argmax => $"if (!has[{q}] || v > acc[{q}] || (double.IsNaN(v) && !double.IsNaN(acc[{q}]))) {{ acc[{q}] = v; pos[{q}] = {r}; has[{q}] = true; }}",
            ReduceKind.Argmin => $"if (!has[{q}] || v < acc[{q}] || (double.IsNaN(v) && !double.IsNaN(acc[{q}]))) {{ acc[{q}] = v; pos[{q}] = {r}; has[{q}] = true; }}",
            _ => throw new InvalidOperationException(),
        });
        w.Line($"{ind}}}");
        if (op.IsArg)
        {
            w.Line("Array.Copy(pos, y, ny);");
            return;
        }
        if (op.Kind == ReduceKind.Mean)
        {
            w.Line($"double count = 1.0{string.Concat(op.Axes.Select(a => $" * sh0[{a}]"))};");
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
