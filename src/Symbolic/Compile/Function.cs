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
/// <para>
/// An update writes its value into an array the variable recycles where it has one: a value it
/// held before that nobody outside could have seen (never returned by
/// <see cref="SharedVariable.Value"/> or as an output, and read by no call still running). So a
/// steady-state training step allocates no new weights, and an array a caller holds is never
/// written.
/// </para>
/// <para>
/// A function compiled for <see cref="Device.Cuda"/> holds device resources (its module, constants
/// and scratch buffers): dispose it to free them at once. The shared variables it updates keep their
/// new values on the device, copied to the host only when <see cref="SharedVariable.Value"/> is read.
/// </para>
/// </summary>
public sealed partial class Function : IDisposable
{
    private readonly Variable[] inputs;
    private readonly int outputCount;
    private readonly SharedVariable[] updated;
    private readonly SharedVariable[] gates;
    private readonly SharedVariable[] readOrder;
    private readonly int[] readSlot;
    private readonly SharedVariable[] publishOrder;
    private readonly int[] publishResult;
    private readonly CpuProgram? program;
    private readonly Symbolic.CodeGen.Cuda.Runtime.CudaProgram? cuda;
    private readonly Schedule schedule;

    private Function(Variable[] inputs, int outputCount, SharedVariable[] updated, CpuProgram? program, Symbolic.CodeGen.Cuda.Runtime.CudaProgram? cuda, Variable[] optimized, RewriteTrace trace)
    {
        this.cuda = cuda;
        schedule = program?.Schedule ?? cuda!.Schedule;
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
            : schedule.SharedInputs.Concat(updated).Distinct().OrderBy(s => s.Id).ToArray();
        var shared = schedule.SharedInputs;
        readOrder = shared.Distinct().OrderBy(s => s.Id).ToArray();
        publishOrder = updated.OrderBy(s => s.Id).ToArray();
        // Loops rather than LINQ into int arrays: generic code over value types is JIT-compiled in every fresh process.
        readSlot = new int[shared.Count];
        for (int i = 0; i < readSlot.Length; i++) readSlot[i] = Array.IndexOf(readOrder, shared[i]);
        publishResult = new int[publishOrder.Length];
        for (int i = 0; i < publishResult.Length; i++) publishResult[i] = outputCount + Array.IndexOf(updated, publishOrder[i]);
        Kernels = program is not null
            ? Array.AsReadOnly(program.Rendered.Kernels.Select(k => new Kernel(k.Name, "csharp", k.Source)).ToArray())
            : Array.AsReadOnly(cuda!.Module.Kernels.Select(k => new Kernel(k.Name, "cuda", k.Source)).ToArray());
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
    public string Source => program?.Source ?? cuda!.Module.Source;

    /// <summary>
    /// The tables of kernel calls the C# program's Run walks (<c>Steps(f, f.Tables[0])</c>), a row a
    /// line with what the call computes: data the program is given, not part of <see cref="Source"/>.
    /// Empty where there are none (long runs of kernel calls become tables) and on CUDA.
    /// </summary>
    public string SourceTables => program?.Rendered.TablesText ?? "";

    /// <summary>Where the function runs.</summary>
    public Device Device => cuda is null ? Device.Cpu : Device.Cuda;

    /// <summary>
    /// The lowering as text, one step a line: which nodes each kernel fuses, which values it reads,
    /// and whether its result goes to a scratch buffer of the pool or to a fresh array.
    /// </summary>
    public string KernelPlan => Symbolic.CodeGen.PlanText.Print(program?.Buffers ?? cuda!.Module.Buffers);

    private long calls;

    /// <summary>
    /// Calls and time per kernel so far, for a function compiled with <c>CompileOptions.Profile</c>
    /// (null otherwise); printing it gives a table, slowest kernel first.
    /// </summary>
    public ProfileReport? Profile
    {
        get
        {
            if (program?.Instruments is not { Profile: true } ins) return null;
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
        options ??= CompileOptions.Default;
        // Before any rewriting: with no usable driver or device, say so at once (Emit needs neither).
        if (options.Device == Device.Cuda) Symbolic.CodeGen.Cuda.CudaProbe.EnsureDevice();
        var (graph, trace, schedule, updatedVars) = Prepare(inputs, outputs, updates, options);
        if (options.Device == Device.Cuda)
            return new Function(inputs.ToArray(), outputs.Length, updatedVars, null, CompileCuda(schedule, options, outputs.Length), graph, trace);
        return new Function(inputs.ToArray(), outputs.Length, updatedVars, CpuProgram.Compile(schedule, options.Fusion, options.Profile, options.NanGuard, options.VectorBits), null, graph, trace);
    }

    /// <summary>Renders the program for a device without compiling it or needing the device.</summary>
    public static EmitResult Emit(Variable[] inputs, Variable[] outputs, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Device == Device.Cuda)
        {
            // Rendering needs no device: the graph is rewritten and lowered as for any backend,
            // then spelled in CUDA C, and compiled to PTX where NVRTC loads (null where it does not).
            var (_, _, cudaSchedule, _) = Prepare(inputs, outputs, null, options with { Device = Device.Cpu });
            var emitted = Symbolic.CodeGen.Cuda.CudaEmitter.Emit(cudaSchedule, options.Fusion);
            return new EmitResult(emitted.Module.Kernels.Select(k => new Kernel(k.Name, "cuda", k.Source)).ToArray(), emitted.Module.Source, emitted.Ptx);
        }
        var (_, _, schedule, _) = Prepare(inputs, outputs, null, options);
        var rendered = CpuProgram.Render(schedule, options.Fusion, options.Profile || options.NanGuard, options.VectorBits);
        return new EmitResult(rendered.Kernels.Select(k => new Kernel(k.Name, "csharp", k.Source)).ToArray(), rendered.Source, null);
    }

    private static (Variable[] Graph, RewriteTrace Trace, Schedule Schedule, SharedVariable[] Updated) Prepare(
        Variable[] inputs, Variable[] outputs, (SharedVariable, Variable)[]? updates, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        updates ??= [];
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
        // Loops over the updates, not LINQ over value tuples (JIT-compiled in every fresh process).
        var all = new Variable[outputs.Length + updates.Length];
        outputs.CopyTo(all, 0);
        var updatedVars = new SharedVariable[updates.Length];
        for (int u = 0; u < updates.Length; u++) (updatedVars[u], all[outputs.Length + u]) = updates[u];
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
        return (all, trace, new Schedule(inputs, all), updatedVars);
    }

    /// <summary>Renders the schedule to CUDA, compiles it with NVRTC for the device's architecture and loads it.</summary>
    private static Symbolic.CodeGen.Cuda.Runtime.CudaProgram CompileCuda(Schedule schedule, CompileOptions options, int outputCount)
    {
        var device = Symbolic.CodeGen.Cuda.Runtime.CudaDevice.Default;
        var (major, minor) = device.ComputeCapability;
        Symbolic.CodeGen.Cuda.CudaEmitted emitted;
        try
        {
            emitted = Symbolic.CodeGen.Cuda.CudaEmitter.Emit(schedule, options.Fusion, Symbolic.CodeGen.Cuda.Native.Nvrtc.Architecture(major, minor));
        }
        catch (Symbolic.CodeGen.Cuda.Native.NvrtcException) when (major >= 8)
        {
            // An NVRTC older than the device knows no compute_{major}{minor}: PTX for compute_80 is JIT-compiled for it by the driver.
            emitted = Symbolic.CodeGen.Cuda.CudaEmitter.Emit(schedule, options.Fusion, Symbolic.CodeGen.Cuda.Native.Nvrtc.DefaultArchitecture);
        }
        if (emitted.Ptx is null)
            throw new DeviceUnavailableException($"A CUDA device answers ({device.Name}), but its kernels cannot be compiled: {emitted.WhyNoPtx}");
        if (emitted.Module.Steps.Any(s => s is Symbolic.CodeGen.Cuda.Render.GemmStep) && !Symbolic.CodeGen.Cuda.Runtime.CublasContext.IsAvailable)
            throw new DeviceUnavailableException(
                $"A CUDA device answers ({device.Name}), but the function has matrix products and cuBLAS was not found: {Symbolic.CodeGen.Cuda.Native.CudaLibraries.NotFound(Symbolic.CodeGen.Cuda.Native.CudaLibraries.Cublas)}.");
        return new Symbolic.CodeGen.Cuda.Runtime.CudaProgram(device, emitted.Module, emitted.Ptx, outputCount);
    }

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

    /// <summary>
    /// Computes the outputs into arrays the caller keeps between calls, so that a large result costs
    /// no fresh allocation (and none of the page faults a fresh array takes): output <c>i</c> is
    /// written into <c>destinations[i]</c>, which must have the output's dtype and shape; a null
    /// entry gets a fresh array as <see cref="Invoke(NDArray[])"/> gives. Returns one array per
    /// output: the destination itself where one was given. Updates are applied as by
    /// <see cref="Invoke(NDArray[])"/>.
    /// <para>
    /// A destination's contents are replaced, so it must be an array made for the purpose (for
    /// example <c>NDArray.Zeros(DType.Float32, 1000, 1000)</c>, or an earlier result) that no other
    /// code reads meanwhile; it may not be one of the inputs, a shared variable's value, or given
    /// for two outputs. Every check (inputs, then destinations) is made before anything runs and
    /// raises <see cref="ArgumentException"/> naming the input or output; a call that throws writes
    /// no destination and changes no shared variable.
    /// </para>
    /// </summary>
    public NDArray[] Invoke(NDArray[] args, NDArray?[] destinations)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(destinations);
        args = (NDArray[])args.Clone();
        destinations = (NDArray?[])destinations.Clone();
        if (args.Length != inputs.Length)
            throw new ArgumentException(
                $"The function takes {inputs.Length} input{(inputs.Length == 1 ? "" : "s")} ({string.Join(", ", inputs.Select(Op.Describe))}), but {args.Length} {(args.Length == 1 ? "was" : "were")} given.", nameof(args));
        if (destinations.Length != outputCount)
            throw new ArgumentException(
                $"The function has {outputCount} output{(outputCount == 1 ? "" : "s")}, but {destinations.Length} destination{(destinations.Length == 1 ? " was" : "s were")} given (one per output; null for an output that should get a fresh array).", nameof(destinations));
        for (int i = 0; i < args.Length; i++) Check(i, args[i]);
        for (int i = 0; i < destinations.Length; i++)
        {
            if (destinations[i] is not { } d) continue;
            for (int j = 0; j < i; j++)
                if (destinations[j] is { } e && ReferenceEquals(e.Buffer, d.Buffer))
                    throw new ArgumentException($"Destination {i} (for output {i} {OutputText(i)}) is the same array as destination {j}: each output needs its own.", $"destinations[{i}]");
            int input = Array.FindIndex(args, a => ReferenceEquals(a.Buffer, d.Buffer));
            if (input >= 0)
                throw new ArgumentException($"Destination {i} (for output {i} {OutputText(i)}) is input {input} {Op.Describe(inputs[input])}: a destination is overwritten, so it cannot also be read.", $"destinations[{i}]");
        }
        return gates.Length == 0 ? Run(args, destinations) : SharedVariable.Holding(gates, v => v.Gate, () => Run(args, destinations));
    }

    /// <summary>Output <paramref name="i"/> for error messages: its name or type.</summary>
    private string OutputText(int i) => Op.Describe(schedule.Outputs[i]);

    /// <summary>Each given destination has its output's dtype and shape (known after the shape pass) and is no shared variable's value.</summary>
    private void CheckDestinations(NDArray?[] destinations, int[][] shapes, NDArray[] values, int firstShared)
    {
        for (int i = 0; i < destinations.Length; i++)
        {
            if (destinations[i] is not { } d) continue;
            var output = schedule.Outputs[i];
            var shape = shapes[schedule.OutputSlots[i]];
            if (d.DType != output.DType || !d.ShapeSpan.SequenceEqual(shape))
                throw new ArgumentException(
                    $"Destination {i} (for output {i} {OutputText(i)}) must be a {output.DType.ShortName()} array of shape {NDArray.ShapeText(shape)} for these inputs, but got a {d.DType.ShortName()} array of shape {NDArray.ShapeText(d.ShapeSpan)}.", $"destinations[{i}]");
            for (int ci = 0; ci < schedule.Constants.Count; ci++)
                if (ReferenceEquals(schedule.Constants[ci].Value.Buffer, d.Buffer))
                    throw new ArgumentException(
                        $"Destination {i} (for output {i} {OutputText(i)}) is the value of a constant of the graph: a destination is overwritten, so it cannot also be read.", $"destinations[{i}]");
            for (int s = firstShared; s < values.Length; s++)
                if (ReferenceEquals(values[s].Buffer, d.Buffer))
                    throw new ArgumentException(
                        $"Destination {i} (for output {i} {OutputText(i)}) is the value of shared variable {Op.Describe(schedule.SharedInputs[s - firstShared])}: a destination is overwritten, so it cannot also be read.", $"destinations[{i}]");
        }
    }

    /// <summary>Test hook: runs after a call has read its shared values, before it computes.</summary>
    internal Action? AfterSharedRead;

    private NDArray[] Run(NDArray[] args, NDArray?[]? destinations = null)
    {
        if (cuda is not null)
            return destinations is null || destinations.All(d => d is null) ? RunCuda(args)
                : throw new NotSupportedException("Destinations are for functions compiled for Device.Cpu: a CUDA function's outputs are copied from the device into fresh arrays.");
        var shared = schedule.SharedInputs;
        var values = new NDArray[args.Length + shared.Count];
        args.CopyTo(values, 0);
        // One consistent set: with no gates held, another call may be publishing its updates now,
        // so the values read are held (kept from being recycled) until this call is done with them.
        var reading = SharedVariable.ReadTogether(readOrder, hold: gates.Length == 0);
        try
        {
            for (int i = 0; i < shared.Count; i++) values[args.Length + i] = reading.Values[readSlot[i]];
            AfterSharedRead?.Invoke();
            int[][] shapes;
            try
            {
                shapes = program!.Shapes(values);
            }
            catch (ShapeMismatchException e)
            {
                throw ShapeError(e, args, i => values[args.Length + i].Shape);
            }
            if (destinations is not null) CheckDestinations(destinations, shapes, values, args.Length);
            // The program's results are the outputs, then the updates' values: an update's value is
            // written into its variable's spare where it has one of the right shape (an array
            // nobody else can see, see SharedVariable.Spare), else into a fresh array.
            NDArray?[]? given = null;
            if (destinations is not null)
            {
                given = new NDArray?[program.Schedule.Outputs.Count];
                destinations.CopyTo(given, 0);
            }
            for (int j = 0; j < updated.Length; j++)
                if (updated[j].Spare(shapes[schedule.OutputSlots[outputCount + j]]) is { } spare)
                {
                    given ??= new NDArray?[program.Schedule.Outputs.Count];
                    given[outputCount + j] = spare;
                }
            var results = program.Run(values, shapes, given);
            Interlocked.Increment(ref calls);
            var owned = Escape(results, values, reading, args.Length);
            if (publishOrder.Length > 0)
            {
                var published = new NDArray[publishOrder.Length];
                var own = new bool[publishOrder.Length];
                for (int p = 0; p < published.Length; p++)
                {
                    published[p] = results[publishResult[p]];
                    own[p] = owned[publishResult[p] - outputCount];
                }
                SharedVariable.Publish(publishOrder, published, own);
            }
            return results[..outputCount];
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>
    /// Sees where the call's results (outputs, then updates' values) share storage with what it
    /// read: a shared value that leaves the call as an output or as another variable's new value is
    /// marked exposed, never to be recycled. Returns, per update, whether its value is an array of
    /// the call's own that nothing else holds (not an input, constant, shared value or any other
    /// result), which its variable may recycle once it is replaced in turn.
    /// </summary>
    private bool[] Escape(NDArray[] results, NDArray[] values, SharedVariable.Reading reading, int firstShared)
    {
        var owned = new bool[results.Length - outputCount];
        for (int r = 0; r < results.Length; r++)
        {
            var buffer = results[r].Buffer;
            bool mine = true;
            for (int s = 0; s < readOrder.Length; s++)
                if (ReferenceEquals(reading.Values[s].Buffer, buffer))
                {
                    reading.Expose(s);
                    mine = false;
                }
            if (r < outputCount) continue;
            for (int v = 0; v < firstShared && mine; v++) mine = !ReferenceEquals(values[v].Buffer, buffer);
            // An index loop: foreach over the interface would allocate an enumerator every call.
            for (int ci = 0; ci < schedule.Constants.Count; ci++)
                if (ReferenceEquals(schedule.Constants[ci].Value.Buffer, buffer)) mine = false;
            for (int o = 0; o < results.Length && mine; o++)
                if (o != r && ReferenceEquals(results[o].Buffer, buffer)) mine = false;
            owned[r - outputCount] = mine;
        }
        return owned;
    }

    private ArgumentException ShapeError(ShapeMismatchException e, NDArray[] args, Func<int, int[]> sharedShape)
    {
        var shared = schedule.SharedInputs;
        var reads = GraphWalk.FreeInputs([e.Node.Output]).ToHashSet(ReferenceEqualityComparer.Instance);
        var named = inputs.Select((v, i) => (v, i)).Where(p => reads.Contains(p.v))
            .Select(p => $"input {p.i} {Op.Describe(p.v)} of shape {NDArray.ShapeText(args[p.i].ShapeSpan)}")
            .Concat(shared.Select((v, i) => (v, i)).Where(p => reads.Contains(p.v))
                .Select(p => $"shared variable {Op.Describe(p.v)} of shape {NDArray.ShapeText(sharedShape(p.i))}"));
        return new ArgumentException(
            $"The inputs' shapes do not fit together: {e.Message} That node is computed from {string.Join(", ", named)}.", nameof(args), e);
    }

    /// <summary>
    /// A call on the device: the shared variables' states read as one consistent set (device copies
    /// where they have them, held for the call), the shape pass, the program, then the updates
    /// published as the variables' new device copies.
    /// </summary>
    private NDArray[] RunCuda(NDArray[] args)
    {
        var shared = schedule.SharedInputs;
        var states = readOrder.Length == 0 ? [] : SharedVariable.ReadStates(readOrder);
        try
        {
            var mine = new (NDArray? Host, ResidentValue? Resident)[shared.Count];
            var withVariables = new (SharedVariable, NDArray?, ResidentValue?)[shared.Count];
            for (int i = 0; i < shared.Count; i++)
            {
                mine[i] = states[readSlot[i]];
                withVariables[i] = (shared[i], mine[i].Host, mine[i].Resident);
            }
            int[][] shapes;
            try
            {
                shapes = cuda!.Shapes(args, mine);
                schedule.CheckSizes(shapes);
            }
            catch (ShapeMismatchException e)
            {
                throw ShapeError(e, args, i => mine[i].Host?.Shape ?? mine[i].Resident!.Shape);
            }
            var (outputs, updates) = cuda.Run(args, withVariables, shapes);
            Interlocked.Increment(ref calls);
            if (publishOrder.Length > 0) SharedVariable.PublishResident(publishOrder, publishResult.Select(r => updates[r - outputCount]).ToArray());
            return outputs;
        }
        finally
        {
            foreach (var (_, resident) in states) resident?.Release();
        }
    }

    /// <summary>Frees the device resources of a CUDA function (module, constants, scratch buffers); nothing for a CPU function. Calls after it raise <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => cuda?.Dispose();

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
