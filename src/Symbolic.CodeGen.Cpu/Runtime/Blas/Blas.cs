using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Where matrix products run: a CBLAS library (OpenBLAS, found by <see cref="OpenBlas"/>) for
/// float32 and float64 when one is installed; else float32 and float64 products from register
/// tiles (<see cref="SmallGemm"/> on the calling thread for small ones, <see cref="TiledGemm"/>
/// over the cores for the rest), and <see cref="ManagedGemm"/> for the integer dtypes. <c>SYMBOLIC_BLAS=managed</c> in the environment (read once) forces the managed
/// path for the whole process.
/// </summary>
public static class Blas
{
    private static readonly bool Forced =
        string.Equals(Environment.GetEnvironmentVariable("SYMBOLIC_BLAS")?.Trim(), "managed", StringComparison.OrdinalIgnoreCase);

    private static readonly AsyncLocal<bool> ManagedHere = new();

    /// <summary>True when <c>SYMBOLIC_BLAS=managed</c> forces the managed path.</summary>
    public static bool ManagedForced => Forced;

    /// <summary>The BLAS library file in use (e.g. <c>libopenblas.so.0</c>), or null when none was found or the managed path is forced.</summary>
    public static string? NativeLibraryName => Forced ? null : OpenBlas.LibraryName;

    /// <summary>What runs float products in this context: <c>"openblas (libopenblas.so.0)"</c>, <c>"cblas (libblas.so.3)"</c> or <c>"managed"</c>.</summary>
    public static string Provider => UsesNative
        ? $"{(OpenBlas.IsOpenBlas ? "openblas" : "cblas")} ({OpenBlas.LibraryName})"
        : "managed";

    /// <summary>The threads OpenBLAS runs a product on, or null when there is no OpenBLAS in use.</summary>
    public static int? NativeThreads => NativeLibraryName is null ? null : OpenBlas.Threads;

    private static bool UsesNative => !Forced && !ManagedHere.Value && OpenBlas.Found;

    /// <summary>
    /// Runs the products of this execution context (this thread and the tasks it starts) on the
    /// managed path until the result is disposed (with <paramref name="managed"/> false: on the
    /// library again, where one is in use), so that tests and benchmarks can compare both paths in
    /// one process. It cannot undo <c>SYMBOLIC_BLAS=managed</c>.
    /// </summary>
    public static IDisposable UseManaged(bool managed = true)
    {
        var scope = new Scope(ManagedHere.Value);
        ManagedHere.Value = managed;
        return scope;
    }

    private sealed class Scope(bool previous) : IDisposable
    {
        public void Dispose() => ManagedHere.Value = previous;
    }

    /// <summary>
    /// The batches of a product: <c>c[batch] = alpha * a[batch] * b[batch] + beta * c[batch]</c>,
    /// c contiguous from 0 (beta zero: c is not read). One gemm per batch; on the managed path many
    /// small batches spread over the cores instead of each product.
    /// </summary>
    internal static void MatMul<T>(MatMulShape s, T alpha, T[] a, int ao, T[] b, int bo, T beta, T[] c) where T : struct, INumber<T>
    {
        long work = (long)s.M * s.N * s.K;
        bool spread = s.Batches > 1 && work < ManagedGemm.ParallelWork && work * s.Batches >= ManagedGemm.ParallelWork
            && Environment.ProcessorCount > 1 && !(IsBlasType<T>() && UsesNative);
        if (spread) BatchesOverCores(s, alpha, a, ao, b, bo, beta, c);
        else for (int bi = 0; bi < s.Batches; bi++) Batch(s, bi, alpha, a, ao, b, bo, beta, c, parallel: true);
    }

    /// <summary>One batch of a product.</summary>
    private static void Batch<T>(MatMulShape s, int bi, T alpha, T[] a, int ao, T[] b, int bo, T beta, T[] c, bool parallel) where T : struct, INumber<T> =>
        Gemm(s.M, s.N, s.K, alpha, a, ao + s.AOffset(bi), s.ARow, s.ACol, b, bo + s.BOffset(bi), s.BRow, s.BCol, beta, c, bi * s.M * s.N, s.N, parallel);

    // A method of its own: the lambda's captures are allocated where the method starts.
    private static void BatchesOverCores<T>(MatMulShape s, T alpha, T[] a, int ao, T[] b, int bo, T beta, T[] c) where T : struct, INumber<T> =>
        Parallel.For(0, s.Batches, bi => Batch(s, bi, alpha, a, ao, b, bo, beta, c, parallel: false));

    /// <summary>
    /// One product <c>C = alpha * A * B + beta * C</c> on strided operands (see
    /// <see cref="ManagedGemm.Gemm{T}"/>): one <c>cblas_?gemm</c> for float and double when a
    /// library is in use, with the operands' transposes and leading dimensions read from their
    /// strides (a contiguous copy only of an operand that maps onto neither); else the managed path.
    /// </summary>
    internal static void Gemm<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs, int bcs,
        T beta, T[] c, int co, int ldc, bool parallel = true) where T : struct, INumber<T>
    {
        if (m > 0 && n > 0 && k > 0 && IsBlasType<T>() && UsesNative)
            Native(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, beta, c, co, ldc);
        else if (!(m > 0 && n > 0 && k > 0 && IsBlasType<T>() && Tiles(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, beta, c, co, ldc, parallel)))
            ManagedGemm.Gemm(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, beta, c, co, ldc, parallel);
    }

    /// <summary>
    /// Without a library, float and double products of at most this many multiply-adds run
    /// <see cref="SmallGemm"/> on the calling thread. (With OpenBLAS they stay there: on a 2-core
    /// AMD EPYC, SmallGemm on one thread took 0.85-1.15x OpenBLAS's time on two for products from
    /// 32x50x500 to 128x128x128, and twice its time where C is narrower than a vector.)
    /// </summary>
    internal const long SmallWork = 1 << 21;

    /// <summary>
    /// A managed float or double product from register tiles: a small one (<see cref="SmallWork"/>)
    /// in one <see cref="SmallGemm"/> call (over 512-bit vectors where the machine has them and C is
    /// wide enough), a larger one blocked and over the cores (<see cref="TiledGemm"/>); B's rows made
    /// contiguous first where they are not.
    /// </summary>
    private static bool Tiles<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs, int bcs,
        T beta, T[] c, int co, int ldc, bool parallel) where T : struct, INumber<T>
    {
        T[]? bCopy = null;
        try
        {
            if (bcs != 1) (b, bo, brs) = (bCopy = Dense(b, bo, brs, bcs, k, n, parallel), 0, n);
            if ((long)m * n * k > SmallWork) return TiledGemm.TryGemm(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, beta, c, co, ldc, parallel);
            return SmallGemmBounds.TryGemm(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, beta, c, co, ldc);
        }
        finally
        {
            if (bCopy is not null) ArrayPool<T>.Shared.Return(bCopy);
        }
    }

    private static bool IsBlasType<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    private static void Native<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs, int bcs,
        T beta, T[] c, int co, int ldc) where T : struct, INumber<T>
    {
        T[]? aCopy = null, bCopy = null;
        try
        {
            if (!BlasLayout.TryMap(m, k, ars, acs, out bool ta, out int lda))
                (a, ao, ta, lda) = (aCopy = Dense(a, ao, ars, acs, m, k), 0, false, k);
            if (!BlasLayout.TryMap(k, n, brs, bcs, out bool tb, out int ldb))
                (b, bo, tb, ldb) = (bCopy = Dense(b, bo, brs, bcs, k, n), 0, false, n);
            OpenBlas.Gemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
        }
        finally
        {
            if (aCopy is not null) ArrayPool<T>.Shared.Return(aCopy);
            if (bCopy is not null) ArrayPool<T>.Shared.Return(bCopy);
        }
    }

    /// <summary>
    /// A rows x cols view copied row-major into a pooled array (return it to
    /// <see cref="ArrayPool{T}.Shared"/>), in tiles, so that a transpose reads whole cache lines; a
    /// large one (<see cref="ParallelCopy"/> elements, <paramref name="parallel"/>) in bands of
    /// tile rows over the cores (B of <c>dot(d, W.T)</c>, 1024 x 1024 float32: 1.7-1.8 ms on one).
    /// </summary>
    private static T[] Dense<T>(T[] src, int off, int rs, int cs, int rows, int cols, bool parallel = false)
    {
        var dst = ArrayPool<T>.Shared.Rent(rows * cols);
        if (rows <= 0 || cols <= 0) return dst;
        if (!SmallGemmBounds.Within(src.Length, off, rows, rs, cols, cs))
            throw new ArgumentOutOfRangeException(nameof(src), "The view reaches outside its array.");
        int bands = (rows + DenseTileRows - 1) / DenseTileRows;
        if (parallel && bands > 1 && (long)rows * cols >= ParallelCopy && Environment.ProcessorCount > 1)
            DenseOverCores(src, off, rs, cs, rows, cols, dst, bands);
        else
            for (int band = 0; band < bands; band++) DenseBand(src, off, rs, cs, rows, cols, dst, band);
        return dst;
    }

    /// <summary>Copies of at least this many elements split their bands of tile rows over the cores.</summary>
    internal const long ParallelCopy = 1 << 18;

    /// <summary>Rows of a copy's tiles (see <see cref="DenseBand{T}"/>).</summary>
    private const int DenseTileRows = 256;

    /// <summary>The bands of <see cref="Dense{T}"/> over the cores (kept apart: the lambda's closure is allocated only here).</summary>
    private static void DenseOverCores<T>(T[] src, int off, int rs, int cs, int rows, int cols, T[] dst, int bands) =>
        Parallel.For(0, bands, band => DenseBand(src, off, rs, cs, rows, cols, dst, band));

    /// <summary>One band of <see cref="DenseTileRows"/> rows of the copy, in tiles of that many rows by 4 columns.</summary>
    private static void DenseBand<T>(T[] src, int off, int rs, int cs, int rows, int cols, T[] dst, int band)
    {
        // Tiles of 256 rows by 4 columns: a transpose reads whole cache lines down the source's
        // columns, and no more than four lines a set at a power-of-two stride (32 x 32 tiles of a
        // 1024 x 1024 float32 transpose: 3.2-4.7 ms, cache sets thrashing at 4 KB apart; 256 x 4:
        // 1.7-1.8 ms).
        const int TileJ = 4;
        // Inside the array (checked by Dense): no bounds checks in the loop.
        ref T s = ref MemoryMarshal.GetArrayDataReference(src);
        ref T d = ref MemoryMarshal.GetArrayDataReference(dst);
        int i0 = band * DenseTileRows, i1 = Math.Min(rows, i0 + DenseTileRows);
        for (int j0 = 0; j0 < cols; j0 += TileJ)
        {
            int j1 = Math.Min(cols, j0 + TileJ);
            for (int i = i0; i < i1; i++)
                for (int j = j0, p = off + i * rs + j0 * cs, q = i * cols + j0; j < j1; j++, p += cs, q++)
                    Unsafe.Add(ref d, q) = Unsafe.Add(ref s, p);
        }
    }
}
