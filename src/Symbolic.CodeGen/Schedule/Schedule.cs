using Symbolic.Ops;

namespace Symbolic.CodeGen;

/// <summary>How a scheduled node runs.</summary>
public enum StepKind
{
    /// <summary>Reinterprets its first input's storage by offset and strides (dimshuffle, slicing, split_part, stop_gradient, reshape of a contiguous array); no kernel runs.</summary>
    View,
    /// <summary>One generated kernel writes a fresh array.</summary>
    Kernel,
    /// <summary>A loop running an inner program once per index (a Map).</summary>
    Loop,
}

/// <summary>One node of a schedule: the node, its slot, its inputs' slots, and how it runs.</summary>
public sealed record ScheduleStep(Apply Node, int Slot, int[] InputSlots, StepKind Kind);

/// <summary>
/// What a program computes, in order: its inputs (the function's, then the shared variables it
/// reads), its constants, and its nodes in topological order, each numbered by a slot. Views
/// (dimshuffle, slicing, reshape of a contiguous array) need no kernel; every other node is one
/// kernel. Slot numbers come from graph positions alone, so the same graph gives the same
/// numbering, the same generated names and the same source.
/// </summary>
public sealed class Schedule
{
    private readonly Dictionary<Variable, int> slots = new(ReferenceEqualityComparer.Instance);
    private readonly List<Variable> slotList = new();

    public Schedule(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs)
    {
        Outputs = outputs.ToArray();
        Nodes = GraphWalk.TopologicalOrder(outputs);
        var leaves = GraphWalk.FreeInputs(outputs);
        var inputSet = new HashSet<Variable>(inputs, ReferenceEqualityComparer.Instance);
        var missing = leaves.Where(l => !inputSet.Contains(l) && l is not SharedVariable).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"The outputs depend on {string.Join(", ", missing.Select(Op.Describe))}, which {(missing.Count == 1 ? "is" : "are")} not among the inputs. Add {(missing.Count == 1 ? "it" : "them")} to the inputs (or make {(missing.Count == 1 ? "it a shared variable" : "them shared variables")}).");
        var shared = leaves.OfType<SharedVariable>().Where(s => !inputSet.Contains(s)).ToList();
        var all = new Variable[inputs.Count + shared.Count];
        for (int i = 0; i < inputs.Count; i++) all[i] = inputs[i];
        for (int i = 0; i < shared.Count; i++) all[inputs.Count + i] = shared[i];
        Inputs = all;
        ExplicitInputCount = inputs.Count;
        SharedInputs = shared;
        foreach (var v in Inputs) Add(v);
        var constants = new List<Constant>();
        foreach (var node in Nodes)
            foreach (var i in node.Inputs)
                if (i is Constant c && !slots.ContainsKey(c)) { constants.Add(c); Add(c); }
        foreach (var o in Outputs)
            if (o is Constant c && !slots.ContainsKey(c)) { constants.Add(c); Add(c); }
        Constants = constants;
        foreach (var node in Nodes) Add(node.Output);
        // Loops rather than LINQ into int arrays: generic code over value types is JIT-compiled in every fresh process.
        var steps = new ScheduleStep[Nodes.Count];
        for (int n = 0; n < steps.Length; n++)
        {
            var node = Nodes[n];
            var ins = new int[node.Inputs.Count];
            for (int i = 0; i < ins.Length; i++) ins[i] = slots[node.Inputs[i]];
            steps[n] = new ScheduleStep(node, slots[node.Output], ins, KindOf(node));
        }
        Steps = steps;
        var outputSlots = new int[Outputs.Count];
        for (int o = 0; o < outputSlots.Length; o++) outputSlots[o] = slots[Outputs[o]];
        OutputSlots = outputSlots;
        Shapes = new ShapePlan(this);
    }

    /// <summary>The function's inputs, then the shared variables the program reads.</summary>
    public IReadOnlyList<Variable> Inputs { get; }

    public int ExplicitInputCount { get; }

    /// <summary>The shared variables the program reads that are not among the function's inputs, in the order they follow them.</summary>
    public IReadOnlyList<SharedVariable> SharedInputs { get; }

    public IReadOnlyList<Constant> Constants { get; }

    public IReadOnlyList<Apply> Nodes { get; }

    /// <summary>The nodes in the order they run, each marked as a view, a kernel or a loop.</summary>
    public IReadOnlyList<ScheduleStep> Steps { get; }

    public IReadOnlyList<Variable> Outputs { get; }

    /// <summary>The slot of each output.</summary>
    public IReadOnlyList<int> OutputSlots { get; }

    /// <summary>Every variable, by slot.</summary>
    public IReadOnlyList<Variable> Slots => slotList;

    /// <summary>The run-time shape pass over this schedule.</summary>
    public ShapePlan Shapes { get; }

    private void Add(Variable v)
    {
        if (slots.ContainsKey(v)) return;
        slots[v] = slotList.Count;
        slotList.Add(v);
    }

    public int SlotOf(Variable v) => slots[v];

    /// <summary>True when the node only reinterprets its input's storage.</summary>
    public static bool IsView(Apply node) => node.Op.IsView;

    /// <summary>Every node's array must fit in an array: a product of sizes past that is a shape error here, not an overflow in a kernel.</summary>
    public void CheckSizes(int[][] shapes)
    {
        foreach (var step in Steps)
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

    private static StepKind KindOf(Apply node) =>
        node.Op is Map ? StepKind.Loop : node.Op.IsView ? StepKind.View : StepKind.Kernel;
}
