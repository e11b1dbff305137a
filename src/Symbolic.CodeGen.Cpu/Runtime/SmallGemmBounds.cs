namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>Whether a strided operand lies inside its array: the checks that let <see cref="SmallGemm"/> read and write without bounds checks.</summary>
internal static class SmallGemmBounds
{
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
