using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>The kernel of a row step (log-softmax or its gradient along the last axis): one call of its runtime routine.</summary>
internal static class RowStepKernel
{
    /// <summary>What the step computes, for comments: <c>log_softmax rows of n3</c>.</summary>
    public static string Describe(RowStep row, Func<int, string> slot) => row.Form switch
    {
        RowForm.LogSoftmax => $"log_softmax rows of {slot(row.X)}",
        _ => $"log_softmax gradient rows of {slot(row.G)} and {slot(row.X)}",
    };

    /// <summary>The kernel method: y from the operands a0.. (g then x), each with offset, strides and shape.</summary>
    public static string Render(string name, PlanStep step, RowStep row)
    {
        var node = step.Node;
        var t = Type(node.Output.DType);
        var w = new CodeWriter();
        var args = Each(row.Operands.Count, j => $", {t}[] a{j}, int o{j}, int[] t{j}, int[] sh{j}");
        w.Line($"// y = {Describe(row, j => j == row.X ? $"a{row.Operands.Count - 1}" : "a0")}: {node.Output.DType.ShortName()}, rank {node.Output.NDim}");
        w.Open($"internal static void {name}({t}[] y, int[] sh{args})");
        w.Line(row.Form == RowForm.LogSoftmax
            ? "RowLogSoftmax.Into(y, sh, a0, o0, t0, sh0);"
            : "RowLogSoftmax.GradInto(y, sh, a0, o0, t0, sh0, a1, o1, t1, sh1);");
        w.Close();
        return w.ToString();
    }
}
