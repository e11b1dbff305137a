using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>What the row kernels (softmax, log-softmax and its gradient) share: the online maximum and sum of exponentials of a row, and NaN-propagating max and exp over generic vectors.</summary>
internal static class RowMath
{
    /// <summary>True when <paramref name="rows"/> rows of <paramref name="size"/> elements in all are worth spreading over the cores.</summary>
    internal static bool OverCores(int rows, long size) => rows > 1 && Grid.Worth(size, 12);

    /// <summary>
    /// Runs <paramref name="row"/> for each of <paramref name="rows"/> rows: on the calling thread, or
    /// in chunks of rows over the cores where the <paramref name="size"/> elements are worth it.
    /// </summary>
    internal static void EachRow(int rows, long size, Action<int> row)
    {
        if (OverCores(rows, size))
            Parallel.For(0, Rt.Chunks(rows), c =>
            {
                var (lo, hi) = Rt.Chunk(rows, c);
                for (int r = lo; r < hi; r++) row(r);
            });
        else
            for (int r = 0; r < rows; r++) row(r);
    }

    /// <summary>
    /// The row's maximum (NaN wins) and the sum of exp(x - max) in one pass; the sum is NaN for a
    /// row of -inf, where the shifted formula takes exp(-inf - -inf).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (T Max, T Sum) MaxAndSum<T>(T[] x, int xp, int xc, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T rx = ref MemoryMarshal.GetArrayDataReference(x);
        int w = Vector256<T>.Count, i = 0;
        T max = T.NegativeInfinity, sum = T.Zero;
        if (Vector256.IsHardwareAccelerated && xc == 1 && n >= w)
        {
            var m = Vector256.Create(T.NegativeInfinity);
            var s = Vector256<T>.Zero;
            var ninf = Vector256.Create(T.NegativeInfinity);
            // Blocks of up to four vectors: one maximum per block, one rescale per block.
            while (i <= n - w)
            {
                int k = Math.Min(4, (n - i) / w);
                var bm = Vector256.LoadUnsafe(ref rx, (nuint)(xp + i));
                for (int b = 1; b < k; b++) bm = Max(bm, Vector256.LoadUnsafe(ref rx, (nuint)(xp + i + b * w)));
                var nm = Max(m, bm);
                // exp(m - nm) is 1 where the maximum stays (also when both are -inf); a lane that
                // has seen only -inf keeps a sum of 0.
                var scale = Vector256.ConditionalSelect(Vector256.Equals(m, nm), Vector256<T>.One, Exp(m - nm));
                var add = Vector256<T>.Zero;
                for (int b = 0; b < k; b++) add += Exp(Vector256.LoadUnsafe(ref rx, (nuint)(xp + i + b * w)) - nm);
                s = s * scale + (add & ~Vector256.Equals(nm, ninf));
                m = nm;
                i += k * w;
            }
            for (int l = 0; l < w; l++) max = Max(max, m.GetElement(l));
            for (int l = 0; l < w; l++)
            {
                var ml = m.GetElement(l);
                var sl = s.GetElement(l);
                sum += ml == max ? sl : sl * T.Exp(ml - max);
            }
        }
        else
        {
            // A short or strided row: its maximum, then the sum (no rescaling exponentials). A row of
            // -inf sums exp(NaN), as the shifted formula does.
            for (; i < n; i++) max = Max(max, Unsafe.Add(ref rx, xp + i * xc));
            for (i = 0; i < n; i++) sum += T.Exp(Unsafe.Add(ref rx, xp + i * xc) - max);
            return (max, sum);
        }
        // The tail after the vectors, online as well.
        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref rx, xp + i * xc);
            var nm = Max(max, v);
            if (nm != max) sum *= T.Exp(max - nm);
            if (!T.IsNegativeInfinity(nm)) sum += T.Exp(v - nm);
            max = nm;
        }
        if (T.IsNegativeInfinity(max)) sum = T.NaN;
        return (max, sum);
    }

    /// <summary>Math.Max: NaN wins.</summary>
    internal static T Max<T>(T a, T b) where T : IFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? T.NaN : T.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> Max<T>(Vector256<T> a, Vector256<T> b)
    {
        if (typeof(T) == typeof(float)) return VMath.Max(a.AsSingle(), b.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return VMath.Max(a.AsDouble(), b.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> Exp<T>(Vector256<T> a)
    {
        if (typeof(T) == typeof(float)) return VMath.Exp(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return VMath.Exp(a.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }
}
