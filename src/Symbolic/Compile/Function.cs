using Symbolic.CodeGen.Cpu;
using Symbolic.Ops;
using Symbolic.Print;
using Symbolic.Rewrite.Engine;
using Symbolic.CodeGen;

namespace Symbolic;

/// <summary>
/// A compiled function: inputs to outputs, with updates of shared variables, as Theano's
/// <c>theano.function</c>. Safe to invoke from many threads at once: calls without updates run in
/// parallel; a call with updates holds the shared variables it reads and writes for its whole
/// duration, so its read-compute-write is atomic, and publishes its new values all at once: no
/// call, with updates or without, sees some of them and not the others.
/// </summary>
public sealed partial class Function
{
    private readonly Variable[] inputs;
    private readonly int outputCount;
    private readonly SharedVariable[] updated;
    private readonly SharedVariable[] gates;
    private readonly SharedVariable[] readOrder;
    private readonly int[] readSlot;
    private readonly SharedVariable[] publishOrder;
    private readonly int[] publishResult;
    private readonly CpuProgram program;

    private Function(Variable[] inputs, int outputCount, SharedVariable[] updated, CpuProgram program, Variable[] optimized, RewriteTrace trace)
    {
        this.inputs = inputs;
        // Read-only wrappers: a caller casting these back to arrays must not change what Invoke checks.
        Inputs = Array.AsReadOnly(inputs);
        this.outputCount = outputCount;
        this.updated = updated;
        this.program = program;
        Optimized = Array.AsReadOnly(optimized);
        RewriteTrace = trace;
        gates = updated.Length == 0
            ? []
            : program.Schedule.SharedInputs.Concat(updated).Distinct().OrderBy(s => s.Id).ToArray();
        var shared = program.Schedule.SharedInputs;
        readOrder = shared.Distinct().OrderBy(s => s.Id).ToArray();
        readSlot = shared.Select(s => Array.IndexOf(readOrder, s)).ToArray();
        publishOrder = updated.OrderBy(s => s.Id).ToArray();
        publishResult = publishOrder.Select(s => outputCount + Array.IndexOf(updated, s)).ToArray();
        Kernels = Array.AsReadOnly(program.Rendered.Kernels.Select(k => new Kernel(k.Name, "csharp", k.Source)).ToArray());
    }

    /// <summary>The function's inputs, in the order <see cref="Invoke"/> takes their values.</summary>
    public IReadOnlyList<Variable> Inputs { get; }

    /// <summary>The graphs compiled: the outputs, then the updates' values, after rewriting.</summary>
    public IReadOnlyList<Variable> Optimized { get; }

    /// <summary>Every rewrite that fired while compiling, in order: why each node looks as it does.</summary>
    public RewriteTrace RewriteTrace { get; }

    /// <summary>One per generated kernel.</summary>
    public IReadOnlyList<Kernel> Kernels { get; }

    /// <summary>The whole generated program, as compiled.</summary>
    public string Source => program.Source;

    /// <summary>
    /// The lowering as text, one step a line: which nodes each kernel fuses, which values it reads,
    /// and whether its result goes to a scratch buffer of the pool or to a fresh array.
    /// </summary>
    public string KernelPlan => Symbolic.CodeGen.PlanText.Print(program.Buffers);

    private long calls;

    /// <summary>
    /// Calls and time per kernel so far, for a function compiled with <c>CompileOptions.Profile</c>
    /// (null otherwise); printing it gives a table, slowest kernel first.
    /// </summary>
    public ProfileReport? Profile
    {
        get
        {
            if (program.Instruments is not { Profile: true } ins) return null;
            var totals = ins.Totals();
            double all = totals.Sum(t => t.Seconds);
            var rows = totals.Select((t, k) => new KernelProfile(ins.Kernels[k], ins.Nodes[k], t.Calls, t.Seconds, all > 0 ? t.Seconds / all : 0))
                .OrderByDescending(r => r.Seconds).ThenBy(r => r.Kernel, StringComparer.Ordinal).ToArray();
            return new ProfileReport(rows, Interlocked.Read(ref calls));
        }
    }

    /// <summary>The optimized graph (outputs, then update values), in Theano's debugprint layout.</summary>
    public string DebugPrint() => DebugPrinter.Print(Optimized);

    public static Function Compile(Variable[] inputs, Variable[] outputs, (SharedVariable, Variable)[]? updates = null, CompileOptions? options = null)
    {
        var (graph, trace, schedule, updatedVars) = Prepare(inputs, outputs, updates, options ?? CompileOptions.Default);
        return new Function(inputs.ToArray(), outputs.Length, updatedVars, CpuProgram.Compile(schedule, (options ?? CompileOptions.Default).Fusion, (options ?? CompileOptions.Default).Profile, (options ?? CompileOptions.Default).NanGuard), graph, trace);
    }

    /// <summary>Renders the program for a device without compiling it or needing the device.</summary>
    public static EmitResult Emit(Variable[] inputs, Variable[] outputs, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Device == Device.Cuda) throw CudaUnavailable("Function.Emit");
        var (_, _, schedule, _) = Prepare(inputs, outputs, null, options);
        var rendered = CpuProgram.Render(schedule, options.Fusion, options.Profile || options.NanGuard);
        return new EmitResult(rendered.Kernels.Select(k => new Kernel(k.Name, "csharp", k.Source)).ToArray(), rendered.Source, null);
    }

    private static (Variable[] Graph, RewriteTrace Trace, Schedule Schedule, SharedVariable[] Updated) Prepare(
        Variable[] inputs, Variable[] outputs, (SharedVariable, Variable)[]? updates, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        updates ??= [];
        if (options.Device == Device.Cuda)
        {
            Symbolic.CodeGen.Cuda.CudaProbe.EnsureDevice();
            throw new DeviceUnavailableException("A CUDA device answers, but the CUDA backend is not built yet: compile for Device.Cpu.");
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"Input {i} is null.");
            if (v is SharedVariable)
                throw new ArgumentException(
                    $"Input {i} {Op.Describe(v)} is a shared variable: a function reads a shared variable's current value itself, so it cannot also take one as an input. Leave it out of the inputs, or use a plain variable (T.Vector and the like) in its place.", nameof(inputs));
            if (v.Owner is not null || v is Constant)
                throw new ArgumentException($"Input {i} {Op.Describe(v)} is {(v is Constant ? "a constant" : "computed from other variables")}; inputs must be variables made by T.Scalar, T.Matrix, T.Tensor and the like.", nameof(inputs));
            int first = Array.FindIndex(inputs, u => ReferenceEquals(u, v));
            if (first != i) throw new ArgumentException($"Input {Op.Describe(v)} is listed twice (positions {first} and {i}).", nameof(inputs));
        }
        for (int i = 0; i < outputs.Length; i++)
            if (outputs[i] is null) throw new ArgumentNullException(nameof(outputs), $"Output {i} is null.");
        var seen = new HashSet<SharedVariable>(ReferenceEqualityComparer.Instance);
        foreach (var (shared, value) in updates)
        {
            ArgumentNullException.ThrowIfNull(shared, nameof(updates));
            ArgumentNullException.ThrowIfNull(value, nameof(updates));
            if (!seen.Add(shared)) throw new ArgumentException($"Shared variable {Op.Describe(shared)} is updated twice.", nameof(updates));
            if (value.DType != shared.DType || value.NDim != shared.NDim)
                throw new ArgumentException(
                    $"The update of shared variable {Op.Describe(shared)} gives {value.Type}: an update must keep the dtype ({shared.DType.ShortName()}) and rank ({shared.NDim}). Cast it if needed.", nameof(updates));
        }
        var all = outputs.Concat(updates.Select(u => u.Item2)).ToArray();
        var inputSet = new HashSet<Variable>(inputs, ReferenceEqualityComparer.Instance);
        var missing = GraphWalk.FreeInputs(all).Where(v => v is not SharedVariable && !inputSet.Contains(v)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"The outputs depend on {string.Join(", ", missing.Select(Op.Describe))}, which {(missing.Count == 1 ? "is" : "are")} not among the inputs.", nameof(inputs));
        var trace = new RewriteTrace();
        if (options.Optimize)
        {
            var rewriteOptions = new RewriteOptions
            {
                ExcludedRules = options.ExcludeRules.ToHashSet(),
                ExcludedPhases = options.ExcludePhases.ToHashSet(),
                ExcludeUnsafe = options.ExcludeUnsafeRules,
                RecordTrace = options.RecordTrace,
            };
            (all, trace) = Rulebook.Engine.Run(all, rewriteOptions);
        }
        return (all, trace, new Schedule(inputs, all), updates.Select(u => u.Item1).ToArray());
    }

    private static DeviceUnavailableException CudaUnavailable(string what) => new(
        $"{what} with Device.Cuda: no CUDA backend is available in this build (the CUDA renderer is not written yet), " +
        "so there is no CUDA source to render and NVRTC (libnvrtc.so) was not looked for. Use Device.Cpu.");

    /// <summary>
    /// Computes the outputs for these input values, then applies every update together. Inputs are
    /// checked first (count, dtype, rank, static sizes, then the shapes they must share); a check
    /// that fails raises <see cref="ArgumentException"/> naming the input, and nothing runs. A call
    /// that throws changes no shared variable.
    /// </summary>
    public NDArray[] Invoke(params NDArray[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // The values checked are the values run, even if the caller's array changes meanwhile.
        args = (NDArray[])args.Clone();
        if (args.Length != inputs.Length)
            throw new ArgumentException(
                $"The function takes {inputs.Length} input{(inputs.Length == 1 ? "" : "s")} ({string.Join(", ", inputs.Select(Op.Describe))}), but {args.Length} {(args.Length == 1 ? "was" : "were")} given.", nameof(args));
        for (int i = 0; i < args.Length; i++) Check(i, args[i]);
        return gates.Length == 0 ? Run(args) : SharedVariable.Holding(gates, v => v.Gate, () => Run(args));
    }

    private NDArray[] Run(NDArray[] args)
    {
        var shared = program.Schedule.SharedInputs;
        var values = new NDArray[args.Length + shared.Count];
        args.CopyTo(values, 0);
        // One consistent set: with no gates held, another call may be publishing its updates now.
        var current = SharedVariable.ReadTogether(readOrder);
        for (int i = 0; i < shared.Count; i++) values[args.Length + i] = current[readSlot[i]];
        int[][] shapes;
        try
        {
            shapes = program.Shapes(values);
            CheckSizes(shapes);
        }
        catch (ShapeMismatchException e)
        {
            var reads = GraphWalk.FreeInputs([e.Node.Output]).ToHashSet(ReferenceEqualityComparer.Instance);
            var named = inputs.Select((v, i) => (v, i)).Where(p => reads.Contains(p.v))
                .Select(p => $"input {p.i} {Op.Describe(p.v)} of shape {NDArray.ShapeText(args[p.i].ShapeSpan)}")
                .Concat(shared.Select((v, i) => (v, i)).Where(p => reads.Contains(p.v))
                    .Select(p => $"shared variable {Op.Describe(p.v)} of shape {NDArray.ShapeText(values[args.Length + p.i].ShapeSpan)}"));
            throw new ArgumentException(
                $"The inputs' shapes do not fit together: {e.Message} That node is computed from {string.Join(", ", named)}.", nameof(args), e);
        }
        var results = program.Run(values, shapes);
        Interlocked.Increment(ref calls);
        if (publishOrder.Length > 0) SharedVariable.Publish(publishOrder, publishResult.Select(r => results[r]).ToArray());
        return results[..outputCount];
    }

    /// <summary>Every node's array must fit in an array: a product of sizes past that is a shape error here, not an overflow in a kernel.</summary>
    private void CheckSizes(int[][] shapes)
    {
        foreach (var step in program.Schedule.Steps)
        {
            var shape = shapes[step.Slot];
            if (shape.Contains(0)) continue;
            long n = 1;
            foreach (var d in shape)
                if ((n *= d) > Array.MaxLength) break;
            if (n > Array.MaxLength)
                throw new ShapeMismatchException(step.Node,
                    $"{step.Node.Op.Name}: an array of shape {NDArray.ShapeText(shape)} would have more elements than an array can hold ({Array.MaxLength}).",
                    new ArgumentException("Too many elements."));
        }
    }

    private void Check(int i, NDArray? a)
    {
        var v = inputs[i];
        if (a is null) throw new ArgumentNullException($"args[{i}]", $"No value was given for input {i} {Op.Describe(v)}.");
        string Expected() => $"a {v.DType.ShortName()} array of rank {v.NDim}{(v.NDim > 0 ? " with shape " + v.Type.ShapeText() : "")}";
        string Got() => $"a {a.DType.ShortName()} array of shape {NDArray.ShapeText(a.ShapeSpan)}";
        if (a.DType != v.DType || a.NDim != v.NDim)
            throw new ArgumentException($"Input {i} {Op.Describe(v)} expects {Expected()}, but got {Got()}.", $"args[{i}]");
        for (int d = 0; d < v.NDim; d++)
            if (v.Type.Shape[d] is { } size && a.ShapeSpan[d] != size)
                throw new ArgumentException($"Input {i} {Op.Describe(v)} expects {Expected()}, but got {Got()}: dimension {d} must be {size}.", $"args[{i}]");
    }
}
