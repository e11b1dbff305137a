using System.Numerics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>The runtime routines of the specialized ops (gemm, softmax).</summary>
public static class Specialized
{
    /// <summary>alpha * dot(a, b) + beta * c, with c broadcast to the product's shape.</summary>
    public static T[] Gemm<T>(T[] c, int co, int[] cst, int[] csh, T alpha, T[] a, int ao, int[] ast, int[] ash, T[] b, int bo, int[] bst, int[] bsh, T beta, int[] outShape)
        where T : struct, INumber<T>
    {
        var r = Rt.Dot(a, ao, ast, ash, b, bo, bst, bsh, outShape);
        int m = outShape[0], n = outShape[1];
        var s = Rt.Align(cst, csh, 2);
        for (int i = 0; i < m; i++)
        {
            int p = co + i * s[0];
            for (int j = 0; j < n; j++, p += s[1])
                r[i * n + j] = alpha * r[i * n + j] + beta * c[p];
        }
        return r;
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
