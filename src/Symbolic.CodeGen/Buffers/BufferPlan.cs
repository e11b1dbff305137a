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
        var baseOf = Enumerable.Range(0, slots).ToArray();
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
        foreach (var o in schedule.OutputSlots)
            if (storage[baseOf[o]] == StorageKind.Pooled) storage[baseOf[o]] = StorageKind.Fresh;
        // A reshape of a view that is not contiguous copies at run time; counting it as a view of its
        // input only keeps that input alive longer than needed.
        var lastUse = new int[slots];
        Array.Fill(lastUse, -1);
        for (int s = 0; s < plan.Steps.Count; s++)
            foreach (var r in plan.Steps[s].Reads)
                lastUse[baseOf[r]] = s;

        var outputs = new HashSet<int>(schedule.OutputSlots);
        var buffer = new int[slots];
        Array.Fill(buffer, -1);
        var dtypes = new List<DType>();
        var free = new List<int>();
        var dying = new List<int>();
        for (int s = 0; s < plan.Steps.Count; s++)
        {
            var step = plan.Steps[s];
            dying.Clear();
            foreach (var r in step.Reads.Distinct())
                if (lastUse[baseOf[r]] == s && buffer[baseOf[r]] >= 0 && !dying.Contains(buffer[baseOf[r]])) dying.Add(buffer[baseOf[r]]);
            if (storage[step.Slot] == StorageKind.Pooled)
            {
                var dtype = step.Node.Output.DType;
                int b = InPlace(step, baseOf, buffer, lastUse, s, dtypes);
                if (b < 0)
                {
                    int at = free.FindIndex(f => dtypes[f] == dtype);
                    if (at >= 0) { b = free[at]; free.RemoveAt(at); }
                    else { b = dtypes.Count; dtypes.Add(dtype); }
                }
                else dying.Remove(b);
                buffer[step.Slot] = b;
                if (lastUse[step.Slot] < 0 && !outputs.Contains(step.Slot)) dying.Add(b); // computed, never read
            }
            free.AddRange(dying);
        }
        Storage = storage;
        BufferOf = buffer;
        BufferTypes = dtypes;
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
    private static int InPlace(PlanStep step, int[] baseOf, int[] buffer, int[] lastUse, int s, List<DType> dtypes)
    {
        if (step.Kind != PlanKind.Fused || step.Loop is not { } loop) return -1;
        var root = step.Node.Output;
        foreach (var operand in loop.Operands)
        {
            int slot = operand.Slot;
            if (baseOf[slot] != slot || buffer[slot] < 0 || lastUse[slot] != s) continue;
            if (dtypes[buffer[slot]] != root.DType || operand.NDim != root.NDim) continue;
            if (KernelPlan.Smaller(PlanVariable(step, slot), root)) continue;
            if (loop.Operands.Count(o => baseOf[o.Slot] == slot) > 1) continue;
            return buffer[slot];
        }
        return -1;
    }

    private static Variable PlanVariable(PlanStep step, int slot) =>
        step.Members.SelectMany(m => m.Node.Inputs.Zip(m.InputSlots)).First(p => p.Second == slot).First;
}
