namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// How a strided matrix view is handed to a row-major BLAS call without copying it. A view
/// whose column stride is 1 is <c>NoTrans</c> with the leading dimension its row stride; a view
/// whose row stride is 1 (a transpose) is <c>Trans</c> with the leading dimension its column
/// stride. A dimension of size 1 may have any stride. Anything else (both strides above 1,
/// overlapping rows, zero or negative strides) has to be copied first.
/// </summary>
internal static class BlasLayout
{
    /// <summary>True when the rows x cols view with strides (rs, cs) maps onto BLAS; then its transpose flag and leading dimension.</summary>
    public static bool TryMap(int rows, int cols, int rs, int cs, out bool trans, out int ld)
    {
        // Stored as given: rows of `cols` elements, `ld` apart; BLAS wants ld >= max(1, cols).
        if ((cs == 1 || cols == 1) && (rows == 1 || rs >= Math.Max(1, cols)))
        {
            trans = false;
            ld = rows == 1 ? Math.Max(1, cols) : rs;
            return true;
        }
        // Stored transposed: `cols` rows of `rows` elements, `ld` apart.
        if ((rs == 1 || rows == 1) && (cols == 1 || cs >= Math.Max(1, rows)))
        {
            trans = true;
            ld = cols == 1 ? Math.Max(1, rows) : cs;
            return true;
        }
        trans = false;
        ld = 0;
        return false;
    }
}
