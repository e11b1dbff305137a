using System.Numerics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>The runtime routines of the specialized ops (gemm, softmax).</summary>
public static class Specialized
{
    /// <summary>alpha * dot(a, b) + beta * c, with c broadcast to the product's shape, into a new array.</summary>
    public static T[] Gemm<T>(T[] c, int co, int[] cst, int[] csh, T alpha, T[] a, int ao, int[] ast, int[] ash, T[] b, int bo, int[] bst, int[] bsh, T beta, int[] outShape)
        where T : struct, INumber<T>
    {
        var dst = new T[Rt.Size(outShape)];
        GemmInto(dst, c, co, cst, csh, alpha, a, ao, ast, ash, b, bo, bst, bsh, beta, outShape);
        return dst;
    }

    /// <summary>
    /// <c>dst = alpha * dot(a, b) + beta * c</c>, row-major into <paramref name="dst"/> from index 0,
    /// with c broadcast to the product's shape (a bias row, a matrix) and the product as in
    /// <see cref="Rt.DotInto{T}"/>. Where dst is c itself, contiguous from 0 in the product's shape
    /// (an in-place update), each batch is one gemm with <paramref name="beta"/>; otherwise c is
    /// first broadcast into dst, then one gemm accumulates onto it. With beta zero c is not read,
    /// nor is dst's old content. An operand a or b that is dst itself is copied first.
    /// </summary>
    public static void GemmInto<T>(T[] dst, T[] c, int co, int[] cst, int[] csh, T alpha, T[] a, int ao, int[] ast, int[] ash,
        T[] b, int bo, int[] bst, int[] bsh, T beta, int[] outShape)
        where T : struct, INumber<T>
    {
        if (ReferenceEquals(a, dst)) (a, ao, ast) = (Rt.Copy(a, ao, ast, ash), 0, Rt.Contiguous(ash));
        if (ReferenceEquals(b, dst)) (b, bo, bst) = (Rt.Copy(b, bo, bst, bsh), 0, Rt.Contiguous(bsh));
        bool inPlace = ReferenceEquals(c, dst) && co == 0 && FillsShape(csh, outShape) && Rt.IsContiguous(csh, cst);
        if (!inPlace && beta != T.Zero)
        {
            if (ReferenceEquals(c, dst)) (c, co, cst) = (Rt.Copy(c, co, cst, csh), 0, Rt.Contiguous(csh));
            BroadcastInto(dst, c, co, cst, csh, outShape);
        }
        Blas.MatMul(new MatMulShape(ast, ash, bst, bsh, outShape), alpha, a, ao, b, bo, beta, dst);
    }

    /// <summary>True when a tensor of shape <paramref name="shape"/> has the elements of <paramref name="outShape"/> in the same row-major order (equal after leading 1s).</summary>
    private static bool FillsShape(int[] shape, int[] outShape)
    {
        if (shape.Length > outShape.Length) return false;
        int lead = outShape.Length - shape.Length;
        for (int d = 0; d < outShape.Length; d++)
            if ((d < lead ? 1 : shape[d - lead]) != outShape[d]) return false;
        return true;
    }

    /// <summary>Writes c, broadcast to <paramref name="outShape"/>, row-major into dst from index 0.</summary>
    private static void BroadcastInto<T>(T[] dst, T[] c, int co, int[] cst, int[] csh, int[] outShape)
    {
        int rank = outShape.Length;
        int size = Rt.Size(outShape);
        if (size == 0) return;
        var s = Rt.Align(cst, csh, rank);
        int n = rank == 0 ? 1 : outShape[^1], inner = rank == 0 ? 0 : s[^1];
        var idx = new int[Math.Max(0, rank - 1)];
        int p = co;
        for (int q = 0; q < size; q += n)
        {
            var row = dst.AsSpan(q, n);
            if (inner == 0) row.Fill(c[p]);
            else if (inner == 1) c.AsSpan(p, n).CopyTo(row);
            else for (int j = 0; j < n; j++) row[j] = c[p + j * inner];
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < outShape[d]) { p += s[d]; break; }
                p -= (outShape[d] - 1) * s[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>Softmax along one axis of a view, each row shifted by its maximum.</summary>
    public static T[] Softmax<T>(T[] x, int xo, int[] xst, int[] shape, int axis) where T : IFloatingPointIeee754<T>
    {
        var r = Rt.Copy(x, xo, xst, shape);
        int n = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        int outer = n == 0 || inner == 0 ? 0 : r.Length / (n * inner);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int at = o * n * inner + i;
                T max = T.NegativeInfinity;
                for (int k = 0; k < n; k++) max = T.Max(max, r[at + k * inner]);
                T sum = T.Zero;
                for (int k = 0; k < n; k++)
                {
                    var e = T.Exp(r[at + k * inner] - max);
                    r[at + k * inner] = e;
                    sum += e;
                }
                for (int k = 0; k < n; k++) r[at + k * inner] /= sum;
            }
        return r;
    }
}
