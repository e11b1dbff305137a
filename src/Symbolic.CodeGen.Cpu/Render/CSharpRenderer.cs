using System.Globalization;
using Symbolic.Ops;
using static Symbolic.CodeGen.Cpu.Render.CSharpNames;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>One generated kernel: its method name and text.</summary>
public sealed record RenderedKernel(string Name, string Source)
{
    /// <summary>
    /// The kernel's identity across programs: the SHA-256 (hex) of its text with the name left out
    /// and of the vector width it is compiled for. Two programs' kernels with one key are the same
    /// code, so a program can call another's compiled kernel instead of compiling its own. Computed
    /// on each read (only compiling needs it, so a program loaded from disk never hashes its kernels).
    /// </summary>
    public string Key => Text.Length == 0 ? "" : CSharpRenderer.KernelKey(Bits, Text);

    /// <summary>The kernel's text with its name left out (a placeholder in its place): what <see cref="Key"/> hashes.</summary>
    internal string Text { get; init; } = "";

    /// <summary>The vector width the kernel is compiled for (its Vec aliases).</summary>
    internal int Bits { get; init; }

    /// <summary>How many int parameters follow the frame in the entry Run calls (<c>K(f, k, b, i0, ...)</c>).</summary>
    public int EntryInts { get; init; }
}

/// <summary>A whole generated program: its kernels and the Run method that calls them.</summary>
public sealed record RenderedProgram(string Source, IReadOnlyList<RenderedKernel> Kernels, IReadOnlyList<Apply> MapNodes)
{
    /// <summary>Every kernel call of Run, in order: the plan step it computes.</summary>
    public IReadOnlyList<PlanStep> KernelSteps { get; init; } = [];

    /// <summary>Every kernel call of Run, in order: the kernel it calls (steps that compute alike share one).</summary>
    public IReadOnlyList<string> CallNames { get; init; } = [];

    /// <summary>
    /// Where each kernel's class (<c>G0</c>, <c>G1</c>, ...) sits in <see cref="Source"/>, in kernel
    /// order: it starts at <c>KernelClasses[2 * i]</c> and ends before <c>KernelClasses[2 * i + 1]</c>
    /// (plain ints: a list of value tuples would be generic code a fresh process JIT-compiles).
    /// </summary>
    internal int[] KernelClasses { get; init; } = [];

    /// <summary>
    /// The tables of kernel calls Run walks (<c>Steps(f, f.Tables[t])</c>): data the program is
    /// given at run time, so they are not part of its source (nor of its cache key). Each is rows of
    /// ints, one after another: the kernel's number, the slot it writes, its pooled buffer (-1: an
    /// array of its own), then the slots it reads; <see cref="TablesText"/> lists them.
    /// </summary>
    public IReadOnlyList<int[]> Tables { get; init; } = [];

    /// <summary>The <see cref="Tables"/> for reading: a row a line, with what the call computes (empty where there are none).</summary>
    public string TablesText { get; init; } = "";

    /// <summary>Whether <see cref="KernelClasses"/> places every kernel (a program rendered here, not given as text).</summary>
    internal bool Placed => KernelClasses.Length == 2 * Kernels.Count;
}

/// <summary>
/// Spells a lowered program (kernel plan and buffer plan) as one C# class: static methods per
/// kernel (a fused elementwise group, or one node), each kernel in a nested class of its own, and a Run method that walks the plan over a
/// <c>Frame</c>: views by stride arithmetic, kernels writing into the storage the buffer plan
/// gives them. Run is cut into parts of a bounded number of steps and keeps no local per slot, so
/// the program stays within the compiler's limits whatever the graph's size. Every identifier
/// comes from a slot or a kernel's position; user names never appear.
/// </summary>
public static class CSharpRenderer
{
    public const string ClassName = "SymbolicProgram";

    /// <summary>At most this many steps go in one Run part.</summary>
    private const int StepsPerPart = 200;

    /// <summary>At least this many kernel calls in a row are spelled as a table rather than as calls.</summary>
    private const int TableRows = 32;


    /// <summary>Stands for a kernel's name while its text is compared with the kernels spelled before.</summary>
    private const string Placeholder = "K__";

    /// <param name="buffers">The lowering to spell.</param>
    /// <param name="instrument">Wrap every kernel call in <c>f.I.Start()</c> and <c>f.I.Done(...)</c> (profiling, NaN guard).</param>
    /// <param name="vectorBits">The width of the kernels' vectors, 256 or 512 (null: <see cref="VectorWidth.Default"/>).</param>
    public static RenderedProgram Render(BufferPlan buffers, bool instrument = false, int? vectorBits = null)
    {
        int bits = VectorWidth.Resolve(vectorBits);
        var plan = buffers.Plan;
        var s = plan.Schedule;
        var kernels = new List<RenderedKernel>();
        var kernelSteps = new List<PlanStep>();
        var callNames = new List<string>();
        var byText = new Dictionary<string, string>(StringComparer.Ordinal);
        var fusedText = new Dictionary<string, string>(StringComparer.Ordinal);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var maps = new List<Apply>();
        var parts = new List<CodeWriter>();
        CodeWriter? part = null;
        // Kernel calls in a row are kept back, and spelled as a table that Steps walks where there
        // are enough of them (a table's rows cost Roslyn far less than as many calls to bind).
        var pending = new List<Call>();
        var tables = new List<List<Call>>();
        void Flush()
        {
            if (pending.Count == 0) return;
            if (!instrument && pending.Count >= TableRows)
            {
                part!.Line($"Steps(f, f.Tables[{tables.Count}]); // {pending.Count} kernel calls: {pending[0].Comment[3..]} ... {pending[^1].Comment[3..]}");
                tables.Add([.. pending]);
            }
            else
                foreach (var c in pending)
                {
                    part!.Line(c.Comment);
                    part.Line(c.Invoke);
                }
            pending.Clear();
        }
        for (int at = 0; at < plan.Steps.Count; at++)
        {
            if (at % StepsPerPart == 0)
            {
                Flush();
                part = new CodeWriter();
                part.Open($"static void Part{parts.Count}(Frame f)");
                parts.Add(part);
            }
            var step = plan.Steps[at];
            var (node, k, ins) = (step.Node, step.Slot, step.Root.InputSlots);
            switch (step.Kind)
            {
                case PlanKind.View:
                    Flush();
                    part!.Line($"// n{k} = {CommentText(node.Op.Name)}({SlotNames(ins)})");
                    RenderView(part, node, k, ins);
                    break;
                case PlanKind.Loop:
                {
                    Flush();
                    part!.Line($"// n{k} = {CommentText(node.Op.Name)}({SlotNames(ins)})");
                    var arrays = new string[ins.Length - 1];
                    var shapes = new string[ins.Length - 1];
                    for (int c = 1; c < ins.Length; c++)
                    {
                        int i = ins[c];
                        arrays[c - 1] = $"Rt.Dense({Data(s, i)}, f.O[{i}], f.T[{i}], f.S[{i}])";
                        shapes[c - 1] = $"f.S[{i}]";
                    }
                    part.Line($"f.Bind({k}, f.Maps[{maps.Count}].Run<{Type(node.Output.DType)}>(f.S[{k}], new System.Array[] {{ {string.Join(", ", arrays)} }}, new int[][] {{ {string.Join(", ", shapes)} }}));");
                    maps.Add(node);
                    break;
                }
                default:
                {
                    // Kernels are spelled without slots, so steps that compute alike (the layers of
                    // a network, the links of a chain) share one method.
                    var reads = step.Loop is { } || step.Row is { } ? ToArray(step.Reads) : ins;
                    string text;
                    if (step.Kind == PlanKind.Fused)
                    {
                        // Rendered once per kind of fused step (a large program has thousands of alike steps).
                        var key = FusedKernel.Key(step);
                        if (!fusedText.TryGetValue(key, out text!)) fusedText[key] = text = FusedKernel.Render(Placeholder, step);
                    }
                    else
                        text = (step.Row is { } r ? RowStepKernel.Render(Placeholder, step, r) : RenderKernel(Placeholder, step))
                            + FrameAdapter(node, DTypesOf(s, reads), node.Op is Reduce);
                    // The row: kernel, slot, buffer, then the slots read (and a reduction's input, for its shape).
                    int extra = node.Op is Reduce && ins[0] >= 0 ? 1 : 0;
                    if (!byText.TryGetValue(text, out var name))
                    {
                        name = $"K{kernels.Count}_{(step.Row is { } rn ? (rn.Form == RowForm.LogSoftmax ? "log_softmax" : "log_softmax_grad") : Ident(node.Op.Name))}";
                        byText[text] = name;
                        indexOf[name] = kernels.Count;
                        kernels.Add(new RenderedKernel(name, text.Replace(Placeholder, name))
                        {
                            Text = text,
                            Bits = bits,
                            EntryInts = 2 + reads.Length + extra,
                        });
                    }
                    int call = kernelSteps.Count;
                    kernelSteps.Add(step);
                    callNames.Add(name);
                    var comment = step.Kind == PlanKind.Fused
                        ? $"// n{k} = {CommentText(FusedKernel.Describe(step))}"
                        : step.Row is { } rs ? $"// n{k} = {RowStepKernel.Describe(rs, i => "n" + i)}"
                        : $"// n{k} = {CommentText(node.Op.Name)}({SlotNames(ins)})";
                    var storage = buffers.Storage[k] == StorageKind.Pooled ? buffers.BufferOf[k] : -1;
                    var tableRow = new int[3 + reads.Length + extra];
                    (tableRow[0], tableRow[1], tableRow[2]) = (indexOf[name], k, storage);
                    Array.Copy(reads, 0, tableRow, 3, reads.Length);
                    if (extra == 1) tableRow[^1] = ins[0];
                    var invoke = $"{name}(f, {k}, {storage}{Each(tableRow.Length - 3, i => ", " + tableRow[3 + i])});";
                    invoke = $"G{indexOf[name]}.{invoke}";
                    pending.Add(new Call(comment, instrument ? $"{{ long t = f.I!.Start(); {invoke} f.I.Done(f, {call}, {k}, t); }}" : invoke, tableRow));
                    break;
                }
            }
        }

        Flush();

        var w = new CodeWriter();
        w.Line("// <auto-generated> by Symbolic: one program for one function. Slots n0.. are graph positions:");
        w.Line($"// {s.Inputs.Count} input{(s.Inputs.Count == 1 ? "" : "s")} first, then {s.Constants.Count} constant{(s.Constants.Count == 1 ? "" : "s")}, then one slot per node in topological order.");
        w.Line($"// {kernels.Count} kernel{(kernels.Count == 1 ? "" : "s")}, {buffers.BufferTypes.Count} scratch buffer{(buffers.BufferTypes.Count == 1 ? "" : "s")}.");
        w.Line("using System;");
        w.Line("using System.Runtime.CompilerServices;");
        w.Line("using System.Runtime.InteropServices;");
        w.Line("using System.Runtime.Intrinsics;");
        w.Line("using Symbolic.CodeGen.Cpu.Runtime;");
        w.Line($"// Vectors of {bits} bits: the kernels' Vec, VecF, VecD and VM.");
        foreach (var alias in VectorWidth.Aliases(bits)) w.Line(alias);
        w.Line("using Sm = Symbolic.Runtime.ScalarMath;");
        w.Line();
        w.Line("namespace Symbolic.Generated;");
        w.Line();
        w.Open($"public static unsafe class {ClassName}");
        // Each kernel sits in a class of its own, G0, G1, ..., which Run and its parts call it through:
        // Roslyn compiles one class's methods one after another but classes in parallel, so the
        // kernels of a program compile on every core (a new 14-kernel training graph: 78-118 ms in
        // one class, 44-81 ms apart, 2 cores).
        var classes = new int[2 * kernels.Count];
        for (int i = 0; i < kernels.Count; i++)
        {
            int start = w.Length;
            w.Open($"internal static class G{i}");
            foreach (var line in kernels[i].Source.TrimEnd('\n').Split('\n')) w.Line(line);
            w.Close();
            w.Line();
            (classes[2 * i], classes[2 * i + 1]) = (start, w.Length);
        }
        w.Open("public static void Run(Frame f)");
        for (int p = 0; p < parts.Count; p++) w.Line($"Part{p}(f);");
        w.Close();
        foreach (var p in parts)
        {
            p.Close();
            w.Line();
            foreach (var line in p.ToString().TrimEnd('\n').Split('\n')) w.Line(line);
        }
        if (tables.Count > 0) WriteSteps(w, tables, kernels);
        w.Close();
        var program = new RenderedProgram(w.ToString(), kernels, maps) { KernelSteps = kernelSteps, CallNames = callNames, KernelClasses = classes };
        // Most programs have no table (fewer than TableRows calls in a row): nothing more to make.
        if (tables.Count == 0) return program;
        var data = new int[tables.Count][];
        for (int t = 0; t < data.Length; t++) data[t] = TableData(tables[t]);
        return program with { Tables = data, TablesText = TablesText(tables) };
    }

    /// <summary>A kernel's <see cref="RenderedKernel.Key"/>: its text (name left out) and the vector width its aliases stand for.</summary>
    internal static string KernelKey(int bits, string text) =>
        Symbolic.CodeGen.Sha256.ToHex(Symbolic.CodeGen.Sha256.Hash(System.Text.Encoding.UTF8.GetBytes($"{bits}\n{text}")));

    /// <summary>
    /// The program's source with the kernels marked in <paramref name="linked"/> compiled elsewhere:
    /// each such class keeps its entry, which calls through a pointer field, and a <c>Link</c> method
    /// (its arguments: the pointers, in kernel order, and what holds the code they point into, kept in
    /// a static field so that the load contexts of that code live as long as this program's) sets the
    /// fields once the program is loaded. Run and the other kernels are the text of
    /// <see cref="RenderedProgram.Source"/> unchanged.
    /// </summary>
    internal static string LinkedSource(RenderedProgram program, IReadOnlyList<bool> linked)
    {
        var source = program.Source;
        var classes = program.KernelClasses;
        int count = program.Kernels.Count;
        if (!program.Placed || linked.Count != count)
            throw new ArgumentException("The program's kernels and the kernels to link do not match.", nameof(linked));
        var w = new CodeWriter();
        var link = new List<string>();
        for (int i = 0; i < count; i++)
        {
            if (!linked[i]) continue;
            var kernel = program.Kernels[i];
            var ps = Each(kernel.EntryInts - 2, j => $", int i{j}");
            var args = Each(kernel.EntryInts - 2, j => $", i{j}");
            var types = Each(kernel.EntryInts, _ => "int, ");
            w.Line($"// {kernel.Name} was compiled before (kernel {kernel.Key[..16]}): called through the pointer Link sets.");
            w.Open($"internal static class G{i}");
            w.Line("internal static nint P;");
            w.Line($"internal static void {kernel.Name}(Frame f, int k, int b{ps}) => ((delegate*<Frame, {types}void>)P)(f, k, b{args});");
            w.Close();
            w.Line();
            link.Add($"G{i}.P = p[{link.Count}];");
        }
        w.Line("// What holds the kernels compiled before: while this program is loaded, so are they.");
        w.Line("static object Held;");
        w.Line("// Sets the pointers of the kernels compiled before, in kernel order.");
        w.Line($"public static void {LinkName}(nint[] p, object held) {{ Held = held; {string.Join(" ", link)} }}");
        w.Line();
        // The stubs and Link at the class's indentation, in place of the kernels' classes.
        var stubs = string.Join("\n", w.ToString().TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? l : "    " + l)) + "\n";
        var sb = new System.Text.StringBuilder(source.Length);
        int at = count > 0 ? classes[0] : source.Length;
        sb.Append(source, 0, at);
        for (int i = 0; i < count; i++)
            if (!linked[i]) sb.Append(source, classes[2 * i], classes[2 * i + 1] - classes[2 * i]);
        sb.Append(stubs);
        int end = count > 0 ? classes[^1] : at;
        sb.Append(source, end, source.Length - end);
        return sb.ToString();
    }

    /// <summary>The method of a linked program that takes the pointers of the kernels compiled before.</summary>
    public const string LinkName = "Link";

    /// <summary>
    /// <c>Steps</c>, which walks a table of kernel calls (a row per call: the kernel's number, the
    /// slot it writes, its pooled buffer or -1, then the slots it reads), calling each row's kernel.
    /// The tables themselves are the program's data (<see cref="RenderedProgram.Tables"/>, handed to
    /// it in <c>Frame.Tables</c>), not source: as array initializers they were most of a large
    /// program's text and of Roslyn's time (the gradient of a 3,000-link chain: 600 KB of 630).
    /// </summary>
    private static void WriteSteps(CodeWriter w, List<List<Call>> tables, List<RenderedKernel> kernels)
    {
        w.Line();
        w.Line("// Walks a table of kernel calls (f.Tables): per row the kernel's number, the slot it writes, its pooled buffer (-1: an array of its own), then the slots it reads.");
        w.Open("static void Steps(Frame f, int[] s)");
        w.Open("for (int at = 0; at < s.Length;)");
        w.Open("switch (s[at])");
        // A case per kernel the tables call; a row's length says how many slots it reads.
        // The first row of each kernel called, in kernel order.
        var called = new int[]?[kernels.Count];
        foreach (var table in tables)
            foreach (var c in table)
                called[c.Row[0]] ??= c.Row;
        for (int kernel = 0; kernel < called.Length; kernel++)
        {
            if (called[kernel] is not { } r) continue;
            int n = r.Length - 3;
            var args = Each(n + 2, j => $", s[at + {j + 1}]");
            w.Line($"case {kernel}: G{kernel}.{kernels[kernel].Name}(f{args}); at += {n + 3}; break;");
        }
        w.Line("default: throw new InvalidOperationException($\"No kernel {s[at]}.\");");
        w.Close();
        w.Close();
        w.Close();
    }

    /// <summary>A table's rows, one after another.</summary>
    private static int[] TableData(List<Call> table)
    {
        int length = 0;
        foreach (var c in table) length += c.Row.Length;
        var data = new int[length];
        int at = 0;
        foreach (var c in table)
        {
            Array.Copy(c.Row, 0, data, at, c.Row.Length);
            at += c.Row.Length;
        }
        return data;
    }

    /// <summary>The tables as text, a row a line with what the call computes (<see cref="RenderedProgram.TablesText"/>).</summary>
    private static string TablesText(List<List<Call>> tables)
    {
        var w = new CodeWriter();
        for (int t = 0; t < tables.Count; t++)
        {
            w.Line($"// f.Tables[{t}]: per row the kernel's number, the slot it writes, its pooled buffer (-1: an array of its own), then the slots it reads.");
            foreach (var c in tables[t]) w.Line($"{Each(c.Row.Length, i => c.Row[i].ToString(CultureInfo.InvariantCulture), ", ")} {c.Comment}");
        }
        return w.ToString();
    }

    /// <summary>
    /// The overload Run calls: a kernel's operands by slot number, read from the frame, so a call is
    /// one short line and the reading is spelled once per kernel, not once per call.
    /// </summary>
    private static string FrameAdapter(Apply node, DType[] operands, bool reduce)
    {
        var ps = Each(operands.Length, j => $", int i{j}") + (reduce ? ", int ix" : "");
        var args = Each(operands.Length, j => $", ({Type(operands[j])}[])f.D[i{j}], f.O[i{j}], f.T[i{j}], f.S[i{j}]") + (reduce ? ", f.S[ix]" : "");
        return $"internal static void {Placeholder}(Frame f, int k, int b{ps}) =>\n    {Placeholder}(f.Out<{Type(node.Output.DType)}>(k, b), f.S[k]{args});\n";
    }

    /// <summary>A slot's storage, typed: <c>(float[])f.D[3]</c>.</summary>
    private static string Data(Schedule s, int slot) => $"({Type(s.Slots[slot].DType)}[])f.D[{slot}]";

    private static void RenderView(CodeWriter run, Apply node, int k, int[] ins)
    {
        int i = ins[0];
        switch (node.Op)
        {
            case DimShuffle ds:
            {
                var strides = new List<string>();
                for (int d = 0; d < ds.Pattern.Count; d++)
                {
                    int p = ds.Pattern[d];
                    strides.Add(p < 0 ? "0" : $"f.T[{i}][{p}]");
                }
                run.Line($"f.View({k}, {i}, f.O[{i}], {IntArray(strides)});");
                break;
            }
            case StopGradient:
                run.Line($"f.View({k}, {i}, f.O[{i}], f.T[{i}]);");
                break;
            case Subtensor st:
            {
                var (offset, kept) = Slicing.Layout(st.Entries, node.Inputs[0].NDim, $"f.S[{i}]", $"f.T[{i}]");
                var strides = new List<string>();
                foreach (var d in kept) strides.Add($"f.T[{i}][{d}]");
                run.Line($"f.View({k}, {i}, f.O[{i}] + {offset}, {IntArray(strides)});");
                break;
            }
            case SplitPart sp:
            {
                var before = new List<string> { "0" };
                for (int j = 1; j <= sp.Part && j < ins.Length; j++) before.Add($"f.S[{ins[j]}][{sp.Axis}]");
                run.Line($"f.View({k}, {i}, f.O[{i}] + ({string.Join(" + ", before)}) * f.T[{i}][{sp.Axis}], f.T[{i}]);");
                break;
            }
            case Reshape:
                run.Line($"f.Set({k}, Views.Reshape(({Type(node.Inputs[0].DType)}[])f.D[{i}], f.O[{i}], f.T[{i}], f.S[{i}], f.S[{k}]));");
                break;
            default:
                throw new NotSupportedException($"The C# backend has no view for {node.Op.Name}.");
        }
    }

    /// <summary>An int[] expression of the given elements (an empty array for none).</summary>
    private static string IntArray(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "System.Array.Empty<int>()" : $"new int[] {{ {string.Join(", ", list)} }}";
    }

    /// <summary>A kernel of one node, writing into <c>y</c> (contiguous from 0, at least as long as the result; not zeroed).</summary>
    private static string RenderKernel(string name, PlanStep step)
    {
        var (node, k, ins) = (step.Node, step.Slot, step.Root.InputSlots);
        var w = new CodeWriter();
        var outType = Type(node.Output.DType);
        var args = step.Loop is { } loop
            ? Each(loop.Operands.Count, j => $", {Type(loop.Operands[j].DType)}[] a{j}, int o{j}, int[] t{j}, int[] sh{j}") + ", int[] shx"
            : Each(ins.Length, j => $", {Type(node.Inputs[j].DType)}[] a{j}, int o{j}, int[] t{j}, int[] sh{j}");
        var of = step.Members.Count > 1 ? $" of {CommentText(FusedKernel.Describe(step.Loop!, j => $"a{j}"))}" : $"({Each(ins.Length, j => "a" + j, ", ")})";
        w.Line($"// y = {CommentText(node.Op.Name)}{of}: {node.Output.DType.ShortName()}, rank {node.Output.NDim}");
        w.Open($"internal static void {name}({outType}[] y, int[] sh{args})");
        string helpers = "";
        switch (node.Op)
        {
            case Reduce r: helpers = ReduceKernel.Render(w, name, r, node, step.Loop!); break;
            case var op when SpecializedKernel.Handles(op): SpecializedKernel.Render(w, node); break;
            default: StructuralKernel.Render(w, node); break;
        }
        w.Close();
        return w.ToString() + helpers;
    }

    internal static string Literal(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // Small loops in place of LINQ over ints: generic code over value types is JIT-compiled in every
    // fresh process, even with the library precompiled (ReadyToRun), since no image holds it.

    /// <summary>Slots as a comment spells them: <c>n3, n7</c>.</summary>
    private static string SlotNames(int[] slots) => Each(slots.Length, i => "n" + slots[i], ", ");

    private static int[] ToArray(IReadOnlyList<int> items)
    {
        var a = new int[items.Count];
        for (int i = 0; i < a.Length; i++) a[i] = items[i];
        return a;
    }

    private static DType[] DTypesOf(Schedule s, int[] slots)
    {
        var types = new DType[slots.Length];
        for (int i = 0; i < types.Length; i++) types[i] = s.Slots[slots[i]].DType;
        return types;
    }

    /// <summary>A kernel call kept back for a table: its comment, its call as a statement, its table row.</summary>
    private sealed record Call(string Comment, string Invoke, int[] Row);
}
