using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Small float and double products, <c>C = alpha * A * B + beta * C</c> with B's rows contiguous,
/// on the calling thread and without packing: tiles of four rows of C by two vectors of columns
/// stay in registers while k runs, each step loading two vectors of a row of B and broadcasting
/// four values of A (any strides, transposes included). A training step on small tensors is made
/// of such products (32x500 by 500x50, its transpose-times-gradient), where a BLAS library's call,
/// packing and thread hand-offs cost more than the arithmetic: this does them in the time the
/// multiply-adds take. Written over <c>Vector256</c>; <c>SmallGemm512</c> is the same text over
/// <c>Vector512</c> (Symbolic.Generators' WideVectorGenerator), so nothing here may depend on the
/// lane count.
/// </summary>
internal static partial class SmallGemm
{
    /// <summary>
    /// The product of the operands in the arrays' bounds (else false, and nothing written); C's rows
    /// start <paramref name="ldc"/> apart from <paramref name="co"/>. With <paramref name="beta"/>
    /// zero C is not read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryGemm<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs,
        T beta, T[] c, int co, int ldc) where T : struct, INumber<T>
    {
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || m <= 0 || n <= 0 || k <= 0) return false;
        if (!SmallGemmBounds.Within(a.Length, ao, m, ars, k, acs) || !SmallGemmBounds.Within(b.Length, bo, k, brs, n, 1)
            || !SmallGemmBounds.Within(c.Length, co, m, ldc, n, 1)) return false;
        ref T ar = ref MemoryMarshal.GetArrayDataReference(a);
        ref T br = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(b), bo);
        ref T cr = ref MemoryMarshal.GetArrayDataReference(c);
        int w = Vector256<T>.Count;
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            ref T ai = ref Unsafe.Add(ref ar, ao + i * ars);
            ref T ci = ref Unsafe.Add(ref cr, co + i * ldc);
            if (n < w)
            {
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < n; j++)
                        Dot(k, ref Unsafe.Add(ref ai, r * ars), acs, ref Unsafe.Add(ref br, j), brs, ref Unsafe.Add(ref ci, r * ldc + j), alpha, beta);
                continue;
            }
            int done = 0;
            for (; done + 2 * w <= n; done += 2 * w)
                Tile(rows, 2, 0, k, ref ai, ars, acs, ref Unsafe.Add(ref br, done), brs, ref Unsafe.Add(ref ci, done), ldc, alpha, beta);
            for (; done + w <= n; done += w)
                Tile(rows, 1, 0, k, ref ai, ars, acs, ref Unsafe.Add(ref br, done), brs, ref Unsafe.Add(ref ci, done), ldc, alpha, beta);
            // The last columns: one vector ending at column n, which writes only its lanes past those done.
            if (done < n)
                Tile(rows, 1, done - (n - w), k, ref ai, ars, acs, ref Unsafe.Add(ref br, n - w), brs, ref Unsafe.Add(ref ci, n - w), ldc, alpha, beta);
        }
        return true;
    }

    /// <summary>
    /// <paramref name="rows"/> (1 to 4) rows of C by <paramref name="vectors"/> (1 or 2) vectors of
    /// columns, one accumulator per row and vector over k; lanes below <paramref name="skip"/> (of a
    /// one-vector tile) are not written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T>(int rows, int vectors, int skip, int k, ref T a, int ars, int acs, ref T b, int brs, ref T c, int ldc, T alpha, T beta)
        where T : struct, INumber<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        ref T a1 = ref Unsafe.Add(ref a, rows > 1 ? ars : 0);
        ref T a2 = ref Unsafe.Add(ref a, rows > 2 ? 2 * ars : 0);
        ref T a3 = ref Unsafe.Add(ref a, rows > 3 ? 3 * ars : 0);
        // Fewer than four rows: the missing ones read row 0 again and are not stored.
        if (vectors == 2)
        {
            for (int p = 0, pa = 0, pb = 0; p < k; p++, pa += acs, pb += brs)
            {
                ref T bp = ref Unsafe.Add(ref b, pb);
                var b0 = Vector256.LoadUnsafe(ref bp);
                var b1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref bp, w));
                var x = Vector256.Create(Unsafe.Add(ref a, pa));
                c00 = MulAdd(x, b0, c00); c01 = MulAdd(x, b1, c01);
                x = Vector256.Create(Unsafe.Add(ref a1, pa));
                c10 = MulAdd(x, b0, c10); c11 = MulAdd(x, b1, c11);
                x = Vector256.Create(Unsafe.Add(ref a2, pa));
                c20 = MulAdd(x, b0, c20); c21 = MulAdd(x, b1, c21);
                x = Vector256.Create(Unsafe.Add(ref a3, pa));
                c30 = MulAdd(x, b0, c30); c31 = MulAdd(x, b1, c31);
            }
        }
        else
        {
            for (int p = 0, pa = 0, pb = 0; p < k; p++, pa += acs, pb += brs)
            {
                var b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, pb));
                c00 = MulAdd(Vector256.Create(Unsafe.Add(ref a, pa)), b0, c00);
                c10 = MulAdd(Vector256.Create(Unsafe.Add(ref a1, pa)), b0, c10);
                c20 = MulAdd(Vector256.Create(Unsafe.Add(ref a2, pa)), b0, c20);
                c30 = MulAdd(Vector256.Create(Unsafe.Add(ref a3, pa)), b0, c30);
            }
        }
        // Lanes at or past skip are written (all of them where skip is 0).
        var keep = Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(skip)));
        bool all = skip == 0;
        Store(ref c, c00, alpha, beta, keep, all);
        if (vectors == 2) Store(ref Unsafe.Add(ref c, w), c01, alpha, beta, keep, all);
        if (rows > 1)
        {
            ref T r1 = ref Unsafe.Add(ref c, ldc);
            Store(ref r1, c10, alpha, beta, keep, all);
            if (vectors == 2) Store(ref Unsafe.Add(ref r1, w), c11, alpha, beta, keep, all);
        }
        if (rows > 2)
        {
            ref T r2 = ref Unsafe.Add(ref c, 2 * ldc);
            Store(ref r2, c20, alpha, beta, keep, all);
            if (vectors == 2) Store(ref Unsafe.Add(ref r2, w), c21, alpha, beta, keep, all);
        }
        if (rows > 3)
        {
            ref T r3 = ref Unsafe.Add(ref c, 3 * ldc);
            Store(ref r3, c30, alpha, beta, keep, all);
            if (vectors == 2) Store(ref Unsafe.Add(ref r3, w), c31, alpha, beta, keep, all);
        }
    }

    /// <summary>One element of C: a dot product of a row of A and a column of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot<T>(int k, ref T a, int acs, ref T b, int brs, ref T c, T alpha, T beta) where T : struct, INumber<T>
    {
        T s = T.Zero;
        for (int p = 0, pa = 0, pb = 0; p < k; p++, pa += acs, pb += brs) s += Unsafe.Add(ref a, pa) * Unsafe.Add(ref b, pb);
        c = beta == T.Zero ? alpha * s : alpha * s + beta * c;
    }

    /// <summary>C = alpha * acc + beta * C over one vector, in the lanes of <paramref name="keep"/> (<paramref name="all"/>: every lane; C not read where beta is zero and all are kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ref T c, Vector256<T> acc, T alpha, T beta, Vector256<T> keep, bool all) where T : struct, INumber<T>
    {
        var v = alpha == T.One ? acc : acc * Vector256.Create(alpha);
        if (beta != T.Zero || !all)
        {
            var old = Vector256.LoadUnsafe(ref c);
            if (beta == T.One) v += old;
            else if (beta != T.Zero) v += Vector256.Create(beta) * old;
            if (!all) v = Vector256.ConditionalSelect(keep, v, old);
        }
        v.StoreUnsafe(ref c);
    }

    /// <summary><c>x * y + acc</c>, fused where the machine has FMA (also ManagedGemm's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> MulAdd<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc) where T : struct, INumber<T>
    {
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        }
        return x * y + acc;
    }
}
