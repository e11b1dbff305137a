using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Where a row loop reads or writes: an array, the position of the row's first element in it, and
/// the stride along the row (0 where the operand broadcasts, 1 where it is contiguous).
/// Lane 0 of a fused elementwise kernel is its output.
/// </summary>
public struct Lane
{
    public Array Data;
    public int At;
    public int Stride;

    /// <summary>For the rows of a reduction: the stride from one row's start to the next's.</summary>
    public int Step;

    /// <summary>A lane over <paramref name="data"/> from <paramref name="at"/>, <paramref name="stride"/> along a row and <paramref name="step"/> from row to row.</summary>
    public static Lane Of(Array data, int at, int stride, int step) => new() { Data = data, At = at, Stride = stride, Step = step };
}

/// <summary>
/// The lanes of one row of a fused elementwise kernel: lane 0 is the output (stride 1), lanes 1..n
/// the operands, in the kernel's order. A struct on the stack, so running a row allocates nothing.
/// </summary>
[InlineArray(Count)]
public struct Lanes
{
    /// <summary>The output's lane and one per operand (the kernel plan caps operands at 16).</summary>
    public const int Count = 17;

    private Lane first;

    /// <summary>The element a lane's row starts at, as a ref for the row loop (no bounds checks: the shape pass proved them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref T Ref<T>(int lane)
    {
        var l = this[lane];
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T[]>(l.Data)), l.At);
    }

    /// <summary>A lane's stride along the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Stride(int lane) => this[lane].Stride;
}

/// <summary>
/// Runs a fused elementwise kernel, whose generated part is only its row loop
/// (<c>void row(int m, ref Lanes lanes)</c>: <c>m</c> elements from the lanes' positions). The rest
/// is the same for every kernel and lives here, compiled once: the common case first, with no
/// allocation (every operand contiguous in the output's order or a single value, and the work too
/// small to split: one row over the whole output); else the run-time <see cref="Grid"/> (merged
/// dimensions), walked row by row on the calling thread or, past a size that pays for the fork,
/// in chunks over the cores.
/// </summary>
public static unsafe class Elementwise
{
    /// <param name="f">The call's frame.</param>
    /// <param name="slot">The output's slot.</param>
    /// <param name="buffer">The output's pooled buffer, or -1 for storage of its own (see <see cref="Frame.Out{TElem}"/>).</param>
    /// <param name="row">The kernel's row loop.</param>
    /// <param name="cost">A rough cost of one element, in additions (decides threading).</param>
    /// <param name="operands">The operands' slots, in the kernel's order.</param>
    public static void Run<TOut>(Frame f, int slot, int buffer, delegate*<int, ref Lanes, void> row, int cost, params ReadOnlySpan<int> operands)
    {
        if (operands.Length >= Lanes.Count) throw new ArgumentOutOfRangeException(nameof(operands), $"A fused kernel reads at most {Lanes.Count - 1} arrays.");
        var y = f.Out<TOut>(slot, buffer);
        int[] sh = f.S[slot];
        int n = Rt.Size(sh);
        if (n == 0) return;
        Lanes lanes = default;
        lanes[0] = new Lane { Data = y, At = 0, Stride = 1 };
        bool flat = !Grid.Worth(n, cost);
        for (int j = 0; j < operands.Length && flat; j++)
        {
            int i = operands[j];
            int stride = Rt.FlatStride(f.T[i], f.S[i], n);
            if (stride < 0) flat = false;
            else lanes[j + 1] = new Lane { Data = f.D[i], At = f.O[i], Stride = stride };
        }
        if (flat)
        {
            row(n, ref lanes);
            return;
        }
        var offsets = new int[operands.Length];
        var strides = new int[operands.Length][];
        var data = new Array[operands.Length + 1];
        data[0] = y;
        for (int j = 0; j < operands.Length; j++)
        {
            int i = operands[j];
            offsets[j] = f.O[i];
            strides[j] = Rt.Align(f.T[i], f.S[i], sh.Length);
            data[j + 1] = f.D[i];
        }
        var g = new Grid(sh, offsets, strides);
        if (g.Parallel(cost)) SpanOverCores(g, data, (nint)row);
        else Span(g, 0, g.Count, data, row);
    }

    // A method of its own: a lambda's captures are allocated where the scope declaring them starts,
    // so inline they would cost every call an allocation, the flat ones included.
    private static void SpanOverCores(Grid g, Array[] data, nint row) =>
        g.ForChunks((lo, hi) => Span(g, lo, hi, data, (delegate*<int, ref Lanes, void>)row));

    /// <summary>The rows of the flat output index range [lo, hi).</summary>
    private static void Span(Grid g, long lo, long hi, Array[] data, delegate*<int, ref Lanes, void> row)
    {
        int n = data.Length - 1;
        Span<int> p = stackalloc int[Math.Max(n, 1)];
        Span<int> idx = stackalloc int[g.Rank];
        Lanes lanes = default;
        lanes[0] = new Lane { Data = data[0], Stride = 1 };
        for (int j = 0; j < n; j++) lanes[j + 1] = new Lane { Data = data[j + 1], Stride = g.Inner(j) };
        int len = g.Len;
        long r = lo / len;
        int col = (int)(lo - r * len);
        g.Seek(r, idx, p[..n]);
        for (long at = lo; at < hi; col = 0)
        {
            int m = (int)Math.Min(len - col, hi - at);
            lanes[0].At = (int)at;
            for (int j = 0; j < n; j++) lanes[j + 1].At = p[j] + col * lanes[j + 1].Stride;
            row(m, ref lanes);
            at += m;
            g.Next(idx, p[..n]);
        }
    }
}
