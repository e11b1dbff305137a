using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// Spells a fused elementwise kernel (the loop IR of a kernel plan step) as its row loop and a
/// one-line entry that hands the row loop to <c>Elementwise.Run</c>, the driver every fused kernel
/// shares (compiled once with the library: the fast path for contiguous operands, the run-time
/// <c>Grid</c> of merged dimensions, threading). The row loop is the hot loop: a vector loop
/// (<c>Vec</c>, of the program's <see cref="VectorWidth"/>) where every operand's stride along the row is 1 or 0 (a broadcast value) and the kernel has
/// a vector spelling, then a scalar loop for the tail and for strided rows. Bounds were proved by
/// the shape pass, so loads and stores go through refs without checks. Generating only what differs
/// between kernels keeps programs short, so Roslyn compiles them fast.
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
        int ops = 0;
        foreach (var instr in k.Body) if (instr is ApplyInstr) ops++;
        w.Line($"// y = {CommentText(Describe(k, j => $"a{j}"))}: {k.OutType.ShortName()}, rank {k.Rank}, {ops} op{(ops == 1 ? "" : "s")}, {n} operand{(n == 1 ? "" : "s")}");
        w.Line(HotPath);
        w.Open($"internal static void {name}_row(int m, ref Lanes l)");
        w.Line($"ref {outT} ry = ref l.Ref<{outT}>(0);");
        for (int j = 0; j < n; j++) w.Line($"ref {T(j)} r{j} = ref l.Ref<{T(j)}>({j + 1}); int s{j} = l.Stride({j + 1});");
        w.Line("int i = 0;");
        if (VectorSpelling.Plan(k, hoist: true) is { } path)
            WriteVectorLoop(w, k, path);
        w.Open("for (; i < m; i++)");
        WriteBody(w, k, "x", j => $"Unsafe.Add(ref r{j}, i * s{j})", (a, args) => Expression(a.Op, a.ArgTypes, a.Type, args));
        w.Line($"Unsafe.Add(ref ry, i) = x{k.Result};");
        w.Close();
        w.Close();
        // The entry Run calls: the output's slot and pooled buffer, then the operands' slots.
        var ps = Each(n, j => $", int i{j}");
        var args = Each(n, j => $", i{j}");
        w.Line($"internal static void {name}(Frame f, int k, int b{ps}) => Elementwise.Run<{outT}>(f, k, b, &{name}_row, {Cost(k)}{args});");
        return w.ToString();
    }

    /// <summary>
    /// The vector loop, where every operand's stride along the row is 1 or 0 (and 0 for an operand
    /// the path hoists): the values computed from hoisted operands alone first, once, as scalars
    /// (<c>x</c>) broadcast to vectors (<c>u</c>), then the loop over the rest (<c>v</c>).
    /// </summary>
    private static void WriteVectorLoop(CodeWriter w, LoopKernel k, VectorPath path)
    {
        int n = k.Operands.Count;
        var (u, uo) = (path.Uniform, path.UniformOperands);
        string V = VectorWidth.Of(path.Type);
        var unit = Each(n, j => uo[j] ? $" && s{j} == 0" : $" && (uint)s{j} <= 1u");
        w.Open($"if (Vec.IsHardwareAccelerated && m >= {V}.Count{unit})");
        for (int j = 0; j < n; j++)
            if (!uo[j]) w.Line($"var b{j} = Vec.Create(r{j});");
        var readByLoop = new bool[k.Body.Count];
        for (int i = 0; i < k.Body.Count; i++)
            if (!u[i] && k.Body[i] is ApplyInstr a)
                foreach (var x in a.Args) readByLoop[x] |= u[x];
        for (int i = 0; i < k.Body.Count; i++)
        {
            if (!u[i]) continue;
            w.Line(k.Body[i] switch
            {
                LoadInstr l => $"var x{i} = r{l.Operand};",
                ApplyInstr a => $"var x{i} = {Expression(a.Op, a.ArgTypes, a.Type, Names("x", a.Args))};",
                _ => throw new InvalidOperationException(),
            });
            if (readByLoop[i]) w.Line($"var u{i} = Vec.Create(x{i});");
        }
        w.Open($"for (; i <= m - {V}.Count; i += {V}.Count)");
        for (int i = 0; i < k.Body.Count; i++)
        {
            if (u[i]) continue;
            var text = k.Body[i] switch
            {
                LoadInstr l => $"s{l.Operand} == 0 ? b{l.Operand} : Vec.LoadUnsafe(ref r{l.Operand}, (nuint)i)",
                ApplyInstr a => VectorSpelling.Spell(a, VectorArgs(a.Args, u)),
                _ => throw new InvalidOperationException(),
            };
            w.Line($"var v{i} = {text};");
        }
        w.Line($"v{k.Result}.StoreUnsafe(ref ry, (nuint)i);");
        w.Close();
        w.Close();
    }

    /// <summary>The vector loop's names for an op's arguments: <c>u</c> for a value computed once per row, <c>v</c> for the rest.</summary>
    private static string[] VectorArgs(int[] args, bool[] uniform)
    {
        var names = new string[args.Length];
        for (int j = 0; j < args.Length; j++)
            names[j] = (uniform[args[j]] ? "u" : "v") + args[j].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }

    /// <summary>
    /// Everything <see cref="Render"/> reads of a step, as a string: steps with the same key render
    /// the same text, so a program whose steps compute alike (the links of a chain, the layers of a
    /// network) spells each kernel once, however many steps call it.
    /// </summary>
    public static string Key(PlanStep step)
    {
        var k = step.Loop!;
        var b = new System.Text.StringBuilder();
        b.Append(k.Rank).Append(' ').Append(k.OutType).Append(' ').Append(k.Result).Append('|');
        foreach (var o in k.Operands) b.Append(o.DType).Append(',');
        foreach (var instr in k.Body)
        {
            b.Append('|');
            switch (instr)
            {
                case LoadInstr l:
                    b.Append('L').Append(l.Operand).Append(':').Append(l.Type);
                    break;
                case ApplyInstr a:
                    b.Append(a.Node.Op.Name).Append('/').Append(a.Op.Name).Append('/').Append(a.Op.FixedType);
                    foreach (var x in a.Args) b.Append(' ').Append(x);
                    foreach (var t in a.ArgTypes) b.Append(' ').Append(t);
                    b.Append(':').Append(a.Type);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown loop instruction {instr}.");
            }
        }
        return b.ToString();
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
                ApplyInstr a => spell(a, Names(prefix, a.Args)),
                _ => throw new InvalidOperationException(),
            };
            w.Line($"var {prefix}{i} = {text};");
        }
    }

    /// <summary>The values <paramref name="args"/> of a body, named with <paramref name="prefix"/>.</summary>
    private static string[] Names(string prefix, int[] args)
    {
        var names = new string[args.Length];
        for (int j = 0; j < args.Length; j++) names[j] = prefix + args[j].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }

    /// <summary>A rough cost of one element, in additions: what the kernel plan counts as expensive costs 8.</summary>
    internal static int Cost(LoopKernel k)
    {
        int cost = 0;
        foreach (var instr in k.Body)
            if (instr is ApplyInstr a) cost += KernelPlan.IsCheap(a.Op) ? 1 : 8;
        return Math.Max(1, cost);
    }

    /// <summary>The nodes of a fused step as one expression for a comment: the root's op over its members, slots for the leaves.</summary>
    internal static string Describe(PlanStep step) => Describe(step.Loop!, j => $"n{step.Loop!.Operands[j].Slot}");

    /// <summary>A loop IR's result as one expression, each operand named by <paramref name="operand"/>.</summary>
    internal static string Describe(LoopKernel k, Func<int, string> operand) => k.Describe(operand);

    /// <summary>The scalar op applied to loaded operands: each converted to the type the op reads, the result to the output type.</summary>
    public static string Expression(ScalarOp op, DType[] types, DType outType, string[] load)
    {
        var compute = op.ComputeType(types);
        var operands = new string[load.Length];
        for (int j = 0; j < load.Length; j++) operands[j] = Parenthesize(Convert(load[j], types[j], op.OperandType(j, types)));
        var text = ScalarSpelling.Template(op)
            .Replace("{M}", compute == DType.Float32 ? "MathF" : "Math")
            .Replace("{S}", "Sm");
        for (int j = 0; j < operands.Length; j++) text = text.Replace("{" + j + "}", operands[j]);
        var from = op.TemplateResultType(types);
        return from == outType ? text : Convert("(" + text + ")", from, outType);
    }

    /// <summary>An operand as it can stand inside any spelling: a bare name as it is, anything else in parentheses.</summary>
    private static string Parenthesize(string e)
    {
        foreach (var c in e)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return "(" + e + ")";
        return e;
    }
}
