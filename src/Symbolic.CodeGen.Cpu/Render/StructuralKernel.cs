using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>Kernels that move data rather than compute it (products, take, concatenation): each calls the runtime's routine for its op.</summary>
internal static class StructuralKernel
{
    public static void Render(CodeWriter w, Apply node)
    {
        var outType = Type(node.Output.DType);
        switch (node.Op)
        {
            case Dot:
            {
                if (node.Inputs.Any(v => v.DType == DType.Bool)) throw new NotSupportedException("Dot of booleans: cast them to a number type first.");
                string[] a = ["a0", "a1"], o = ["o0", "o1"], t = ["t0", "t1"];
                for (int j = 0; j < 2; j++)
                {
                    if (node.Inputs[j].DType == node.Output.DType) continue;
                    w.Line($"var c{j} = Views.Convert<{Type(node.Inputs[j].DType)}, {outType}>(a{j}, o{j}, t{j}, sh{j});");
                    (a[j], o[j], t[j]) = ($"c{j}", "0", $"Rt.Contiguous(sh{j})");
                }
                w.Line($"return Rt.Dot({a[0]}, {o[0]}, {t[0]}, sh0, {a[1]}, {o[1]}, {t[1]}, sh1, sh);");
                break;
            }
            case Take take:
            {
                int n = take.IndexCount;
                w.Line($"var idx = new long[][] {{ {string.Join(", ", Enumerable.Range(1, n).Select(j => $"Views.Indices(a{j}, o{j}, t{j}, sh{j})"))} }};");
                w.Line($"var idxShapes = new int[][] {{ {string.Join(", ", Enumerable.Range(1, n).Select(j => $"sh{j}"))} }};");
                w.Line($"return Rt.Take(a0, o0, t0, sh0, sh[..^(sh0.Length - {n})], idx, idxShapes);");
                break;
            }
            case TakeGrad tg:
            {
                int n = tg.IndexCount;
                w.Line($"var idx = new long[][] {{ {string.Join(", ", Enumerable.Range(2, n).Select(j => $"Views.Indices(a{j}, o{j}, t{j}, sh{j})"))} }};");
                w.Line($"var idxShapes = new int[][] {{ {string.Join(", ", Enumerable.Range(2, n).Select(j => $"sh{j}"))} }};");
                w.Line($"return Rt.TakeGrad(sh0, a1, o1, t1, sh1, sh1[..^(sh0.Length - {n})], idx, idxShapes);");
                break;
            }
            case SubtensorGrad sg:
                w.Line($"var (starts, kept) = Views.SliceLayout(sh0, new Symbolic.Ops.SliceEntry[] {{ {string.Join(", ", sg.Entries.Select(e => $"new Symbolic.Ops.SliceEntry({B(e.IsIndex)}, {e.Start}, {B(e.StartFromEnd)}, {e.End}, {B(e.EndFromEnd)})"))} }});");
                w.Line("return Rt.SubtensorGrad(sh0, starts, kept, a1, o1, t1, sh1);");
                break;
            case Concatenate c:
            {
                var js = Enumerable.Range(0, node.Inputs.Count).ToArray();
                w.Line($"return Rt.Concatenate({c.Axis}, sh, new {outType}[][] {{ {string.Join(", ", js.Select(j => $"a{j}"))} }}, new int[] {{ {string.Join(", ", js.Select(j => $"o{j}"))} }}, " +
                       $"new int[][] {{ {string.Join(", ", js.Select(j => $"t{j}"))} }}, new int[][] {{ {string.Join(", ", js.Select(j => $"sh{j}"))} }});");
                break;
            }
            case Arange:
                w.Line("return Rt.Arange(sh[0]);");
                break;
            case ShapeOf so:
                w.Line($"return new long[] {{ sh0[{so.Axis}] }};");
                break;
            default:
                throw new NotSupportedException($"The C# backend has no kernel for {node.Op.Name}.");
        }
    }

    private static string B(bool b) => b ? "true" : "false";
}
