using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// Kernels that move data rather than compute it: integer-array indexing and its gradient, the
/// gradient of slicing, concatenation, ranges, sizes, and matrix products. Each is generated as
/// loops spelled for its node's ranks and dtypes, reading its operands through their offsets and
/// strides; only the product itself calls the runtime (<c>Rt.Dot</c>).
/// </summary>
internal static class StructuralKernel
{
    public static void Render(CodeWriter w, Apply node)
    {
        switch (node.Op)
        {
            case Dot: RenderDot(w, node); break;
            case Take take: RenderTake(w, node, take.IndexCount); break;
            case TakeGrad tg: RenderTakeGrad(w, node, tg.IndexCount); break;
            case SubtensorGrad sg: RenderSubtensorGrad(w, node, sg); break;
            case Concatenate c: RenderConcatenate(w, node, c.Axis); break;
            case Arange:
                w.Line("for (int i = 0; i < sh[0]; i++) y[i] = i;");
                break;
            case ShapeOf so:
                w.Line($"y[0] = sh0[{so.Axis}];");
                break;
            default:
                throw new NotSupportedException($"The C# backend has no kernel for {node.Op.Name}.");
        }
    }

    /// <summary>Converts operands whose dtype differs from the result's into contiguous arrays (a generated loop), then calls the runtime's product.</summary>
    private static void RenderDot(CodeWriter w, Apply node)
    {
        var outDType = node.Output.DType;
        string[] a = ["a0", "a1"], o = ["o0", "o1"], t = ["t0", "t1"];
        for (int j = 0; j < 2; j++)
        {
            var from = node.Inputs[j].DType;
            if (from == outDType) continue;
            int rank = node.Inputs[j].NDim;
            w.Line($"var c{j} = new {Type(outDType)}[Rt.Size(sh{j})];");
            w.Line($"int q{j} = 0;");
            var p = LoopNest.Open(w, "i", Dims($"sh{j}", rank), new[] { new Cursor("p", $"o{j}", Dims($"t{j}", rank)) });
            w.Line($"c{j}[q{j}++] = {Convert($"a{j}[{p[0]}]", from, outDType)};");
            LoopNest.Close(w, rank);
            (a[j], o[j], t[j]) = ($"c{j}", "0", $"Rt.Contiguous(sh{j})");
        }
        w.Line($"Rt.DotInto(y, {a[0]}, {o[0]}, {t[0]}, sh0, {a[1]}, {o[1]}, {t[1]}, sh1, sh);");
    }

    /// <summary>
    /// x[i1[k], i2[k], ...]: loops over the broadcast shape of the index arrays; at each position the
    /// indices are read (negative ones wrap, out-of-range ones throw naming the dimension), then
    /// the block of x they select is copied out with loops over x's remaining dimensions.
    /// </summary>
    private static void RenderTake(CodeWriter w, Apply node, int n)
    {
        var x = node.Inputs[0];
        int b = node.Output.NDim - (x.NDim - n);
        int rest = x.NDim - n;
        IndexSetup(w, node, firstIndex: 1, n, b, "sh0", "t0");
        w.Line("int k = 0;");
        var idx = new Cursor[n];
        for (int j = 1; j <= n; j++) idx[j - 1] = new Cursor($"p{j}", $"o{j}", Dims($"s{j}", b));
        var at = LoopNest.Open(w, "i", Dims("sh", b), idx);
        string q = ReadIndices(w, node, firstIndex: 1, n, at);
        var inner = LoopNest.Open(w, "j", Dims("sh0", n, rest), new[] { new Cursor("r", $"o0 + {q}", Dims("t0", n, rest)) });
        w.Line($"y[k++] = a0[{inner[0]}];");
        LoopNest.Close(w, rest);
        LoopNest.Close(w, b);
    }

    /// <summary>
    /// Zeros shaped like x, with every element of g added where Take read it (repeated indices add
    /// up): the loops of Take, writing instead of reading.
    /// </summary>
    private static void RenderTakeGrad(CodeWriter w, Apply node, int n)
    {
        var x = node.Inputs[0];
        var g = node.Inputs[1];
        int rest = x.NDim - n;
        int b = g.NDim - rest;
        var dt = node.Output.DType;
        w.Line("Array.Clear(y, 0, Rt.Size(sh));");
        w.Line("int[] ys = Rt.Contiguous(sh);");
        IndexSetup(w, node, firstIndex: 2, n, b, "sh", "ys");
        var cursors = new Cursor[n + 1];
        cursors[0] = new Cursor("g", "o1", Dims("t1", b));
        for (int j = 2; j < n + 2; j++) cursors[j - 1] = new Cursor($"p{j}", $"o{j}", Dims($"s{j}", b));
        var at = LoopNest.Open(w, "i", Dims("sh1", b), cursors);
        string q = ReadIndices(w, node, firstIndex: 2, n, at.Skip(1).ToArray());
        var inner = LoopNest.Open(w, "j", Dims("sh", n, rest),
        new[]
        {
            new Cursor("r", q, Dims("ys", n, rest)),
            new Cursor("u", at[0], Dims("t1", b, rest)),
        });
        w.Line(dt == DType.Bool ? $"y[{inner[0]}] |= a1[{inner[1]}];" : $"y[{inner[0]}] += a1[{inner[1]}];");
        LoopNest.Close(w, rest);
        LoopNest.Close(w, b);
    }

    /// <summary>Strides of the index arrays aligned on the broadcast index shape (0 where one broadcasts), and the sizes and strides of the indexed dimensions.</summary>
    private static void IndexSetup(CodeWriter w, Apply node, int firstIndex, int n, int b, string xShape, string xStrides)
    {
        for (int j = firstIndex; j < firstIndex + n; j++) w.Line($"int[] s{j} = Rt.Align(t{j}, sh{j}, {b});");
        for (int a = 0; a < n; a++) w.Line($"int x{a} = {xShape}[{a}]; int xs{a} = {xStrides}[{a}];");
    }

    /// <summary>Reads one index per index array at the cursors, wraps negatives, checks the range, and returns the offset expression they select.</summary>
    private static string ReadIndices(CodeWriter w, Apply node, int firstIndex, int n, IReadOnlyList<string> at)
    {
        for (int a = 0; a < n; a++)
        {
            int j = firstIndex + a;
            w.Line($"long v{a} = a{j}[{at[a]}];");
            w.Line($"long w{a} = v{a} < 0 ? v{a} + x{a} : v{a};");
            w.Line($"if ((ulong)w{a} >= (ulong)x{a}) throw new IndexOutOfRangeException(\"Take: index \" + v{a} + \" is out of range for dimension {a}, whose size is \" + x{a} + \".\");");
        }
        return n == 0 ? "0" : Each(n, a => $"(int)w{a} * xs{a}", " + ");
    }

    /// <summary>Zeros shaped like x, with g written into the part basic indexing selects.</summary>
    private static void RenderSubtensorGrad(CodeWriter w, Apply node, SubtensorGrad op)
    {
        var x = node.Inputs[0];
        var g = node.Inputs[1];
        w.Line("Array.Clear(y, 0, Rt.Size(sh));");
        w.Line("int[] ys = Rt.Contiguous(sh);");
        var (start, kept) = Slicing.Layout(op.Entries, x.NDim, "sh", "ys");
        var p = LoopNest.Open(w, "i", Dims("sh1", g.NDim),
        new[]
        {
            new Cursor("q", start, kept.Select(d => $"ys[{d}]").ToArray()),
            new Cursor("p", "o1", Dims("t1", g.NDim)),
        });
        w.Line($"y[{p[0]}] = a1[{p[1]}];");
        LoopNest.Close(w, g.NDim);
    }

    /// <summary>Each operand copied, by loops over its own shape, into its place along the axis.</summary>
    private static void RenderConcatenate(CodeWriter w, Apply node, int axis)
    {
        int rank = node.Output.NDim;
        w.Line("int[] ys = Rt.Contiguous(sh);");
        w.Line("int at = 0;");
        for (int j = 0; j < node.Inputs.Count; j++)
        {
            w.Line("{");
            var p = LoopNest.Open(w, "i", Dims($"sh{j}", rank),
            new[]
            {
                new Cursor("q", $"at * ys[{axis}]", Dims("ys", rank)),
                new Cursor("p", $"o{j}", Dims($"t{j}", rank)),
            });
            w.Line($"y[{p[0]}] = a{j}[{p[1]}];");
            LoopNest.Close(w, rank);
            w.Line("}");
            w.Line($"at += sh{j}[{axis}];");
        }
    }

    /// <summary><c>{array}[0]</c>, <c>{array}[1]</c>, ... for a rank.</summary>
    internal static string[] Dims(string array, int rank) => Dims(array, 0, rank);

    /// <summary><c>{array}[from]</c>, ... for <paramref name="count"/> dimensions (a loop: LINQ over ints is JIT-compiled in every fresh process).</summary>
    internal static string[] Dims(string array, int from, int count)
    {
        var dims = new string[count];
        for (int d = 0; d < count; d++) dims[d] = $"{array}[{from + d}]";
        return dims;
    }
}
