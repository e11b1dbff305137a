using System.Numerics;

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

    /// <summary>
    /// How an operand of shape <paramref name="shape"/> and strides <paramref name="strides"/> is
    /// walked along the flat row-major index of a result of <paramref name="count"/> elements it
    /// broadcasts to: 1 when it has that many elements, contiguous (the same order: broadcasting
    /// then only adds leading dimensions of size 1), 0 when it is one element, else -1.
    /// </summary>
    public static int FlatStride(int[] strides, int[] shape, int count)
    {
        long size = 1;
        foreach (var d in shape) size *= d;
        if (size == 1) return 0;
        return size == count && IsContiguous(shape, strides) ? 1 : -1;
    }

    /// <summary>The product of <c>shape[from..to)</c>.</summary>
    public static int SizeOf(int[] shape, int from, int to)
    {
        long n = 1;
        for (int d = from; d < to; d++) n *= shape[d];
        return checked((int)n);
    }

    /// <summary>
    /// An operand of a reduction over <paramref name="full"/> (the shape reduced; the operand, of
    /// shape <paramref name="shape"/>, broadcasts to it) walked as two dimensions split at
    /// <paramref name="boundary"/>: its stride over the outer block <c>[0, boundary)</c> taken as one
    /// dimension and over the inner block <c>[boundary, rank)</c>. False when a block's strides do
    /// not merge into one (a transpose inside it, a broadcast along part of it).
    /// </summary>
    public static bool Split(int[] strides, int[] shape, int[] full, int boundary, out int outer, out int inner)
    {
        bool ok = true;
        int lead = full.Length - shape.Length;
        outer = Merged(strides, shape, full, lead, 0, boundary, ref ok);
        inner = Merged(strides, shape, full, lead, boundary, full.Length, ref ok);
        return ok;
    }

    /// <summary>
    /// <see cref="Split"/>, or, where the operand's strides do not merge so, the operand replaced by
    /// a copy broadcast to <paramref name="full"/> and contiguous (offset 0), which always splits: a
    /// reduction's row path then serves every layout, at the cost of one copy in the rare strided case.
    /// </summary>
    public static void SplitOrExpand<T>(ref T[] a, ref int o, ref int[] t, ref int[] sh, int[] full, int boundary, out int outer, out int inner)
    {
        if (Split(t, sh, full, boundary, out outer, out inner)) return;
        a = Copy(a, o, Align(t, sh, full.Length), full);
        (o, t, sh) = (0, Contiguous(full), full);
        if (!Split(t, sh, full, boundary, out outer, out inner))
            throw new InvalidOperationException("A contiguous array did not split into two blocks.");
    }

    /// <summary>The stride of dimensions <c>[from, to)</c> of <paramref name="full"/> walked as one (size-1 dimensions skipped); clears <paramref name="ok"/> where they do not merge.</summary>
    private static int Merged(int[] strides, int[] shape, int[] full, int lead, int from, int to, ref bool ok)
    {
        int first = 0;
        bool any = false;
        long expected = 0;
        for (int d = to - 1; d >= from; d--)
        {
            if (full[d] == 1) continue;
            int od = d - lead;
            int s = od < 0 || shape[od] == 1 ? 0 : strides[od];
            if (!any) { first = s; any = true; }
            else if (s != expected) ok = false;
            expected = (long)s * full[d];
        }
        return first;
    }

    /// <summary>How many chunks <paramref name="count"/> items are cut into to spread them over the cores (a few per core, at least one).</summary>
    public static int Chunks(int count) => Math.Max(1, Math.Min(count, Environment.ProcessorCount * 4));

    /// <summary>Chunk <paramref name="c"/> of <see cref="Chunks(int)"/> over <c>[0, count)</c>.</summary>
    public static (int Lo, int Hi) Chunk(int count, int c) => Chunk(count, c, Chunks(count), 1);

    /// <summary>Chunk <paramref name="c"/> of <paramref name="chunks"/> over <c>[0, count)</c>, its bounds multiples of <paramref name="align"/> (the last ends at count).</summary>
    public static (int Lo, int Hi) Chunk(int count, int c, int chunks, int align)
    {
        long per = ((long)count + chunks - 1) / chunks;
        per = (per + align - 1) / align * align;
        long lo = Math.Min(count, c * per), hi = Math.Min(count, lo + per);
        return ((int)lo, (int)hi);
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

    /// <summary>
    /// Matrix products with NumPy <c>dot</c>/<c>matmul</c> semantics on strided views (vector and
    /// matrix operands, and batches whose leading dimensions broadcast), into a new contiguous array.
    /// </summary>
    public static T[] Dot<T>(T[] a, int ao, int[] ast, int[] ash, T[] b, int bo, int[] bst, int[] bsh, int[] outShape) where T : struct, INumber<T>
    {
        var c = new T[Size(outShape)];
        DotInto(c, a, ao, ast, ash, b, bo, bst, bsh, outShape);
        return c;
    }

    /// <summary>
    /// The product of <see cref="Dot{T}"/> written row-major into <paramref name="c"/> from index 0
    /// (c may be longer; its old contents are never read). float32 and float64 go to BLAS where a
    /// library is found (see <see cref="Blas"/>), one gemm per batch; everything else, the integer
    /// dtypes included (wrapping), to <see cref="ManagedGemm"/>. An operand that is c itself is
    /// copied first.
    /// </summary>
    public static void DotInto<T>(T[] c, T[] a, int ao, int[] ast, int[] ash, T[] b, int bo, int[] bst, int[] bsh, int[] outShape) where T : struct, INumber<T>
    {
        if (ReferenceEquals(a, c)) (a, ao, ast) = (Copy(a, ao, ast, ash), 0, Contiguous(ash));
        if (ReferenceEquals(b, c)) (b, bo, bst) = (Copy(b, bo, bst, bsh), 0, Contiguous(bsh));
        Blas.MatMul(new MatMulShape(ast, ash, bst, bsh, outShape), T.One, a, ao, b, bo, T.Zero, c);
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
