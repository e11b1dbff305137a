using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// Spells a fused elementwise kernel (the loop IR of a kernel plan step) as three methods: the
/// entry, which builds the run-time <c>Grid</c> (merged dimensions) and runs on one thread or, past
/// a size that pays for the fork, over chunks on the cores; a span method, which walks rows of a
/// span of the flat output carrying one position per operand; and a row method, the hot loop: a
/// <c>Vector256</c> loop where every operand's stride along the row is 1 or 0 (a broadcast value)
/// and the kernel has a vector spelling, then a scalar loop for the tail and for strided rows.
/// Bounds were proved by the shape pass, so loads and stores go through refs without checks.
/// </summary>
internal static class FusedKernel
{
    public static string Render(string name, PlanStep step)
    {
        var k = step.Loop!;
        var w = new CodeWriter();
        int n = k.Operands.Count;
        string outT = Type(k.OutType);
        string T(int j) => Type(k.Operands[j].DType);
        w.Line($"// y = {CommentText(Describe(k, j => $"a{j}"))}: {k.OutType.ShortName()}, rank {k.Rank}, {k.Body.OfType<ApplyInstr>().Count()} op{(k.Body.OfType<ApplyInstr>().Count() == 1 ? "" : "s")}, {n} operand{(n == 1 ? "" : "s")}");
        // Entry.
        var entryArgs = string.Concat(Enumerable.Range(0, n).Select(j => $", {T(j)}[] a{j}, int o{j}, int[] t{j}, int[] sh{j}"));
        w.Open($"internal static void {name}({outT}[] y, int[] sh{entryArgs})");
        // The common case first, with no allocation: every operand is contiguous in the output's
        // order or a single value (stride 1 or 0 over the flat index), and the work is too small to
        // split: one call of the row method over the whole output.
        w.Line("int n = Rt.Size(sh);");
        w.Line("if (n == 0) return;");
        for (int j = 0; j < n; j++) w.Line($"int f{j} = Rt.FlatStride(t{j}, sh{j}, n);");
        var flat = n == 0 ? "true" : string.Join(" && ", Enumerable.Range(0, n).Select(j => $"f{j} >= 0"));
        w.Open($"if ({flat} && !Grid.Worth(n, {Cost(k)}))");
        w.Line($"{name}_row(n, y, 0{string.Concat(Enumerable.Range(0, n).Select(j => $", a{j}, o{j}, f{j}"))});");
        w.Line("return;");
        w.Close();
        var aligned = string.Join(", ", Enumerable.Range(0, n).Select(j => $"Rt.Align(t{j}, sh{j}, {k.Rank})"));
        var offsets = string.Join(", ", Enumerable.Range(0, n).Select(j => $"o{j}"));
        w.Line($"var g = new Grid(sh, new int[] {{ {offsets} }}, new int[][] {{ {aligned} }});");
        var arrays = string.Concat(Enumerable.Range(0, n).Select(j => $", a{j}"));
        w.Line($"if (g.Parallel({Cost(k)})) {name}_par(g, y{arrays});");
        w.Line($"else {name}_span(g, 0, g.Count, y{arrays});");
        w.Close();
        var arrayParams = string.Concat(Enumerable.Range(0, n).Select(j => $", {T(j)}[] a{j}"));
        w.Line($"internal static void {name}_par(Grid g, {outT}[] y{arrayParams}) => g.ForChunks((lo, hi) => {name}_span(g, lo, hi, y{arrays}));");
        // Span: rows of [lo, hi).
        w.Line(HotPath);
        w.Open($"internal static void {name}_span(Grid g, long lo, long hi, {outT}[] y{arrayParams})");
        w.Line($"Span<int> p = stackalloc int[{Math.Max(n, 1)}];");
        w.Line("Span<int> idx = stackalloc int[g.Rank];");
        w.Line($"int len = g.Len;{string.Concat(Enumerable.Range(0, n).Select(j => $" int s{j} = g.Inner({j});"))}");
        w.Line("long row = lo / len;");
        w.Line("int col = (int)(lo - row * len);");
        w.Line($"g.Seek(row, idx, p{(n == 0 ? "[..0]" : "")});");
        w.Open("for (long at = lo; at < hi; col = 0)");
        w.Line("int m = (int)Math.Min(len - col, hi - at);");
        w.Line($"{name}_row(m, y, (int)at{string.Concat(Enumerable.Range(0, n).Select(j => $", a{j}, p[{j}] + col * s{j}, s{j}"))});");
        w.Line("at += m;");
        w.Line($"g.Next(idx, p{(n == 0 ? "[..0]" : "")});");
        w.Close();
        w.Close();
        // Row: the hot loop.
        var rowParams = string.Concat(Enumerable.Range(0, n).Select(j => $", {T(j)}[] a{j}, int p{j}, int s{j}"));
        w.Line(HotPath);
        w.Open($"internal static void {name}_row(int m, {outT}[] y, int py{rowParams})");
        w.Line($"ref {outT} ry = ref MemoryMarshal.GetArrayDataReference(y);");
        for (int j = 0; j < n; j++) w.Line($"ref {T(j)} r{j} = ref MemoryMarshal.GetArrayDataReference(a{j});");
        w.Line("int i = 0;");
        if (VectorSpelling.VectorType(k) is { } vt)
        {
            string V = $"Vector256<{Type(vt)}>";
            var unit = string.Concat(Enumerable.Range(0, n).Select(j => $" && (uint)s{j} <= 1u"));
            w.Open($"if (Vector256.IsHardwareAccelerated && m >= {V}.Count{unit})");
            for (int j = 0; j < n; j++) w.Line($"var b{j} = Vector256.Create(Unsafe.Add(ref r{j}, p{j}));");
            w.Open($"for (; i <= m - {V}.Count; i += {V}.Count)");
            WriteBody(w, k, "v", j => $"s{j} == 0 ? b{j} : Vector256.LoadUnsafe(ref r{j}, (nuint)(p{j} + i))", (a, args) => VectorSpelling.Spell(a, args));
            w.Line($"v{k.Result}.StoreUnsafe(ref ry, (nuint)(py + i));");
            w.Close();
            w.Close();
        }
        w.Open("for (; i < m; i++)");
        WriteBody(w, k, "x", j => $"Unsafe.Add(ref r{j}, p{j} + i * s{j})", (a, args) => Expression(a.Op, a.ArgTypes, a.Type, args));
        w.Line($"Unsafe.Add(ref ry, py + i) = x{k.Result};");
        w.Close();
        w.Close();
        return w.ToString();
    }

    /// <summary>
    /// Loops are compiled fully optimized on their first call: a kernel may run only a few times, and
    /// tiered compilation would run those calls unoptimized, with every vector op and VMath call a
    /// real call.
    /// </summary>
    internal const string HotPath = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

    /// <summary>One line per value of the body that the result needs, in order: <c>var {prefix}{i} = ...;</c>.</summary>
    internal static void WriteBody(CodeWriter w, LoopKernel k, string prefix, Func<int, string> load, Func<ApplyInstr, string[], string> spell)
    {
        for (int i = 0; i < k.Body.Count; i++)
        {
            var text = k.Body[i] switch
            {
                LoadInstr l => load(l.Operand),
                ApplyInstr a => spell(a, a.Args.Select(x => $"{prefix}{x}").ToArray()),
                _ => throw new InvalidOperationException(),
            };
            w.Line($"var {prefix}{i} = {text};");
        }
    }

    /// <summary>A rough cost of one element, in additions: what the kernel plan counts as expensive costs 8.</summary>
    private static int Cost(LoopKernel k) =>
        Math.Max(1, k.Body.OfType<ApplyInstr>().Sum(a => KernelPlan.IsCheap(a.Op) ? 1 : 8));

    /// <summary>The nodes of a fused step as one expression for a comment: the root's op over its members, slots for the leaves.</summary>
    internal static string Describe(PlanStep step) => Describe(step.Loop!, j => $"n{step.Loop!.Operands[j].Slot}");

    /// <summary>A loop IR's result as one expression, each operand named by <paramref name="operand"/>.</summary>
    internal static string Describe(LoopKernel k, Func<int, string> operand) => k.Describe(operand);

    /// <summary>The scalar op applied to loaded operands: each converted to the type the op reads, the result to the output type.</summary>
    public static string Expression(ScalarOp op, DType[] types, DType outType, string[] load)
    {
        var compute = op.ComputeType(types);
        var operands = load.Select((l, j) => Parenthesize(Convert(l, types[j], op.OperandType(j, types)))).ToArray();
        var text = ScalarSpelling.Template(op)
            .Replace("{M}", compute == DType.Float32 ? "MathF" : "Math")
            .Replace("{S}", "Sm");
        for (int j = 0; j < operands.Length; j++) text = text.Replace("{" + j + "}", operands[j]);
        var from = op.TemplateResultType(types);
        return from == outType ? text : Convert("(" + text + ")", from, outType);
    }

    /// <summary>An operand as it can stand inside any spelling: a bare name as it is, anything else in parentheses.</summary>
    private static string Parenthesize(string e) => e.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? e : "(" + e + ")";
}
