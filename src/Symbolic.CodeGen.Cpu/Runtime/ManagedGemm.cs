using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The matrix product in C#, for when no BLAS library is found and for the integer dtypes:
/// <c>C = alpha * A * B + beta * C</c> on strided operands.
/// <para>
/// Products worth it take the blocked path (the GotoBLAS/BLIS scheme): B is packed by blocks of
/// <see cref="KC"/> x <see cref="NC"/> into panels of NR columns, A by blocks of <see cref="MC"/> x
/// <see cref="KC"/> into panels of <see cref="MR"/> rows (zero-padded at the edges, so any strides,
/// transposes included, are folded in by the packing), and a register-tiled micro-kernel keeps an
/// MR x NR tile of C in twelve <see cref="Vector256{T}"/> accumulators (FMA where the CPU has it),
/// streaming one NR-wide row of the B panel and MR broadcasts of the A panel per step of k. Large
/// products spread their blocks of rows (and column panels, when the rows are few) over the cores.
/// Vectors, thin and tiny products, and machines without 256-bit vectors take plain vectorized
/// loops.
/// </para>
/// </summary>
internal static class ManagedGemm
{
    /// <summary>Rows of the micro-kernel's tile of C.</summary>
    public const int MR = 6;
    /// <summary>Depth of a packed block (the k extent shared by an A block and a B block).</summary>
    public const int KC = 256;
    /// <summary>Rows of a packed A block (a multiple of <see cref="MR"/>): 96 x 256 floats sit in L2.</summary>
    public const int MC = 96;
    /// <summary>Columns of a packed B block (a multiple of every NR).</summary>
    public const int NC = 2048;

    /// <summary>Products with at least this many multiply-adds use several cores.</summary>
    public const long ParallelWork = 1 << 19;
    /// <summary>Products with at most this many multiply-adds skip the packing.</summary>
    private const long SmallWork = 4096;

    /// <summary>Columns of the micro-kernel's tile: two vectors.</summary>
    public static int NR<T>() => 2 * Vector256<T>.Count;

    /// <summary>True when the blocked path runs on hardware vectors of <typeparamref name="T"/>.</summary>
    public static bool Blockable<T>() => Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported;

    /// <summary>
    /// <c>C = alpha * A * B + beta * C</c> where <c>A(i, p) = a[ao + i*ars + p*acs]</c>,
    /// <c>B(p, j) = b[bo + p*brs + j*bcs]</c> and C's rows start <paramref name="ldc"/> apart from
    /// <paramref name="co"/> with unit column stride. With <paramref name="beta"/> zero C is not read
    /// (NaN there does not survive); with <paramref name="alpha"/> zero or k zero A and B are not
    /// read. <paramref name="parallel"/> false keeps it on the calling thread.
    /// </summary>
    public static void Gemm<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs, int bcs,
        T beta, T[] c, int co, int ldc, bool parallel = true) where T : struct, INumber<T>
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == T.Zero)
        {
            for (int i = 0; i < m; i++) ScaleRow(c.AsSpan(co + i * ldc, n), beta);
            return;
        }
        if (m == 1 || n == 1 || (long)m * n * k <= SmallWork || !Blockable<T>())
            Simple(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, beta, c, co, ldc, parallel);
        else
            Blocked(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, beta, c, co, ldc, parallel);
    }

    /// <summary>The product by rows without packing: dot products where n is 1, else row updates (i-k-j order).</summary>
    public static void Simple<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs, int bcs,
        T beta, T[] c, int co, int ldc, bool parallel = true) where T : struct, INumber<T>
    {
        void Row(int i)
        {
            int ai = ao + i * ars;
            var row = c.AsSpan(co + i * ldc, n);
            if (n == 1)
            {
                T s = acs == 1 && brs == 1 ? DotContiguous<T>(a.AsSpan(ai, k), b.AsSpan(bo, k)) : DotStrided(a, ai, acs, b, bo, brs, k);
                row[0] = beta == T.Zero ? alpha * s : alpha * s + beta * row[0];
                return;
            }
            ScaleRow(row, beta);
            if (bcs == 1)
                for (int p = 0; p < k; p++) Axpy(alpha * a[ai + p * acs], b.AsSpan(bo + p * brs, n), row);
            else
                for (int j = 0; j < n; j++) row[j] += alpha * DotStrided(a, ai, acs, b, bo + j * bcs, brs, k);
        }
        if (parallel && m > 1 && (long)m * n * k >= ParallelWork && Environment.ProcessorCount > 1) Parallel.For(0, m, Row);
        else for (int i = 0; i < m; i++) Row(i);
    }

    /// <summary>The packed, register-tiled product (see the type's remarks). Needs <see cref="Blockable{T}"/>.</summary>
    public static void Blocked<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs, int bcs,
        T beta, T[] c, int co, int ldc, bool parallel = true) where T : struct, INumber<T>
    {
        int nr = NR<T>();
        int panelsMax = (Math.Min(n, NC) + nr - 1) / nr;
        var bPack = ArrayPool<T>.Shared.Rent(KC * panelsMax * nr);
        int threads = parallel && (long)m * n * k >= ParallelWork ? Environment.ProcessorCount : 1;
        try
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                int panels = (nc + nr - 1) / nr;
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    T betaHere = pc == 0 ? beta : T.One;
                    PackB(kc, nc, nr, b, bo + pc * brs + jc * bcs, brs, bcs, bPack);
                    int rowBlocks = (m + MC - 1) / MC;
                    // Too few row blocks for the cores: split the column panels too (each piece packs its own A block).
                    int columnPieces = threads > 1 ? Math.Clamp((2 * threads + rowBlocks - 1) / rowBlocks, 1, panels) : 1;
                    int items = rowBlocks * columnPieces;
                    int aOff = ao + pc * acs, cOff = co + jc;
                    void Work(int item)
                    {
                        int ic = item / columnPieces * MC, piece = item % columnPieces;
                        int mc = Math.Min(MC, m - ic);
                        var aPack = ArrayPool<T>.Shared.Rent(MC * KC + MR * nr);
                        try
                        {
                            PackA(mc, kc, a, aOff + ic * ars, ars, acs, aPack);
                            ref T tile = ref aPack[MC * KC];
                            int p1 = (piece + 1) * panels / columnPieces;
                            for (int pj = piece * panels / columnPieces; pj < p1; pj++)
                            {
                                int j = pj * nr, nrHere = Math.Min(nr, nc - j);
                                ref T bPanel = ref bPack[pj * kc * nr];
                                for (int ir = 0; ir < mc; ir += MR)
                                {
                                    Kernel(kc, ref aPack[ir * kc], ref bPanel, ref tile);
                                    Update(aPack.AsSpan(MC * KC, MR * nr), nr, Math.Min(MR, mc - ir), nrHere, alpha, betaHere, c, cOff + (ic + ir) * ldc + j, ldc);
                                }
                            }
                        }
                        finally { ArrayPool<T>.Shared.Return(aPack); }
                    }
                    if (items > 1 && threads > 1) Parallel.For(0, items, Work);
                    else for (int item = 0; item < items; item++) Work(item);
                }
            }
        }
        finally { ArrayPool<T>.Shared.Return(bPack); }
    }

    /// <summary>Packs an mc x kc block of A into panels of MR rows: panel r holds, for each p, its MR values of column p (zeros past the last row).</summary>
    private static void PackA<T>(int mc, int kc, T[] a, int off, int rs, int cs, T[] pack) where T : struct, INumber<T>
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            var dst = pack.AsSpan(ir * kc, MR * kc);
            if (mr < MR) dst.Clear();
            for (int i = 0; i < mr; i++)
            {
                int src = off + (ir + i) * rs;
                if (cs == 1)
                {
                    var row = a.AsSpan(src, kc);
                    for (int p = 0; p < kc; p++) dst[p * MR + i] = row[p];
                }
                else
                    for (int p = 0; p < kc; p++, src += cs) dst[p * MR + i] = a[src];
            }
        }
    }

    /// <summary>Packs a kc x nc block of B into panels of NR columns: panel q holds, for each p, its NR values of row p (zeros past the last column).</summary>
    private static void PackB<T>(int kc, int nc, int nr, T[] b, int off, int rs, int cs, T[] pack) where T : struct, INumber<T>
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int width = Math.Min(nr, nc - j0);
            var dst = pack.AsSpan(j0 * kc, kc * nr);
            if (width < nr) dst.Clear();
            for (int p = 0; p < kc; p++)
            {
                int src = off + p * rs + j0 * cs;
                var to = dst.Slice(p * nr, width);
                if (cs == 1) b.AsSpan(src, width).CopyTo(to);
                else for (int j = 0; j < width; j++, src += cs) to[j] = b[src];
            }
        }
    }

    /// <summary>
    /// The MR x NR tile of <c>A panel * B panel</c> over kc steps, into <paramref name="tile"/> (row-major, NR wide).
    /// Twelve accumulators, two loads of B and one broadcast of A fit the sixteen vector registers of AVX2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<T>(int kc, ref T ap, ref T bp, ref T tile) where T : struct, INumber<T>
    {
        nuint w = (nuint)Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref bp);
            var b1 = Vector256.LoadUnsafe(ref bp, w);
            var x = Vector256.Create(ap);
            c00 = SmallGemm.MulAdd(x, b0, c00); c01 = SmallGemm.MulAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref ap, 1));
            c10 = SmallGemm.MulAdd(x, b0, c10); c11 = SmallGemm.MulAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref ap, 2));
            c20 = SmallGemm.MulAdd(x, b0, c20); c21 = SmallGemm.MulAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref ap, 3));
            c30 = SmallGemm.MulAdd(x, b0, c30); c31 = SmallGemm.MulAdd(x, b1, c31);
            x = Vector256.Create(Unsafe.Add(ref ap, 4));
            c40 = SmallGemm.MulAdd(x, b0, c40); c41 = SmallGemm.MulAdd(x, b1, c41);
            x = Vector256.Create(Unsafe.Add(ref ap, 5));
            c50 = SmallGemm.MulAdd(x, b0, c50); c51 = SmallGemm.MulAdd(x, b1, c51);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, 2 * w);
        }
        c00.StoreUnsafe(ref tile, 0 * w); c01.StoreUnsafe(ref tile, 1 * w);
        c10.StoreUnsafe(ref tile, 2 * w); c11.StoreUnsafe(ref tile, 3 * w);
        c20.StoreUnsafe(ref tile, 4 * w); c21.StoreUnsafe(ref tile, 5 * w);
        c30.StoreUnsafe(ref tile, 6 * w); c31.StoreUnsafe(ref tile, 7 * w);
        c40.StoreUnsafe(ref tile, 8 * w); c41.StoreUnsafe(ref tile, 9 * w);
        c50.StoreUnsafe(ref tile, 10 * w); c51.StoreUnsafe(ref tile, 11 * w);
    }

    /// <summary>C[rows, cols] = alpha * tile + beta * C (C not read where beta is zero), for the valid part of a tile.</summary>
    private static void Update<T>(ReadOnlySpan<T> tile, int nr, int rows, int cols, T alpha, T beta, T[] c, int off, int ldc) where T : struct, INumber<T>
    {
        int w = Vector256<T>.Count;
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        for (int i = 0; i < rows; i++)
        {
            var t = tile.Slice(i * nr, cols);
            var row = c.AsSpan(off + i * ldc, cols);
            int j = 0;
            ref T tr = ref MemoryMarshal.GetReference(t);
            ref T cr = ref MemoryMarshal.GetReference(row);
            for (; j + w <= cols; j += w)
            {
                var v = va * Vector256.LoadUnsafe(ref tr, (nuint)j);
                if (beta == T.One) v += Vector256.LoadUnsafe(ref cr, (nuint)j);
                else if (beta != T.Zero) v += vb * Vector256.LoadUnsafe(ref cr, (nuint)j);
                v.StoreUnsafe(ref cr, (nuint)j);
            }
            for (; j < cols; j++)
                row[j] = beta == T.Zero ? alpha * t[j] : beta == T.One ? alpha * t[j] + row[j] : alpha * t[j] + beta * row[j];
        }
    }

    /// <summary>row = beta * row; zeros where beta is zero (the old contents are not read).</summary>
    private static void ScaleRow<T>(Span<T> row, T beta) where T : struct, INumber<T>
    {
        if (beta == T.Zero) row.Clear();
        else if (beta != T.One)
            for (int j = 0; j < row.Length; j++) row[j] *= beta;
    }

    /// <summary>y += alpha * x, vectorized.</summary>
    private static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : struct, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            var va = new Vector<T>(alpha);
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            for (int v = 0; v < xv.Length; v++) yv[v] += va * xv[v];
            i = xv.Length * Vector<T>.Count;
        }
        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>The dot product of two contiguous runs, vectorized.</summary>
    private static T DotContiguous<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : struct, INumber<T>
    {
        T s = T.Zero;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            for (int v = 0; v < xv.Length; v++) acc += xv[v] * yv[v];
            s = Vector.Sum(acc);
            i = xv.Length * Vector<T>.Count;
        }
        for (; i < x.Length; i++) s += x[i] * y[i];
        return s;
    }

    private static T DotStrided<T>(T[] a, int pa, int sa, T[] b, int pb, int sb, int k) where T : struct, INumber<T>
    {
        T s = T.Zero;
        for (int t = 0; t < k; t++, pa += sa, pb += sb) s += a[pa] * b[pb];
        return s;
    }
}
