using Symbolic.Ops;

namespace Symbolic.CodeGen;

/// <summary>How a step of the kernel plan runs.</summary>
public enum PlanKind
{
    /// <summary>Reinterprets its input's storage (offset and strides); no kernel.</summary>
    View,
    /// <summary>A group of elementwise nodes computed by one kernel over one index space.</summary>
    Fused,
    /// <summary>One node computed by a kernel of its own (reductions, products, indexing, ...).</summary>
    Node,
    /// <summary>A Map: an inner program run once per index.</summary>
    Loop,
}

/// <summary>
/// One step of the kernel plan. <see cref="Root"/> is the node whose value the step makes (the
/// only one stored); a fused step also lists every node it computes (<see cref="Members"/>, in
/// topological order, root last) and its loop IR. A reduction's loop IR computes the element it
/// combines: a load of its input, or the expression of the elementwise nodes fused before it.
/// </summary>
public sealed record PlanStep(PlanKind Kind, ScheduleStep Root, IReadOnlyList<ScheduleStep> Members, LoopKernel? Loop)
{
    public int Slot => Root.Slot;

    public Apply Node => Root.Node;

    /// <summary>The slots this step reads: a fused kernel's operands, a row step's, else the node's inputs.</summary>
    public IReadOnlyList<int> Reads => Loop is { } k ? k.Operands.Select(o => o.Slot).ToArray() : Row is { } r ? r.Operands : Root.InputSlots;

    /// <summary>Set on a row step (kind <see cref="PlanKind.Node"/>): what it computes along the last axis, and from which slots.</summary>
    public RowStep? Row { get; init; }
}

/// <summary>
/// The kernel plan: which nodes share a kernel. Elementwise nodes fuse into the kernel of their
/// consumers when every consumer is in that kernel and the node is not an output: a chain of a
/// dozen elementwise ops, broadcasts included, is one kernel that reads its leaves once and writes
/// once. A node whose value several kernels read is computed once and stored (no recomputation),
/// and so is an expensive node (a transcendental) whose index space is smaller than its
/// consumer's (a bias row's exp, say), which fused would be recomputed per row. <c>second</c>
/// (Theano's fill) reads only its second operand, so the shape operand is never materialized for
/// it. Kernels are capped in nodes and operands so that generated methods stay small.
/// </summary>
public sealed class KernelPlan
{
    /// <summary>At most this many nodes fuse into one kernel.</summary>
    public const int MaxNodes = 64;

    /// <summary>At most this many arrays a fused kernel reads.</summary>
    public const int MaxOperands = 16;

    /// <param name="schedule">The nodes in the order they run.</param>
    /// <param name="fuse">False: every node is a kernel of its own (op by op, as a baseline).</param>
    public KernelPlan(Schedule schedule, bool fuse = true)
    {
        Schedule = schedule;
        var steps = schedule.Steps;
        var outputs = new HashSet<int>(schedule.OutputSlots);
        // A node whose data nothing reads (only its shape, through shape_of) runs no kernel: the
        // shape pass knows its shape without it.
        var needed = new bool[schedule.Slots.Count];
        foreach (var o in outputs) needed[o] = true;
        for (int s = steps.Count - 1; s >= 0; s--)
            if (needed[steps[s].Slot])
                foreach (var i in DataInputs(steps[s])) needed[i] = true;
        var consumers = new List<int>[schedule.Slots.Count];
        for (int s = 0; s < steps.Count; s++)
            if (needed[steps[s].Slot])
                foreach (var i in DataInputs(steps[s]).Distinct())
                    (consumers[i] ??= []).Add(s);
        // group[s]: the step index of the root of the fused kernel that computes step s (-1: not fused).
        var group = new int[steps.Count];
        Array.Fill(group, -1);
        // Row steps (log-softmax and its gradient over the last axis) take their nodes out of fusion.
        var rows = fuse ? RowSteps(steps, needed, consumers, outputs) : new();
        var rowMember = new HashSet<int>(rows.Values.SelectMany(r => r.Members));
        var members = new Dictionary<int, List<int>>();
        var leaves = new Dictionary<int, HashSet<int>>();
        for (int s = steps.Count - 1; s >= 0; s--)
        {
            var step = steps[s];
            if (!needed[step.Slot] || step.Kind != StepKind.Kernel || step.Node.Op is not Elemwise || rowMember.Contains(s)) continue;
            int root = JoinableGroup(s);
            if (root >= 0)
            {
                var leafSet = leaves[root];
                leafSet.Remove(step.Slot);
                foreach (var i in OperandSlots(step)) leafSet.Add(i);
                members[root].Add(s);
                group[s] = root;
            }
            else
            {
                group[s] = s;
                members[s] = [s];
                leaves[s] = [.. OperandSlots(step)];
            }
        }

        int JoinableGroup(int s)
        {
            var step = steps[s];
            if (!fuse || outputs.Contains(step.Slot) || consumers[step.Slot] is not { Count: > 0 } uses) return -1;
            int root = group[uses[0]];
            if (root < 0 || uses.Any(u => group[u] != root)) return -1;
            if (members[root].Count >= MaxNodes) return -1;
            var leafSet = leaves[root];
            int added = OperandSlots(step).Count(i => !leafSet.Contains(i));
            if (leafSet.Count - 1 + added > MaxOperands) return -1;
            return Expensive(step.Node) && Smaller(step.Node.Output, steps[root].Node.Output) ? -1 : root;
        }

        // A reduction takes the fused kernel that makes its input as a prologue when it is that
        // kernel's only reader: the elements are computed where they are summed, never stored.
        var prologue = new Dictionary<int, int>();
        var stepOf = new Dictionary<int, int>();
        for (int s = 0; s < steps.Count; s++) stepOf[steps[s].Slot] = s;
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (!fuse || !needed[step.Slot] || step.Node.Op is not Reduce || rowMember.Contains(s)) continue;
            int input = step.InputSlots[0];
            if (stepOf.TryGetValue(input, out int g) && group[g] == g && !outputs.Contains(input) && consumers[input] is { Count: 1 }) prologue[s] = g;
        }
        var absorbed = new HashSet<int>(prologue.Values);

        var plan = new List<PlanStep>();
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (!needed[step.Slot] || absorbed.Contains(s)) continue;
            if (rows.TryGetValue(s, out var row))
            {
                plan.Add(new PlanStep(PlanKind.Node, step, row.Members.Select(m => steps[m]).ToArray(), null) { Row = row.Row });
                continue;
            }
            if (rowMember.Contains(s)) continue;
            switch (step.Kind)
            {
                case StepKind.View: plan.Add(new PlanStep(PlanKind.View, step, [step], null)); break;
                case StepKind.Loop: plan.Add(new PlanStep(PlanKind.Loop, step, [step], null)); break;
                case StepKind.Kernel when group[s] == s:
                {
                    var ms = members[s].OrderBy(m => m).Select(m => steps[m]).ToArray();
                    plan.Add(new PlanStep(PlanKind.Fused, step, ms, BuildLoop(step, ms)));
                    break;
                }
                case StepKind.Kernel when step.Node.Op is Reduce:
                {
                    // The element a reduction combines: its prologue's expression, or a load of its input.
                    ScheduleStep[] ms = prologue.TryGetValue(s, out int g)
                        ? [.. members[g].OrderBy(m => m).Select(m => steps[m]), step]
                        : [step];
                    var loop = prologue.ContainsKey(s) ? BuildLoop(steps[g], ms[..^1]) : LoadOf(step.InputSlots[0]);
                    plan.Add(new PlanStep(PlanKind.Node, step, ms, loop));
                    break;
                }
                case StepKind.Kernel when group[s] < 0:
                    plan.Add(new PlanStep(PlanKind.Node, step, [step], null));
                    break;
            }
        }
        Steps = plan;
    }

    public Schedule Schedule { get; }

    /// <summary>The steps in the order they run.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>
    /// The row steps, by the step index of their roots, with the step indices of their members in
    /// order. A form is taken only where every node it computes but its root is read by nothing
    /// outside the row steps taken (and is no output), and its operands are values some step stores.
    /// </summary>
    private Dictionary<int, (RowStep Row, int[] Members)> RowSteps(IReadOnlyList<ScheduleStep> steps, bool[] needed, List<int>[] consumers, HashSet<int> outputs)
    {
        var stepOf = new Dictionary<int, int>();
        for (int s = 0; s < steps.Count; s++) stepOf[steps[s].Slot] = s;
        var found = new Dictionary<int, (RowStep Row, int[] Members)>();
        for (int s = 0; s < steps.Count; s++)
        {
            if (!needed[steps[s].Slot] || steps[s].Kind != StepKind.Kernel || steps[s].Node.Op is not Elemwise) continue;
            if (RowPatterns.Match(steps[s].Node, Schedule) is not { } m) continue;
            var ms = m.Members.Select(a => Schedule.SlotOf(a.Output)).Select(slot => stepOf.TryGetValue(slot, out int i) ? i : -1).ToArray();
            if (ms.Any(i => i < 0)) continue;
            found[s] = (m.Row, ms.Order().ToArray());
        }
        // Drop forms whose inner nodes something else reads, until none is left to drop.
        for (bool changed = true; changed && found.Count > 0; )
        {
            changed = false;
            var covered = new HashSet<int>(found.Values.SelectMany(f => f.Members));
            var inner = new HashSet<int>(found.SelectMany(f => f.Value.Members.Where(i => i != f.Key)).Select(i => steps[i].Slot));
            foreach (var (root, f) in found.ToArray())
            {
                bool ok = f.Members.All(i => i == root
                    || (!outputs.Contains(steps[i].Slot) && (consumers[steps[i].Slot] ?? []).All(covered.Contains)))
                    && f.Row.Operands.All(o => !inner.Contains(o));
                if (!ok)
                {
                    found.Remove(root);
                    changed = true;
                }
            }
        }
        return found;
    }

    /// <summary>The slots an elementwise node's kernel reads (second's shape operand excepted).</summary>
    private static IEnumerable<int> OperandSlots(ScheduleStep step) =>
        IsSecond(step.Node) ? [step.InputSlots[1]] : step.InputSlots;

    /// <summary>The slots whose data a step needs: shape_of reads only a shape, second only its second operand.</summary>
    private static IEnumerable<int> DataInputs(ScheduleStep step) => step.Node.Op switch
    {
        ShapeOf => [],
        _ when step.Kind == StepKind.Kernel && IsSecond(step.Node) => [step.InputSlots[1]],
        _ => step.InputSlots,
    };

    private static bool IsSecond(Apply node) => node.Op is Elemwise { Scalar.Name: "second" };

    private static readonly HashSet<string> Cheap =
        ["add", "sub", "mul", "neg", "sqr", "abs", "maximum", "minimum", "relu", "second", "switch", "clip", "sign",
         "eq", "neq", "lt", "le", "gt", "ge", "and", "or", "not", "floor", "ceil", "isfinite"];

    /// <summary>True for scalar ops that cost about an addition (arithmetic, comparisons, selection, casts); false for transcendentals and division.</summary>
    public static bool IsCheap(ScalarOp op) => Cheap.Contains(op.Name) || op.Name.StartsWith("cast", StringComparison.Ordinal);

    private static bool Expensive(Apply node) => node.Op is Elemwise e && !IsCheap(e.Scalar);

    /// <summary>True when <paramref name="v"/> spans fewer positions than <paramref name="root"/> (fewer dimensions, or size 1 where the root's is not).</summary>
    internal static bool Smaller(Variable v, Variable root)
    {
        if (v.NDim < root.NDim) return true;
        for (int d = 0; d < v.NDim; d++)
            if (v.Type.IsBroadcastable(d) && !root.Type.IsBroadcastable(d)) return true;
        return false;
    }

    /// <summary>The loop IR of reading one slot's elements.</summary>
    private LoopKernel LoadOf(int slot)
    {
        var v = Schedule.Slots[slot];
        return new LoopKernel(v.NDim, v.DType, [new LoopOperand(slot, v.DType, v.NDim)], [new LoadInstr(0, v.DType)], 0);
    }

    /// <summary>The loop IR of a fused group: the root's expression, each member once, loads of the group's leaves in first-use order.</summary>
    private LoopKernel BuildLoop(ScheduleStep root, IReadOnlyList<ScheduleStep> groupMembers)
    {
        var bySlot = groupMembers.ToDictionary(m => m.Slot);
        var operands = new List<LoopOperand>();
        var operandOf = new Dictionary<int, int>();
        var body = new List<LoopInstr>();
        var valueOf = new Dictionary<int, int>();
        // Depth-first over the members, inputs before users, with an explicit stack (no recursion).
        var stack = new Stack<(int Slot, bool Expanded)>();
        stack.Push((root.Slot, false));
        while (stack.Count > 0)
        {
            var (slot, expanded) = stack.Pop();
            if (valueOf.ContainsKey(slot)) continue;
            if (!bySlot.TryGetValue(slot, out var m))
            {
                if (!operandOf.TryGetValue(slot, out int j))
                {
                    var v = Schedule.Slots[slot];
                    j = operands.Count;
                    operands.Add(new LoopOperand(slot, v.DType, v.NDim));
                    operandOf[slot] = j;
                }
                valueOf[slot] = body.Count;
                body.Add(new LoadInstr(j, operands[j].DType));
                continue;
            }
            var reads = IsSecond(m.Node) ? [m.InputSlots[1]] : m.InputSlots;
            if (!expanded)
            {
                stack.Push((slot, true));
                for (int i = reads.Length - 1; i >= 0; i--)
                    if (!valueOf.ContainsKey(reads[i])) stack.Push((reads[i], false));
                continue;
            }
            if (IsSecond(m.Node))
            {
                // second(a, b) is b broadcast to a's shape: over the kernel's index space, that is b itself.
                valueOf[slot] = valueOf[reads[0]];
                continue;
            }
            var e = (Elemwise)m.Node.Op;
            valueOf[slot] = body.Count;
            body.Add(new ApplyInstr(m.Node, e.Scalar, reads.Select(r => valueOf[r]).ToArray(),
                m.Node.Inputs.Select(i => i.DType).ToArray(), m.Node.Output.DType));
        }
        return new LoopKernel(root.Node.Output.NDim, root.Node.Output.DType, operands, body, valueOf[root.Slot]);
    }
}
