using System.Numerics;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Managed float and double products of any size from <see cref="SmallGemm"/>'s register tiles,
/// without packing: B is taken in blocks of <see cref="KC"/> rows by <see cref="NC"/> columns
/// (256 KB of float32, which stays in a core's L2 while every row of A passes over it), C's rows in
/// chunks of a multiple of four that the cores take in turn. Each block of k after the first adds
/// onto C (beta 1). On a 2-core AMD EPYC (Zen 4) the tiles over 512-bit vectors ran 85-87
/// GFLOP/s a core where the packed <see cref="ManagedGemm.Blocked{T}"/> ran 31-52.
/// </summary>
internal static class TiledGemm
{
    /// <summary>Rows of a block of B (the depth of one pass of the tiles).</summary>
    public const int KC = 256;
    /// <summary>Columns of a block of B.</summary>
    public const int NC = 256;

    /// <summary>
    /// <c>C = alpha * A * B + beta * C</c>, B's rows contiguous (as <see cref="SmallGemm"/>); false
    /// where it does not apply (an operand outside its array, no hardware vectors), with nothing written.
    /// </summary>
    public static bool TryGemm<T>(int m, int n, int k, T alpha, T[] a, int ao, int ars, int acs, T[] b, int bo, int brs,
        T beta, T[] c, int co, int ldc, bool parallel) where T : struct, INumber<T>
    {
        if (m <= 0 || n <= 0 || k <= 0 || !Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported) return false;
        if (!SmallGemmBounds.Within(a.Length, ao, m, ars, k, acs) || !SmallGemmBounds.Within(b.Length, bo, k, brs, n, 1)
            || !SmallGemmBounds.Within(c.Length, co, m, ldc, n, 1)) return false;
        int cores = parallel && (long)m * n * k >= ManagedGemm.ParallelWork ? Environment.ProcessorCount : 1;
        // About two chunks a core, so that a core slowed by other work is not waited on for long.
        int rowsPer = Math.Max(4, ((m + 2 * cores - 1) / (2 * cores) + 3) & ~3);
        int chunks = (m + rowsPer - 1) / rowsPer;
        void Chunk(int chunk)
        {
            int i0 = chunk * rowsPer, rows = Math.Min(rowsPer, m - i0);
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    T betaHere = pc == 0 ? beta : T.One;
                    int aAt = ao + i0 * ars + pc * acs, bAt = bo + pc * brs + jc, cAt = co + i0 * ldc + jc;
                    bool done = SmallGemmBounds.TryGemm(rows, nc, kc, alpha, a, aAt, ars, acs, b, bAt, brs, betaHere, c, cAt, ldc);
                    // Every block lies inside the operands checked above: a refusal here is a bug.
                    if (!done) throw new InvalidOperationException($"A {rows}x{nc}x{kc} block of a {m}x{n}x{k} product was refused.");
                }
            }
        }
        if (chunks > 1 && cores > 1) Parallel.For(0, chunks, Chunk);
        else for (int chunk = 0; chunk < chunks; chunk++) Chunk(chunk);
        return true;
    }
}
