using System.Numerics;
using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Helpers the generated programs call: sizes and strides, copies of strided views into
/// contiguous arrays, and the matrix product. Everything else a graph computes or moves is
/// generated, spelled for its node.
/// </summary>
public static class Rt
{
    public static int Size(int[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return checked((int)n);
    }

    /// <summary>Row-major strides of a contiguous array.</summary>
    public static int[] Contiguous(int[] shape) => Symbolic.Interpret.RefTensor.Strides(shape);

    /// <summary>Strides of an operand aligned on the last dimensions of a result of rank <paramref name="rank"/>: 0 for missing leading dimensions and for dimensions of size 1 (which broadcast).</summary>
    public static int[] Align(int[] strides, int[] shape, int rank)
    {
        var r = new int[rank];
        int lead = rank - shape.Length;
        for (int d = 0; d < shape.Length; d++) r[lead + d] = shape[d] == 1 ? 0 : strides[d];
        return r;
    }

    /// <summary>True when the view walks its elements in row-major order with no gaps (size-1 dimensions ignored).</summary>
    public static bool IsContiguous(int[] shape, int[] strides)
    {
        int expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>Copies a strided view into a new contiguous array.</summary>
    public static T[] Copy<T>(T[] src, int offset, int[] strides, int[] shape)
    {
        var dst = new T[Size(shape)];
        if (dst.Length == 0) return dst;
        if (IsContiguous(shape, strides))
        {
            Array.Copy(src, offset, dst, 0, dst.Length);
            return dst;
        }
        var idx = new int[shape.Length];
        int p = offset;
        for (int k = 0; k < dst.Length; k++)
        {
            dst[k] = src[p];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) { p += strides[d]; break; }
                p -= (shape[d] - 1) * strides[d];
                idx[d] = 0;
            }
        }
        return dst;
    }

    /// <summary>The view as a contiguous array: itself when it already is one (offset 0, no gaps, full length), else a copy.</summary>
    public static T[] Dense<T>(T[] src, int offset, int[] strides, int[] shape) =>
        offset == 0 && src.Length == Size(shape) && IsContiguous(shape, strides) ? src : Copy(src, offset, strides, shape);

    /// <summary>Products at least this large (multiply-adds) spread their rows over threads.</summary>
    private const long ParallelWork = 1 << 20;

    /// <summary>
    /// Matrix products with NumPy semantics on strided views (vector and matrix operands, and
    /// batches whose leading dimensions broadcast). Where the rows of b are contiguous each row of
    /// the result is built by vectorized row updates (i-k-j order); where the rows of a and the
    /// columns of b are contiguous, by vectorized dot products; otherwise by plain strided loops.
    /// Large products spread rows over threads.
    /// </summary>
    public static T[] Dot<T>(T[] a, int ao, int[] ast, int[] ash, T[] b, int bo, int[] bst, int[] bsh, int[] outShape) where T : struct, INumber<T>
    {
        var c = new T[Size(outShape)];
        int k = ash[^1];
        if (c.Length == 0 || k == 0) return c;
        if (ash.Length == 1 && bsh.Length == 1)
        {
            c[0] = ast[0] == 1 && bst[0] == 1 ? DotContiguous<T>(a.AsSpan(ao, k), b.AsSpan(bo, k)) : DotStrided(a, ao, ast[0], b, bo, bst[0], k);
            return c;
        }
        // Treat a vector as a 1 x k (or k x 1) matrix.
        int m = ash.Length == 1 ? 1 : ash[^2];
        int n = bsh.Length == 1 ? 1 : bsh[^1];
        int aRow = ash.Length == 1 ? 0 : ast[^2], aCol = ast[^1];
        int bRow = bsh.Length == 1 ? bst[0] : bst[^2], bCol = bsh.Length == 1 ? 1 : bst[^1];
        if (n == 1) bCol = 1;
        int batchRank = Math.Max(ash.Length, bsh.Length) - 2;
        int batches = 1;
        for (int d = 0; d < batchRank; d++) batches *= outShape[d];
        bool parallel = m > 1 && (long)m * n * k >= ParallelWork;
        for (int bi = 0; bi < batches; bi++)
        {
            int aOff = ao + BatchOffset(bi, outShape, batchRank, ash, ast);
            int bOff = bo + BatchOffset(bi, outShape, batchRank, bsh, bst);
            int cOff = bi * m * n;
            void Row(int i)
            {
                int aBase = aOff + i * aRow;
                var row = c.AsSpan(cOff + i * n, n);
                if (aCol == 1 && bRow == 1 && (n == 1 || bCol != 1))
                {
                    var arow = a.AsSpan(aBase, k);
                    for (int j = 0; j < n; j++) row[j] = DotContiguous<T>(arow, b.AsSpan(bOff + j * bCol, k));
                }
                else if (bCol == 1)
                {
                    for (int t = 0; t < k; t++) Axpy(a[aBase + t * aCol], b.AsSpan(bOff + t * bRow, n), row);
                }
                else
                {
                    for (int j = 0; j < n; j++) row[j] = DotStrided(a, aBase, aCol, b, bOff + j * bCol, bRow, k);
                }
            }
            if (parallel) Parallel.For(0, m, Row);
            else for (int i = 0; i < m; i++) Row(i);
        }
        return c;
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

    private static int BatchOffset(int batchIndex, int[] outShape, int batchRank, int[] shape, int[] strides)
    {
        if (shape.Length <= 2) return 0;
        int off = 0;
        int own = shape.Length - 2;
        for (int d = batchRank - 1; d >= 0; d--)
        {
            int i = batchIndex % outShape[d];
            batchIndex /= outShape[d];
            int k = d - (batchRank - own);
            if (k >= 0 && shape[k] != 1) off += i * strides[k];
        }
        return off;
    }

}

/// <summary>Run-time helpers for the strides of reductions and for reshapes of views.</summary>
public static class Views
{
    /// <summary>Output strides (0 for reduced dimensions) and reduced-position strides (0 for kept ones), per input dimension of a reduction.</summary>
    public static (int[] Out, int[] Reduced) ReduceStrides(int[] inShape, int[] axes, bool keepDims)
    {
        var outStrides = new int[inShape.Length];
        var redStrides = new int[inShape.Length];
        int o = 1, r = 1;
        for (int d = inShape.Length - 1; d >= 0; d--)
        {
            if (Array.IndexOf(axes, d) >= 0) { redStrides[d] = r; r *= inShape[d]; }
            else { outStrides[d] = o; o *= inShape[d]; }
        }
        return (outStrides, redStrides);
    }

    /// <summary>A reshape of a view: the same storage where the view is contiguous, else a contiguous copy.</summary>
    public static (T[] Data, int Offset, int[] Strides) Reshape<T>(T[] data, int offset, int[] strides, int[] shape, int[] newShape) =>
        Rt.IsContiguous(shape, strides)
            ? (data, offset, Rt.Contiguous(newShape))
            : (Rt.Copy(data, offset, strides, shape), 0, Rt.Contiguous(newShape));
}
