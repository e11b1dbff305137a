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
    public IReadOnlyList<int> Reads => Loop is { } k ? SlotsOf(k.Operands) : Row is { } r ? r.Operands : Root.InputSlots;

    private static int[] SlotsOf(IReadOnlyList<LoopOperand> operands)
    {
        var slots = new int[operands.Count];
        for (int i = 0; i < slots.Length; i++) slots[i] = operands[i].Slot;
        return slots;
    }

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

    // The plan is built with arrays indexed by step or slot and plain loops, not LINQ, sets and
    // dictionaries of ints: those are generic code over value types that no precompiled
    // (ReadyToRun) image holds, so a fresh process would JIT-compile each of them first.

    /// <param name="schedule">The nodes in the order they run.</param>
    /// <param name="fuse">False: every node is a kernel of its own (op by op, as a baseline).</param>
    public KernelPlan(Schedule schedule, bool fuse = true)
    {
        Schedule = schedule;
        var steps = schedule.Steps;
        int slotCount = schedule.Slots.Count;
        var outputSlots = schedule.OutputSlots;
        var isOutput = new bool[slotCount];
        for (int o = 0; o < outputSlots.Count; o++) isOutput[outputSlots[o]] = true;
        // A node whose data nothing reads (only its shape, through shape_of) runs no kernel: the
        // shape pass knows its shape without it.
        var needed = (bool[])isOutput.Clone();
        for (int s = steps.Count - 1; s >= 0; s--)
            if (needed[steps[s].Slot])
                foreach (var i in DataInputs(steps[s])) needed[i] = true;
        // consumers[slot]: the steps that read the slot's data, in order, each once (null: none).
        var consumerCount = new int[slotCount];
        for (int s = 0; s < steps.Count; s++)
            if (needed[steps[s].Slot])
            {
                var ins = DataInputs(steps[s]);
                for (int k = 0; k < ins.Length; k++)
                    if (!Earlier(ins, k)) consumerCount[ins[k]]++;
            }
        var consumers = new int[]?[slotCount];
        for (int slot = 0; slot < slotCount; slot++)
            if (consumerCount[slot] > 0)
            {
                consumers[slot] = new int[consumerCount[slot]];
                consumerCount[slot] = 0;
            }
        for (int s = 0; s < steps.Count; s++)
            if (needed[steps[s].Slot])
            {
                var ins = DataInputs(steps[s]);
                for (int k = 0; k < ins.Length; k++)
                    if (!Earlier(ins, k)) consumers[ins[k]]![consumerCount[ins[k]]++] = s;
            }
        // group[s]: the step index of the root of the fused kernel that computes step s (-1: not fused).
        var group = IntArrays.Filled(steps.Count, -1);
        // Row steps (log-softmax and its gradient over the last axis) take their nodes out of fusion.
        var rows = new RowStep?[steps.Count];
        var rowMembers = new int[]?[steps.Count];
        if (fuse) RowSteps(steps, needed, consumers, isOutput, rows, rowMembers);
        var rowMember = new bool[steps.Count];
        foreach (var ms in rowMembers)
            if (ms is not null)
                foreach (var m in ms) rowMember[m] = true;
        var memberCount = new int[steps.Count];
        var leaves = new SlotSet?[steps.Count];
        for (int s = steps.Count - 1; s >= 0; s--)
        {
            var step = steps[s];
            if (!needed[step.Slot] || step.Kind != StepKind.Kernel || step.Node.Op is not Elemwise || rowMember[s]) continue;
            int root = JoinableGroup(s);
            if (root >= 0)
            {
                var leafSet = leaves[root]!;
                leafSet.Remove(step.Slot);
                foreach (var i in OperandSlots(step)) leafSet.Add(i);
                memberCount[root]++;
                group[s] = root;
            }
            else
            {
                group[s] = s;
                memberCount[s] = 1;
                var leafSet = new SlotSet();
                foreach (var i in OperandSlots(step)) leafSet.Add(i);
                leaves[s] = leafSet;
            }
        }

        int JoinableGroup(int s)
        {
            var step = steps[s];
            if (!fuse || isOutput[step.Slot] || consumers[step.Slot] is not { Length: > 0 } uses) return -1;
            int root = group[uses[0]];
            if (root < 0) return -1;
            foreach (var u in uses)
                if (group[u] != root) return -1;
            if (memberCount[root] >= MaxNodes) return -1;
            var leafSet = leaves[root]!;
            int added = 0;
            foreach (var i in OperandSlots(step))
                if (!leafSet.Contains(i)) added++;
            if (leafSet.Count - 1 + added > MaxOperands) return -1;
            return Expensive(step.Node) && Smaller(step.Node.Output, steps[root].Node.Output) ? -1 : root;
        }

        // members[root]: the step indices of a fused group, in order.
        var members = new int[]?[steps.Count];
        for (int s = 0; s < steps.Count; s++)
            if (group[s] == s) members[s] = new int[memberCount[s]];
        var filled = new int[steps.Count];
        for (int s = 0; s < steps.Count; s++)
            if (group[s] >= 0) members[group[s]]![filled[group[s]]++] = s;

        // A reduction takes the fused kernel that makes its input as a prologue when it is that
        // kernel's only reader: the elements are computed where they are summed, never stored.
        var prologue = IntArrays.Filled(steps.Count, -1);
        var absorbed = new bool[steps.Count];
        var stepOf = StepOfSlot(steps, slotCount);
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (!fuse || !needed[step.Slot] || step.Node.Op is not Reduce || rowMember[s]) continue;
            int input = step.InputSlots[0];
            int g = stepOf[input];
            if (g >= 0 && group[g] == g && !isOutput[input] && consumers[input] is { Length: 1 })
            {
                prologue[s] = g;
                absorbed[g] = true;
            }
        }

        var builder = new LoopBuilder(schedule);
        var plan = new List<PlanStep>();
        for (int s = 0; s < steps.Count; s++)
        {
            var step = steps[s];
            if (!needed[step.Slot] || absorbed[s]) continue;
            if (rows[s] is { } row)
            {
                plan.Add(new PlanStep(PlanKind.Node, step, StepsAt(steps, rowMembers[s]!, null), null) { Row = row });
                continue;
            }
            if (rowMember[s]) continue;
            switch (step.Kind)
            {
                case StepKind.View: plan.Add(new PlanStep(PlanKind.View, step, new[] { step }, null)); break;
                case StepKind.Loop: plan.Add(new PlanStep(PlanKind.Loop, step, new[] { step }, null)); break;
                case StepKind.Kernel when group[s] == s:
                {
                    var ms = StepsAt(steps, members[s]!, null);
                    plan.Add(new PlanStep(PlanKind.Fused, step, ms, builder.Build(step, ms)));
                    break;
                }
                case StepKind.Kernel when step.Node.Op is Reduce:
                {
                    // The element a reduction combines: its prologue's expression, or a load of its input.
                    int g = prologue[s];
                    ScheduleStep[] ms = g >= 0 ? StepsAt(steps, members[g]!, step) : [step];
                    var loop = g >= 0 ? builder.Build(steps[g], ms[..^1]) : LoadOf(step.InputSlots[0]);
                    plan.Add(new PlanStep(PlanKind.Node, step, ms, loop));
                    break;
                }
                case StepKind.Kernel when group[s] < 0:
                    plan.Add(new PlanStep(PlanKind.Node, step, new[] { step }, null));
                    break;
            }
        }
        Steps = plan;
    }

    /// <summary>True when <c>ins[k]</c> is also at an earlier position of <paramref name="ins"/>.</summary>
    private static bool Earlier(int[] ins, int k)
    {
        for (int j = 0; j < k; j++)
            if (ins[j] == ins[k]) return true;
        return false;
    }

    /// <summary>The step index that computes each slot (-1 for inputs and constants).</summary>
    private static int[] StepOfSlot(IReadOnlyList<ScheduleStep> steps, int slotCount)
    {
        var stepOf = IntArrays.Filled(slotCount, -1);
        for (int s = 0; s < steps.Count; s++) stepOf[steps[s].Slot] = s;
        return stepOf;
    }

    /// <summary>The steps at these indices, in their order, then <paramref name="last"/> where it is not null.</summary>
    private static ScheduleStep[] StepsAt(IReadOnlyList<ScheduleStep> steps, int[] indices, ScheduleStep? last)
    {
        var result = new ScheduleStep[indices.Length + (last is null ? 0 : 1)];
        for (int i = 0; i < indices.Length; i++) result[i] = steps[indices[i]];
        if (last is not null) result[^1] = last;
        return result;
    }

    public Schedule Schedule { get; }

    /// <summary>The steps in the order they run.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>
    /// The row steps, by the step index of their roots (<paramref name="rows"/>), with the step
    /// indices of their members in order (<paramref name="rowMembers"/>). A form is taken only where
    /// every node it computes but its root is read by nothing outside the row steps taken (and is no
    /// output), and its operands are values some step stores.
    /// </summary>
    private void RowSteps(IReadOnlyList<ScheduleStep> steps, bool[] needed, int[]?[] consumers, bool[] isOutput, RowStep?[] rows, int[]?[] rowMembers)
    {
        int slotCount = Schedule.Slots.Count;
        var stepOf = StepOfSlot(steps, slotCount);
        int found = 0;
        for (int s = 0; s < steps.Count; s++)
        {
            if (!needed[steps[s].Slot] || steps[s].Kind != StepKind.Kernel || steps[s].Node.Op is not Elemwise) continue;
            if (RowPatterns.Match(steps[s].Node, Schedule) is not { } m) continue;
            var ms = new int[m.Members.Count];
            bool all = true;
            for (int k = 0; k < ms.Length && all; k++)
            {
                ms[k] = stepOf[Schedule.SlotOf(m.Members[k].Output)];
                all = ms[k] >= 0;
            }
            if (!all) continue;
            // In order (a handful of members: insertion sort).
            for (int k = 1; k < ms.Length; k++)
                for (int j = k; j > 0 && ms[j - 1] > ms[j]; j--) (ms[j - 1], ms[j]) = (ms[j], ms[j - 1]);
            rows[s] = m.Row;
            rowMembers[s] = ms;
            found++;
        }
        // Drop forms whose inner nodes something else reads, until none is left to drop.
        var covered = new bool[steps.Count];
        var inner = new bool[slotCount];
        for (bool changed = true; changed && found > 0; )
        {
            changed = false;
            Array.Clear(covered);
            Array.Clear(inner);
            for (int root = 0; root < steps.Count; root++)
                if (rowMembers[root] is { } ms)
                    foreach (var i in ms)
                    {
                        covered[i] = true;
                        if (i != root) inner[steps[i].Slot] = true;
                    }
            for (int root = 0; root < steps.Count; root++)
            {
                if (rowMembers[root] is not { } ms) continue;
                bool ok = true;
                foreach (var i in ms)
                {
                    if (i == root) continue;
                    if (isOutput[steps[i].Slot]) ok = false;
                    else if (consumers[steps[i].Slot] is { } uses)
                        foreach (var u in uses)
                            if (!covered[u]) ok = false;
                }
                foreach (var o in rows[root]!.Operands)
                    if (inner[o]) ok = false;
                if (!ok)
                {
                    rows[root] = null;
                    rowMembers[root] = null;
                    found--;
                    changed = true;
                }
            }
        }
    }

    /// <summary>The slots an elementwise node's kernel reads (second's shape operand excepted).</summary>
    private static int[] OperandSlots(ScheduleStep step) =>
        IsSecond(step.Node) ? [step.InputSlots[1]] : step.InputSlots;

    /// <summary>The slots whose data a step needs: shape_of reads only a shape, second only its second operand.</summary>
    private static int[] DataInputs(ScheduleStep step) => step.Node.Op switch
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

    /// <summary>
    /// Builds the loop IR of fused groups, with lookups by slot in arrays kept between groups (each
    /// group clears the entries it set), not dictionaries: a group is small, the schedule may not be.
    /// </summary>
    private sealed class LoopBuilder(Schedule schedule)
    {
        private readonly ScheduleStep?[] memberAt = new ScheduleStep?[schedule.Slots.Count];
        private readonly int[] valueOf = IntArrays.Filled(schedule.Slots.Count, -1);
        private readonly int[] operandOf = IntArrays.Filled(schedule.Slots.Count, -1);
        // Depth-first over the members, inputs before users, with an explicit stack (no recursion):
        // entries are slot * 2 + 1 once the slot's inputs are pushed.
        private int[] stack = new int[16];

        /// <summary>The loop IR of a fused group: the root's expression, each member once, loads of the group's leaves in first-use order.</summary>
        public LoopKernel Build(ScheduleStep root, IReadOnlyList<ScheduleStep> groupMembers)
        {
            foreach (var member in groupMembers) memberAt[member.Slot] = member;
            var operands = new List<LoopOperand>();
            var body = new List<LoopInstr>();
            int depth = 0;
            Push(ref depth, root.Slot * 2);
            while (depth > 0)
            {
                int entry = stack[--depth];
                int slot = entry >> 1;
                bool expanded = (entry & 1) != 0;
                if (valueOf[slot] >= 0) continue;
                if (memberAt[slot] is not { } m)
                {
                    int j = operandOf[slot];
                    if (j < 0)
                    {
                        var v = schedule.Slots[slot];
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
                    Push(ref depth, slot * 2 + 1);
                    for (int i = reads.Length - 1; i >= 0; i--)
                        if (valueOf[reads[i]] < 0) Push(ref depth, reads[i] * 2);
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
                var args = new int[reads.Length];
                for (int i = 0; i < reads.Length; i++) args[i] = valueOf[reads[i]];
                var inputs = m.Node.Inputs;
                var argTypes = new DType[inputs.Count];
                for (int i = 0; i < argTypes.Length; i++) argTypes[i] = inputs[i].DType;
                body.Add(new ApplyInstr(m.Node, e.Scalar, args, argTypes, m.Node.Output.DType));
            }
            var kernel = new LoopKernel(root.Node.Output.NDim, root.Node.Output.DType, operands, body, valueOf[root.Slot]);
            foreach (var member in groupMembers)
            {
                memberAt[member.Slot] = null;
                valueOf[member.Slot] = -1;
            }
            foreach (var operand in operands)
            {
                operandOf[operand.Slot] = -1;
                valueOf[operand.Slot] = -1;
            }
            return kernel;
        }

        private void Push(ref int depth, int entry) => IntArrays.Push(ref stack, ref depth, entry);
    }

    /// <summary>A handful of slots (a fused group's leaves), kept in an array and searched in order.</summary>
    private sealed class SlotSet
    {
        private int[] items = new int[8];

        public int Count { get; private set; }

        public bool Contains(int slot)
        {
            for (int i = 0; i < Count; i++)
                if (items[i] == slot) return true;
            return false;
        }

        public void Add(int slot)
        {
            if (Contains(slot)) return;
            int count = Count;
            IntArrays.Push(ref items, ref count, slot);
            Count = count;
        }

        public void Remove(int slot)
        {
            for (int i = 0; i < Count; i++)
                if (items[i] == slot)
                {
                    items[i] = items[--Count];
                    return;
                }
        }
    }
}
