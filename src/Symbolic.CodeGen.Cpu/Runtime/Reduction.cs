using System.Buffers;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Runs the fast paths of a reduction kernel whose reduced axes are a block at the end or at the
/// start of the index space (see the renderer's ReduceKernel), split at run time into an outer and
/// an inner block. The generated part is only the loop over one row; the walk over rows and the
/// threading are the same for every kernel and live here, compiled once. Lanes 1..n are the
/// operands, positioned at the first row, with <see cref="Lane.Stride"/> along a row (the inner
/// block) and <see cref="Lane.Step"/> from row to row (the outer block).
/// </summary>
public static unsafe class Reduction
{
    /// <summary>
    /// Trailing axes: each of the <paramref name="rows"/> rows of <paramref name="length"/> elements
    /// reduced by <paramref name="reduce"/>; returns one accumulator a row in an array from the
    /// shared pool (longer than <paramref name="rows"/>; give it back with <see cref="Return{TAcc}"/>).
    /// Rows spread over the cores where the work pays for it; each row's sum is in the same order
    /// whatever the threading, so results are the same call to call.
    /// </summary>
    public static TAcc[] Rows<TAcc>(int rows, int length, int cost, delegate*<int, ref Lanes, TAcc> reduce, ref Lanes lanes, int operands)
    {
        var acc = ArrayPool<TAcc>.Shared.Rent(Math.Max(rows, 1));
        if (rows > 1 && Grid.Worth((long)rows * length, cost)) RowsOverCores(acc, rows, length, (nint)reduce, lanes, operands);
        else RowRange(acc, 0, rows, length, reduce, ref lanes, operands);
        return acc;
    }

    // The threaded paths are methods of their own: a lambda's captures are allocated where the
    // method starts, so inline they would cost every call, threaded or not, an allocation.
    private static void RowsOverCores<TAcc>(TAcc[] acc, int rows, int length, nint fn, Lanes start, int operands) =>
        System.Threading.Tasks.Parallel.For(0, Rt.Chunks(rows), c =>
        {
            var (lo, hi) = Rt.Chunk(rows, c);
            var l = start;
            RowRange(acc, lo, hi, length, (delegate*<int, ref Lanes, TAcc>)fn, ref l, operands);
        });

    private static void RowRange<TAcc>(TAcc[] acc, int lo, int hi, int length, delegate*<int, ref Lanes, TAcc> reduce, ref Lanes lanes, int operands)
    {
        Span<int> start = stackalloc int[operands + 1];
        for (int j = 1; j <= operands; j++) start[j] = lanes[j].At;
        for (int r = lo; r < hi; r++)
        {
            for (int j = 1; j <= operands; j++) lanes[j].At = start[j] + r * lanes[j].Step;
            acc[r] = reduce(length, ref lanes);
        }
        for (int j = 1; j <= operands; j++) lanes[j].At = start[j];
    }

    /// <summary>
    /// Leading axes: the <paramref name="rows"/> rows of <paramref name="length"/> kept elements
    /// combined, column by column, into <paramref name="acc"/> by <paramref name="combine"/>
    /// (<c>combine(m, acc, from, lanes)</c> folds m elements of one row into <c>acc[from..]</c>).
    /// Long rows are cut into column blocks spread over the cores; every column is combined in
    /// row order whatever the threading.
    /// </summary>
    public static void Columns<TAcc>(TAcc[] acc, int rows, int length, int cost, delegate*<int, TAcc[], int, ref Lanes, void> combine, ref Lanes lanes, int operands)
    {
        if (length >= 256 && Grid.Worth((long)rows * length, cost)) ColumnsOverCores(acc, rows, length, (nint)combine, lanes, operands);
        else ColumnRange(acc, rows, 0, length, combine, ref lanes, operands);
    }

    private static void ColumnsOverCores<TAcc>(TAcc[] acc, int rows, int length, nint fn, Lanes start, int operands)
    {
        int chunks = Rt.Chunks(length / 64);
        System.Threading.Tasks.Parallel.For(0, chunks, c =>
        {
            var (lo, hi) = Rt.Chunk(length, c, chunks, 64);
            var l = start;
            ColumnRange(acc, rows, lo, hi, (delegate*<int, TAcc[], int, ref Lanes, void>)fn, ref l, operands);
        });
    }

    private static void ColumnRange<TAcc>(TAcc[] acc, int rows, int lo, int hi, delegate*<int, TAcc[], int, ref Lanes, void> combine, ref Lanes lanes, int operands)
    {
        Span<int> start = stackalloc int[operands + 1];
        for (int j = 1; j <= operands; j++) start[j] = lanes[j].At;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 1; j <= operands; j++) lanes[j].At = start[j] + r * lanes[j].Step + lo * lanes[j].Stride;
            combine(hi - lo, acc, lo, ref lanes);
        }
        for (int j = 1; j <= operands; j++) lanes[j].At = start[j];
    }

    /// <summary>Gives back an array from <see cref="Rows{TAcc}"/>.</summary>
    public static void Return<TAcc>(TAcc[] acc) => ArrayPool<TAcc>.Shared.Return(acc);
}
