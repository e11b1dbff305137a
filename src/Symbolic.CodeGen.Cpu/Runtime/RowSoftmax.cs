using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Softmax along one axis in two passes over each row. The first pass finds the row's maximum and
/// the sum of the exponentials together (online softmax: each lane keeps a running maximum and a
/// sum rescaled by <c>exp(old max - new max)</c> whenever a block of vectors raises it, so the
/// rescaling costs one exponential per block, not per element); the second writes
/// <c>exp(x - max) / sum</c>. Exponentials are <see cref="VMath"/>'s, on <c>Vector256</c> lanes,
/// with scalar tails. Rows are spread over the cores above <see cref="Grid.ParallelWork"/>.
/// Edge rows behave as the max-shifted formula does: -inf entries give 0, a row of -inf or one
/// holding +inf or NaN gives NaN.
/// </summary>
public static class RowSoftmax
{
    /// <summary>Softmax of a view along <paramref name="axis"/>, row-major into <paramref name="y"/> from 0.</summary>
    public static void Into<T>(T[] y, T[] x, int xo, int[] xst, int[] shape, int axis) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = Rt.Size(shape);
        if (size == 0) return;
        int n = shape[axis];
        int inner = Rt.SizeOf(shape, axis + 1, shape.Length);
        int outer = size / (n * inner);
        // Rows of the last axis read straight from a contiguous view; anything else is first laid
        // out in y (a copy of the view) and computed in place, rows strided by `inner`.
        bool direct = inner == 1 && Rt.IsContiguous(shape, xst);
        if (!direct)
        {
            var dense = Rt.Copy(x, xo, xst, shape);
            Array.Copy(dense, y, size);
            (x, xo) = (y, 0);
        }
        int rows = outer * inner;
        if (RowMath.OverCores(rows, size)) OverCores(rows, size, y, x, xo, n, inner);
        else for (int r = 0; r < rows; r++) Row(r, y, x, xo, n, inner);
    }

    // A method of its own: a lambda's captures are allocated where its method starts, so inline
    // they would cost every call an allocation, threaded or not.
    private static void OverCores<T>(int rows, int size, T[] y, T[] src, int so, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T> =>
        RowMath.EachRow(rows, size, r => Row(r, y, src, so, n, inner));

    /// <summary>Row <paramref name="r"/>: contiguous from the source, or strided in place in y.</summary>
    private static void Row<T>(int r, T[] y, T[] src, int so, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int o = r / inner, i = r - o * inner;
        int at = o * n * inner + i;
        if (inner == 1) Contiguous(y, at, src, so + at, n);
        else Strided(y, at, inner, n);
    }

    /// <summary>One contiguous row: x[xp .. xp+n) to y[yp .. yp+n) (the two may be the same storage).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Contiguous<T>(T[] y, int yp, T[] x, int xp, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rx = ref MemoryMarshal.GetArrayDataReference(x);
        ref T ry = ref MemoryMarshal.GetArrayDataReference(y);
        int w = Vector256<T>.Count;
        var (max, sum) = RowMath.MaxAndSum(x, xp, 1, n);
        // Second pass: write.
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= w)
        {
            var vm = Vector256.Create(max);
            var vs = Vector256.Create(sum);
            for (; i <= n - w; i += w)
                (RowMath.Exp(Vector256.LoadUnsafe(ref rx, (nuint)(xp + i)) - vm) / vs).StoreUnsafe(ref ry, (nuint)(yp + i));
        }
        for (; i < n; i++) Unsafe.Add(ref ry, yp + i) = T.Exp(Unsafe.Add(ref rx, xp + i) - max) / sum;
    }

    /// <summary>One row of y, in place, its n elements <paramref name="stride"/> apart from <paramref name="at"/>.</summary>
    private static void Strided<T>(T[] y, int at, int stride, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (max, sum) = RowMath.MaxAndSum(y, at, stride, n);
        for (int k = 0, p = at; k < n; k++, p += stride) y[p] = T.Exp(y[p] - max) / sum;
    }
}
