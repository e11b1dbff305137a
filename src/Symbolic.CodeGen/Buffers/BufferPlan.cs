using Symbolic.Ops;

namespace Symbolic.CodeGen;

/// <summary>Where a step's result is stored.</summary>
public enum StorageKind
{
    /// <summary>Not stored by the step: a view, or a value the program is given (input, constant, shared variable).</summary>
    None,
    /// <summary>A fresh array each call, or storage the caller gives for it: the value, or a view of it, leaves the program (an output or an update).</summary>
    Fresh,
    /// <summary>A scratch buffer of the function's pool, reused by other steps whose lifetimes do not overlap.</summary>
    Pooled,
}

/// <summary>
/// The buffer plan: lifetimes over the straight-line steps of a kernel plan, and a scratch buffer
/// for every stored value that never leaves the program. A buffer is free again after the last
/// step that reads it, or a view of it (views keep their base alive); a fused elementwise kernel
/// writes in place over an operand that dies at that step and is read at the very positions it
/// writes. Values that leave the program (outputs, updates, and the bases of views that do) get
/// fresh arrays: callers keep them. Buffers hold one dtype; their sizes are set at run time, so a
/// steady-state call allocates nothing but what it returns.
/// </summary>
public sealed class BufferPlan
{
    public BufferPlan(KernelPlan plan)
    {
        var schedule = plan.Schedule;
        int slots = schedule.Slots.Count;
        // base[k]: the slot whose storage slot k reads (itself unless k is a view).
        var baseOf = new int[slots];
        for (int k = 0; k < slots; k++) baseOf[k] = k;
        foreach (var step in plan.Steps)
            if (step.Kind == PlanKind.View) baseOf[step.Slot] = baseOf[step.Root.InputSlots[0]];
        var storage = new StorageKind[slots];
        foreach (var step in plan.Steps)
            storage[step.Slot] = step.Kind switch
            {
                PlanKind.Fused or PlanKind.Node => StorageKind.Pooled,
                PlanKind.Loop => StorageKind.Fresh, // a Map's runner builds its result itself
                _ => StorageKind.None,
            };
        var outputSlots = schedule.OutputSlots;
        var isOutput = new bool[slots];
        for (int i = 0; i < outputSlots.Count; i++)
        {
            int o = outputSlots[i];
            isOutput[o] = true;
            if (storage[baseOf[o]] == StorageKind.Pooled) storage[baseOf[o]] = StorageKind.Fresh;
        }
        // A reshape of a view that is not contiguous copies at run time; counting it as a view of its
        // input only keeps that input alive longer than needed.
        var lastUse = IntArrays.Filled(slots, -1);
        var reads = new int[plan.Steps.Count][];
        for (int s = 0; s < plan.Steps.Count; s++)
        {
            reads[s] = ReadsOf(plan.Steps[s]);
            foreach (var r in reads[s])
                lastUse[baseOf[r]] = s;
        }

        // Plain arrays and loops (no lists or LINQ over ints): generic code over value types is
        // JIT-compiled in every fresh process, precompiled (ReadyToRun) library or not.
        var buffer = IntArrays.Filled(slots, -1);
        var dtypes = new DType[8];
        int bufferCount = 0;
        // The free buffers, oldest first (a buffer freed earlier is taken first).
        var free = new int[8];
        int freeCount = 0;
        var dying = new int[8];
        for (int s = 0; s < plan.Steps.Count; s++)
        {
            var step = plan.Steps[s];
            int dyingCount = 0;
            foreach (var r in reads[s])
            {
                int b = buffer[baseOf[r]];
                if (lastUse[baseOf[r]] == s && b >= 0 && IntArrays.IndexOf(dying, b, dyingCount) < 0) IntArrays.Push(ref dying, ref dyingCount, b);
            }
            if (storage[step.Slot] == StorageKind.Pooled)
            {
                var dtype = step.Node.Output.DType;
                int b = InPlace(step, baseOf, buffer, lastUse, s, dtypes);
                if (b < 0)
                {
                    int at = 0;
                    while (at < freeCount && dtypes[free[at]] != dtype) at++;
                    if (at < freeCount)
                    {
                        b = free[at];
                        IntArrays.RemoveAt(free, ref freeCount, at);
                    }
                    else
                    {
                        b = bufferCount;
                        if (bufferCount == dtypes.Length)
                        {
                            var grown = new DType[dtypes.Length * 2];
                            Array.Copy(dtypes, grown, bufferCount);
                            dtypes = grown;
                        }
                        dtypes[bufferCount++] = dtype;
                    }
                }
                else
                {
                    int at = IntArrays.IndexOf(dying, b, dyingCount);
                    if (at >= 0) IntArrays.RemoveAt(dying, ref dyingCount, at);
                }
                buffer[step.Slot] = b;
                if (lastUse[step.Slot] < 0 && !isOutput[step.Slot]) IntArrays.Push(ref dying, ref dyingCount, b); // computed, never read
            }
            for (int i = 0; i < dyingCount; i++) IntArrays.Push(ref free, ref freeCount, dying[i]);
        }
        Storage = storage;
        BufferOf = buffer;
        var types = new DType[bufferCount];
        Array.Copy(dtypes, types, bufferCount);
        BufferTypes = types;
        Plan = plan;
    }

    public KernelPlan Plan { get; }

    /// <summary>How each slot's value is stored.</summary>
    public IReadOnlyList<StorageKind> Storage { get; }

    /// <summary>The pooled buffer of each slot (-1 where it has none).</summary>
    public IReadOnlyList<int> BufferOf { get; }

    /// <summary>The dtype of each pooled buffer.</summary>
    public IReadOnlyList<DType> BufferTypes { get; }

    /// <summary>
    /// The buffer a fused kernel can write over: an operand's own storage (not a view of it), of the
    /// output's dtype, dying at this step, read at the output's positions (no dimension where it
    /// broadcasts), and read by no other operand of the kernel. -1 where there is none.
    /// </summary>
    private static int InPlace(PlanStep step, int[] baseOf, int[] buffer, int[] lastUse, int s, DType[] dtypes)
    {
        if (step.Kind != PlanKind.Fused || step.Loop is not { } loop) return -1;
        var root = step.Node.Output;
        foreach (var operand in loop.Operands)
        {
            int slot = operand.Slot;
            if (baseOf[slot] != slot || buffer[slot] < 0 || lastUse[slot] != s) continue;
            if (dtypes[buffer[slot]] != root.DType || operand.NDim != root.NDim) continue;
            if (KernelPlan.Smaller(PlanVariable(step, slot), root)) continue;
            int readers = 0;
            foreach (var o in loop.Operands)
                if (baseOf[o.Slot] == slot) readers++;
            if (readers > 1) continue;
            return buffer[slot];
        }
        return -1;
    }

    private static Variable PlanVariable(PlanStep step, int slot)
    {
        foreach (var m in step.Members)
            for (int i = 0; i < m.InputSlots.Length && i < m.Node.Inputs.Count; i++)
                if (m.InputSlots[i] == slot) return m.Node.Inputs[i];
        throw new InvalidOperationException($"No member of the step reads slot {slot}.");
    }

    /// <summary>The slots a step reads, each once, in first-read order.</summary>
    private static int[] ReadsOf(PlanStep step)
    {
        var all = step.Reads;
        var reads = new int[all.Count];
        int n = 0;
        for (int i = 0; i < all.Count; i++)
            if (IntArrays.IndexOf(reads, all[i], n) < 0) reads[n++] = all[i];
        return IntArrays.Prefix(reads, n);
    }
}
