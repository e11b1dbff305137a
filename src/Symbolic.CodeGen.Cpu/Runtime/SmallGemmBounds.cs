using System.Numerics;
using System.Runtime.Intrinsics;
using Symbolic.CodeGen.Cpu.Render;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// What <see cref="SmallGemm"/> and its 512-bit twin share, kept out of the file the generator
/// widens: whether a strided operand lies inside its array (the checks that let the tiles read and
/// write without bounds checks), and which of the two a product runs.
/// </summary>
internal static class SmallGemmBounds
{
    /// <summary>
    /// <see cref="SmallGemm512"/> where the machine runs 512-bit vectors (and the kernels use them)
    /// and C is at least two of them wide, else <see cref="SmallGemm"/>: the same arguments and result.
    /// </summary>
    public static bool TryGemm<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs,
        T beta, T[] c, int co, int ldc) where T : struct, INumber<T> =>
        Vector512.IsHardwareAccelerated && VectorWidth.Default == 512 && n >= 2 * Vector512<T>.Count
            ? SmallGemm512.TryGemm(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, beta, c, co, ldc)
            : SmallGemm.TryGemm(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, beta, c, co, ldc);

    /// <summary>Every <c>off + i*rs + j*cs</c> (i &lt; rows, j &lt; cols) in <c>[0, length)</c>; strides may be negative.</summary>
    public static bool Within(int length, int off, int rows, int rs, int cols, int cs)
    {
        long lo = off, hi = off;
        long dr = (long)(rows - 1) * rs, dc = (long)(cols - 1) * cs;
        if (dr < 0) lo += dr; else hi += dr;
        if (dc < 0) lo += dc; else hi += dc;
        return lo >= 0 && hi < length;
    }
}
