using Symbolic.Ops;

namespace Symbolic.Rewrite.Schedule;

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

    public Schedule(IReadOnlyList<Variable> inputs, IReadOnlyList<Variable> outputs)
    {
        Outputs = outputs.ToArray();
        Nodes = GraphWalk.TopologicalOrder(outputs);
        var leaves = GraphWalk.FreeInputs(outputs);
        var inputSet = new HashSet<Variable>(inputs, ReferenceEqualityComparer.Instance);
        var missing = leaves.Where(l => !inputSet.Contains(l) && l is not SharedVariable).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"The outputs depend on {string.Join(", ", missing.Select(Op.Describe))}, which is not among the inputs. Add it to the inputs (or make it a shared variable).");
        var shared = leaves.OfType<SharedVariable>().Where(s => !inputSet.Contains(s)).ToList();
        Inputs = [.. inputs, .. shared];
        ExplicitInputCount = inputs.Count;
        foreach (var v in Inputs) Add(v);
        var constants = new List<Constant>();
        foreach (var node in Nodes)
            foreach (var i in node.Inputs)
                if (i is Constant c && !slots.ContainsKey(c)) { constants.Add(c); Add(c); }
        foreach (var o in Outputs)
            if (o is Constant c && !slots.ContainsKey(c)) { constants.Add(c); Add(c); }
        Constants = constants;
        foreach (var node in Nodes) Add(node.Output);
    }

    /// <summary>The function's inputs, then the shared variables the program reads.</summary>
    public IReadOnlyList<Variable> Inputs { get; }

    public int ExplicitInputCount { get; }

    public IReadOnlyList<SharedVariable> SharedInputs => Inputs.Skip(ExplicitInputCount).Cast<SharedVariable>().ToList();

    public IReadOnlyList<Constant> Constants { get; }

    public IReadOnlyList<Apply> Nodes { get; }

    public IReadOnlyList<Variable> Outputs { get; }

    /// <summary>Every variable, by slot.</summary>
    public IReadOnlyList<Variable> Slots => slotList;

    private readonly List<Variable> slotList = new();

    private void Add(Variable v)
    {
        if (slots.ContainsKey(v)) return;
        slots[v] = slotList.Count;
        slotList.Add(v);
    }

    public int SlotOf(Variable v) => slots[v];

    /// <summary>True when the node only reinterprets its input's storage.</summary>
    public static bool IsView(Apply node) => node.Op.IsView;
}
