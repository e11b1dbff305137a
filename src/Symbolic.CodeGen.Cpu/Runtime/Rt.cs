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
