using System.Collections.Concurrent;
using Symbolic.CodeGen.Cpu.Compile;
using Symbolic.CodeGen.Cpu.Render;
using Symbolic.CodeGen.Cpu.Runtime;
using Symbolic.Ops;
using Symbolic.CodeGen;

namespace Symbolic.CodeGen.Cpu;

/// <summary>
/// A schedule rendered to C#, compiled, and ready to run: the shape pass first (every node's shape
/// from the inputs', raising errors that name the operands before any kernel runs), then the
/// generated code.
/// </summary>
public sealed class CpuProgram
{
    private readonly ProgramEntry entry;
    private readonly Array[] constants;
    private readonly int[][] tables;
    private readonly SubProgram[] maps;
    private readonly ConcurrentBag<Frame> frames = new();

    private CpuProgram(BufferPlan buffers, RenderedProgram rendered, ProgramEntry entry, SubProgram[] maps)
    {
        Buffers = buffers;
        Rendered = rendered;
        this.entry = entry;
        this.maps = maps;
        constants = Schedule.Constants.Select(c => c.Value.Buffer).ToArray();
        tables = [.. rendered.Tables];
    }

    /// <summary>The lowering this program runs: the kernel plan and the buffer plan over the schedule.</summary>
    public BufferPlan Buffers { get; }

    public Schedule Schedule => Buffers.Plan.Schedule;

    public RenderedProgram Rendered { get; }

    public string Source => Rendered.Source;

    /// <summary>The lowering of a schedule: kernel plan (fusion unless <paramref name="fuse"/> is false), then buffer plan.</summary>
    public static BufferPlan Lower(Schedule schedule, bool fuse = true) => new(new KernelPlan(schedule, fuse));

    /// <summary>Renders without compiling.</summary>
    public static RenderedProgram Render(Schedule schedule, bool fuse = true, bool instrument = false, int? vectorBits = null) =>
        CSharpRenderer.Render(Lower(schedule, fuse), instrument, vectorBits);

    /// <param name="schedule">What to compute.</param>
    /// <param name="fuse">Fuse elementwise nodes (false: one kernel per node).</param>
    /// <param name="profile">Time every kernel (<see cref="Instruments"/>).</param>
    /// <param name="nanGuard">Check every kernel's result for NaN and infinities.</param>
    /// <param name="vectorBits">The width of the kernels' vectors, 256 or 512 (null: <see cref="VectorWidth.Default"/>).</param>
    public static CpuProgram Compile(Schedule schedule, bool fuse = true, bool profile = false, bool nanGuard = false, int? vectorBits = null)
    {
        var buffers = Lower(schedule, fuse);
        var rendered = CSharpRenderer.Render(buffers, profile || nanGuard, vectorBits);
        var entry = RoslynCompiler.Load(rendered);
        var maps = rendered.MapNodes.Select(n => (SubProgram)new MapRunner((Map)n.Op, vectorBits)).ToArray();
        var program = new CpuProgram(buffers, rendered, entry, maps);
        if (profile || nanGuard)
        {
            var steps = rendered.KernelSteps;
            program.Instruments = new Instruments(
                rendered.CallNames,
                steps.Select(st => NodeText(st, schedule)).ToArray(),
                steps.Select(st => string.Join(", ", st.Reads.Distinct().Select(r => SlotText(r, schedule)))).ToArray(),
                profile, nanGuard);
        }
        return program;
    }

    /// <summary>Profiling and the NaN guard, where compiled with either.</summary>
    public Instruments? Instruments { get; private set; }

    /// <summary>What a kernel computes, for reports: its root node and the nodes fused into it.</summary>
    public static string NodeText(PlanStep step, Schedule schedule)
    {
        var fused = step.Members.Where(m => m.Slot != step.Slot).Select(m => m.Node.Op.Name).ToArray();
        return $"n{step.Slot} = {step.Node.Op.Name}{(fused.Length > 0 ? $" (with {string.Join(", ", fused)})" : "")}";
    }

    private static string SlotText(int slot, Schedule schedule) =>
        schedule.Slots[slot] is { Owner: null } leaf ? Op.Describe(leaf) : $"n{slot} ({schedule.Slots[slot].Owner!.Op.Name})";

    /// <summary>Every slot's shape for these input values (same order as <see cref="Schedule.Inputs"/>), raising <see cref="ShapeMismatchException"/> where they do not fit.</summary>
    public int[][] Shapes(IReadOnlyList<NDArray> inputs) => Shapes(inputs, out _);

    /// <summary>
    /// The shapes of <see cref="Shapes(IReadOnlyList{NDArray})"/>, and whether they were computed now
    /// (<paramref name="fresh"/>) or are the last call's: a function is usually called with the same
    /// shapes, so the shape pass runs only when an input's shape, or the value of an integer scalar
    /// input (which can size results), differs from the last call's. The arrays returned are shared
    /// between calls and never written.
    /// </summary>
    public int[][] Shapes(IReadOnlyList<NDArray> inputs, out bool fresh)
    {
        var last = Volatile.Read(ref lastShapes);
        if (last is not null && last.Matches(inputs))
        {
            fresh = false;
            return last.Shapes;
        }
        var shapes = Schedule.Shapes.Run(inputs);
        Schedule.CheckSizes(shapes);
        Volatile.Write(ref lastShapes, new ShapeMemo(inputs, shapes));
        fresh = true;
        return shapes;
    }

    private ShapeMemo? lastShapes;

    /// <summary>The inputs' shapes and integer scalar values of one call, with the shapes the pass gave for them.</summary>
    private sealed class ShapeMemo
    {
        private readonly int[][] inputShapes;
        private readonly double[] scalars;

        public ShapeMemo(IReadOnlyList<NDArray> inputs, int[][] shapes)
        {
            Shapes = shapes;
            inputShapes = new int[inputs.Count][];
            scalars = new double[inputs.Count];
            for (int i = 0; i < inputs.Count; i++)
            {
                inputShapes[i] = inputs[i].Shape;
                if (IsIntScalar(inputs[i])) scalars[i] = inputs[i].GetDouble(0);
            }
        }

        public int[][] Shapes { get; }

        private static bool IsIntScalar(NDArray a) => a.NDim == 0 && !a.DType.IsFloat();

        public bool Matches(IReadOnlyList<NDArray> inputs)
        {
            if (inputs.Count != inputShapes.Length) return false;
            for (int i = 0; i < inputShapes.Length; i++)
            {
                var a = inputs[i];
                if (!a.ShapeSpan.SequenceEqual(inputShapes[i])) return false;
                if (IsIntScalar(a) && a.GetDouble(0) != scalars[i]) return false;
            }
            return true;
        }
    }

    /// <summary>Runs the program on input values (in <see cref="Schedule.Inputs"/> order), returning the outputs.</summary>
    public NDArray[] Run(IReadOnlyList<NDArray> inputs) => Run(inputs, Shapes(inputs));

    /// <summary>Runs with the shapes <see cref="Shapes"/> gave for these inputs, on a frame of the pool (its scratch buffers reused from earlier calls).</summary>
    public NDArray[] Run(IReadOnlyList<NDArray> inputs, int[][] shapes) => Run(inputs, shapes, null);

    /// <summary>
    /// Runs as <see cref="Run(IReadOnlyList{NDArray}, int[][])"/>, writing output <c>i</c> into
    /// <c>destinations[i]</c> where that is not null: the caller's array, already checked to have
    /// the output's dtype and shape and to share storage with no input, no other destination and
    /// nothing the program reads. The kernel that makes an output writes there directly; an output
    /// that is a view or an input is copied there. The NDArray returned for such an output is the
    /// destination itself.
    /// </summary>
    public NDArray[] Run(IReadOnlyList<NDArray> inputs, int[][] shapes, IReadOnlyList<NDArray?>? destinations)
    {
        if (!frames.TryTake(out var f)) f = new Frame(Schedule.Slots.Count, Buffers.BufferTypes.Count, constants, maps) { Tables = tables };
        try
        {
            f.S = shapes;
            f.I = Instruments;
            for (int i = 0; i < inputs.Count; i++) f.Bind(i, inputs[i].Buffer);
            for (int c = 0; c < constants.Length; c++) f.Bind(inputs.Count + c, constants[c]);
            if (destinations is not null)
            {
                f.Given ??= new Array?[Schedule.Slots.Count];
                for (int i = 0; i < destinations.Count; i++)
                {
                    int k = Schedule.OutputSlots[i];
                    if (destinations[i] is { } d && Buffers.Storage[k] == StorageKind.Fresh && f.Given[k] is null) f.Given[k] = d.Buffer;
                }
            }
            entry(f);
            var outputs = new NDArray[Schedule.Outputs.Count];
            for (int i = 0; i < outputs.Length; i++)
            {
                int k = Schedule.OutputSlots[i];
                if (destinations?[i] is { } d)
                {
                    var result = Dense(f, k);
                    if (!ReferenceEquals(result, d.Buffer)) Array.Copy(result, d.Buffer, d.Size);
                    outputs[i] = d;
                }
                else outputs[i] = NDArray.Wrap(Dense(f, k), shapes[k]);
            }
            return outputs;
        }
        finally
        {
            // The frame keeps its scratch buffers, not the caller's arrays.
            Array.Clear(f.D);
            if (f.Given is not null) Array.Clear(f.Given);
            if (frames.Count < Environment.ProcessorCount) frames.Add(f);
        }
    }

    /// <summary>A slot's value as a contiguous array of its own (the storage itself where it already is one).</summary>
    private static Array Dense(Frame f, int k) => f.D[k] switch
    {
        float[] a => Rt.Dense(a, f.O[k], f.T[k], f.S[k]),
        double[] a => Rt.Dense(a, f.O[k], f.T[k], f.S[k]),
        int[] a => Rt.Dense(a, f.O[k], f.T[k], f.S[k]),
        long[] a => Rt.Dense(a, f.O[k], f.T[k], f.S[k]),
        bool[] a => Rt.Dense(a, f.O[k], f.T[k], f.S[k]),
        var a => throw new InvalidOperationException($"Unexpected storage {a?.GetType().Name} for slot {k}."),
    };

    /// <summary>Runs a Map's body, compiled as a program of its own, once per index.</summary>
    private sealed class MapRunner : SubProgram
    {
        private readonly Lazy<CpuProgram> body;

        public MapRunner(Map map, int? vectorBits)
        {
            body = new(() => Compile(new Schedule([map.Index, .. map.Captured], [map.Body]), vectorBits: vectorBits));
        }

        public override T[] Run<T>(int[] outShape, Array[] captured, int[][] capturedShapes)
        {
            var program = body.Value;
            var result = new T[Rt.Size(outShape)];
            int n = outShape[0];
            int block = n == 0 ? 0 : result.Length / n;
            var args = new NDArray[captured.Length + 1];
            for (int c = 0; c < captured.Length; c++) args[c + 1] = NDArray.Wrap(captured[c], capturedShapes[c]);
            for (int i = 0; i < n; i++)
            {
                args[0] = NDArray.Scalar(i, DType.Int64);
                var r = (T[])program.Run(args)[0].Buffer;
                Array.Copy(r, 0, result, i * block, block);
            }
            return result;
        }
    }
}
