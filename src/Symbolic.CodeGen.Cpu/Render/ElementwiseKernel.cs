using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// An elementwise kernel: nested loops over the output's dimensions (as many as its static rank),
/// one running position per operand advanced by that operand's stride (0 where it broadcasts),
/// and the scalar op's C# spelling applied to the loaded operands.
/// </summary>
internal static class ElementwiseKernel
{
    public static void Render(CodeWriter w, Elemwise op, Apply node)
    {
        int rank = node.Output.NDim;
        int n = node.Inputs.Count;
        w.Line($"var y = new {Type(node.Output.DType)}[Rt.Size(sh)];");
        for (int j = 0; j < n; j++) w.Line($"int[] s{j} = Rt.Align(t{j}, sh{j}, {rank});");
        var load = new string[n];
        if (rank == 0)
        {
            for (int j = 0; j < n; j++) load[j] = $"a{j}[o{j}]";
            w.Line($"y[0] = {Expression(op.Scalar, node, load)};");
            w.Line("return y;");
            return;
        }
        for (int d = 0; d < rank; d++)
            w.Line($"int n{d} = sh[{d}];{string.Concat(Enumerable.Range(0, n).Select(j => $" int s{j}_{d} = s{j}[{d}];"))}");
        w.Line("int k = 0;");
        for (int d = 0; d < rank; d++)
        {
            var init = string.Concat(Enumerable.Range(0, n).Select(j => $", p{j}_{d} = {(d == 0 ? $"o{j}" : $"p{j}_{d - 1}")}"));
            var step = string.Concat(Enumerable.Range(0, n).Select(j => $", p{j}_{d} += s{j}_{d}"));
            w.Line($"{new string(' ', 4 * d)}for (int i{d} = 0{init}; i{d} < n{d}; i{d}++{step})");
        }
        for (int j = 0; j < n; j++) load[j] = $"a{j}[p{j}_{rank - 1}]";
        w.Line($"{new string(' ', 4 * rank)}y[k++] = {Expression(op.Scalar, node, load)};");
        w.Line("return y;");
    }

    /// <summary>The scalar op applied to loaded operands: each converted to the type the op reads, the result to the output type.</summary>
    public static string Expression(ScalarOp op, Apply node, string[] load)
    {
        var types = node.Inputs.Select(v => v.DType).ToArray();
        var compute = op.ComputeType(types);
        var operands = load.Select((l, j) => "(" + Convert(l, types[j], op.OperandType(j, types)) + ")").ToArray();
        var text = op.CSharp
            .Replace("{M}", compute == DType.Float32 ? "MathF" : "Math")
            .Replace("{S}", "Sm");
        for (int j = 0; j < operands.Length; j++) text = text.Replace("{" + j + "}", operands[j]);
        return Convert("(" + text + ")", op.TemplateResultType(types), node.Output.DType);
    }
}
