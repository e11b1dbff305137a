using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The row steps of the kernel plan (<c>RowForm</c>): log-softmax along the last axis,
/// <c>(x - max) - log(sum(exp(x - max)))</c>, and its gradient for an incoming gradient g,
/// <c>g + (sum(-g) / sum(exp(x - max))) * exp(x - max)</c>. Log-softmax reads a row twice where it
/// holds a vector or more: its maximum and the sum of the shifted exponentials together (online, as
/// <see cref="RowSoftmax"/> does: a running maximum per lane and a sum rescaled when a block raises
/// it), then the result; a shorter or strided row is read for its maximum, then its sum, then the
/// result. The gradient takes the maximum and sum(-g), then writes the exponentials into its output
/// as it sums them, then rewrites them in place, so each exponential is computed once. The output is
/// row-major from 0; operands are any views (offset and strides; g may broadcast). Unit-stride rows
/// run on <c>Vector256</c> lanes with scalar tails, any other row element by element. Rows are spread
/// over the cores above <see cref="Grid.ParallelWork"/>. Edge rows give what the nodes give: a row of
/// -inf, or one holding +inf or NaN, is NaN throughout (the shift is then NaN or the sum is); -inf
/// entries of a finite row give -inf (and g itself in the gradient); an empty row writes nothing.
/// </summary>
public static class RowLogSoftmax
{
    /// <summary>Log-softmax of x (shape <paramref name="sh"/>) along its last axis into y.</summary>
    public static void Into<T>(T[] y, int[] sh, T[] x, int xo, int[] xt, int[] xsh) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(y, sh, null, 0, null, x, xo, Rt.Align(xt, xsh, sh.Length));

    /// <summary>The gradient of the logits x (shape <paramref name="sh"/>) for the gradient g of their log-softmax, into y.</summary>
    public static void GradInto<T>(T[] y, int[] sh, T[] g, int go, int[] gt, int[] gsh, T[] x, int xo, int[] xt, int[] xsh)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(y, sh, g, go, Rt.Align(gt, gsh, sh.Length), x, xo, Rt.Align(xt, xsh, sh.Length));

    private static void Run<T>(T[] y, int[] sh, T[]? g, int go, int[]? gs, T[] x, int xo, int[] xs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = Rt.Size(sh);
        if (size == 0) return;
        int rank = sh.Length;
        int n = sh[rank - 1];
        int rows = size / n;
        if (RowMath.OverCores(rows, size)) OverCores(rows, size, y, sh, g, go, gs, x, xo, xs, n);
        else for (int r = 0; r < rows; r++) Row(r, y, sh, g, go, gs, x, xo, xs, n);
    }

    // A method of its own: a lambda's captures are allocated where its method starts, so inline
    // they would cost every call an allocation, threaded or not.
    private static void OverCores<T>(int rows, int size, T[] y, int[] sh, T[]? g, int go, int[]? gs, T[] x, int xo, int[] xs, int n)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RowMath.EachRow(rows, size, r => Row(r, y, sh, g, go, gs, x, xo, xs, n));

    /// <summary>Row <paramref name="r"/>: its first element in each operand, from its index over the leading dimensions, then the row.</summary>
    private static void Row<T>(int r, T[] y, int[] sh, T[]? g, int go, int[]? gs, T[] x, int xo, int[] xs, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rank = sh.Length;
        int xp = xo, gp = go;
        for (int d = rank - 2, q = r; d >= 0; d--)
        {
            int i = q % sh[d];
            q /= sh[d];
            xp += i * xs[d];
            if (gs is not null) gp += i * gs[d];
        }
        if (g is null) LogSoftmaxRow(y, r * n, x, xp, xs[rank - 1], n);
        else GradRow(y, r * n, g, gp, gs![rank - 1], x, xp, xs[rank - 1], n);
    }

    /// <summary>One row: y[yp..yp+n) = (x - max) - log(sum(exp(x - max))), x's elements <paramref name="xc"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LogSoftmaxRow<T>(T[] y, int yp, T[] x, int xp, int xc, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (max, sum) = RowMath.MaxAndSum(x, xp, xc, n);
        var lse = T.Log(sum);
        ref T rx = ref MemoryMarshal.GetArrayDataReference(x);
        ref T ry = ref MemoryMarshal.GetArrayDataReference(y);
        int w = Vector256<T>.Count, i = 0;
        if (Vector256.IsHardwareAccelerated && xc == 1 && n >= w)
        {
            var vm = Vector256.Create(max);
            var vl = Vector256.Create(lse);
            for (; i <= n - w; i += w)
                (Vector256.LoadUnsafe(ref rx, (nuint)(xp + i)) - vm - vl).StoreUnsafe(ref ry, (nuint)(yp + i));
        }
        for (; i < n; i++) Unsafe.Add(ref ry, yp + i) = Unsafe.Add(ref rx, xp + i * xc) - max - lse;
    }

    /// <summary>
    /// One row: y[yp..yp+n) = g + (sum(-g) / sum(exp(x - max))) * exp(x - max). The exponentials
    /// are written to y as they are summed, and y is then rewritten in place: each is computed once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradRow<T>(T[] y, int yp, T[] g, int gp, int gc, T[] x, int xp, int xc, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rx = ref MemoryMarshal.GetArrayDataReference(x);
        ref T rg = ref MemoryMarshal.GetArrayDataReference(g);
        ref T ry = ref MemoryMarshal.GetArrayDataReference(y);
        int w = Vector256<T>.Count, i = 0;
        bool vector = Vector256.IsHardwareAccelerated && n >= w;
        // The row's maximum and sum(-g) (g may broadcast along the row: stride 0).
        T max = T.NegativeInfinity, t = T.Zero;
        if (vector && xc == 1)
        {
            var m = Vector256.Create(T.NegativeInfinity);
            for (; i <= n - w; i += w) m = RowMath.Max(m, Vector256.LoadUnsafe(ref rx, (nuint)(xp + i)));
            for (int l = 0; l < w; l++) max = RowMath.Max(max, m.GetElement(l));
        }
        for (; i < n; i++) max = RowMath.Max(max, Unsafe.Add(ref rx, xp + i * xc));
        i = 0;
        if (vector && gc == 1)
        {
            var acc = Vector256<T>.Zero;
            for (; i <= n - w; i += w) acc -= Vector256.LoadUnsafe(ref rg, (nuint)(gp + i));
            t = Vector256.Sum(acc);
        }
        for (; i < n; i++) t += -Unsafe.Add(ref rg, gp + i * gc);
        // exp(x - max) into y, summed: a row of -inf gives exp(NaN), +inf or NaN a NaN sum, as the nodes do.
        T sum = T.Zero;
        i = 0;
        if (vector && xc == 1)
        {
            var vm = Vector256.Create(max);
            var acc = Vector256<T>.Zero;
            for (; i <= n - w; i += w)
            {
                var e = RowMath.Exp(Vector256.LoadUnsafe(ref rx, (nuint)(xp + i)) - vm);
                e.StoreUnsafe(ref ry, (nuint)(yp + i));
                acc += e;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            var e = T.Exp(Unsafe.Add(ref rx, xp + i * xc) - max);
            Unsafe.Add(ref ry, yp + i) = e;
            sum += e;
        }
        var c = t / sum;
        i = 0;
        if (vector && gc <= 1)
        {
            var vc = Vector256.Create(c);
            var bg = Vector256.Create(Unsafe.Add(ref rg, gp));
            for (; i <= n - w; i += w)
            {
                var gv = gc == 0 ? bg : Vector256.LoadUnsafe(ref rg, (nuint)(gp + i));
                (gv + vc * Vector256.LoadUnsafe(ref ry, (nuint)(yp + i))).StoreUnsafe(ref ry, (nuint)(yp + i));
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref ry, yp + i) = Unsafe.Add(ref rg, gp + i * gc) + c * Unsafe.Add(ref ry, yp + i);
    }
}
