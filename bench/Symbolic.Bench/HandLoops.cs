using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Symbolic.Bench;

/// <summary>
/// The hand-written references: one pass, <see cref="Vector256{T}"/> with a scalar tail, chunks
/// over all cores (<see cref="Parallel.For(int, int, Action{int})"/>). Each allocates its output,
/// as a compiled Function returns a fresh array, unless given one to write into.
/// </summary>
public static class HandLoops
{
    /// <summary>Elements per parallel chunk.</summary>
    public const int Chunk = 1 << 16;

    /// <summary><c>tanh(x) * sigmoid(y) + exp(-x * x)</c>.</summary>
    public static float[] Chain(float[] x, float[] y, float[]? into = null)
    {
        var o = into ?? GC.AllocateUninitializedArray<float>(x.Length);
        Chunked(x.Length, (lo, hi) => ChainRange(x, y, o, lo, hi));
        return o;
    }

    /// <summary><c>(x * 2 + 1) * 3 - x</c>.</summary>
    public static float[] Affine(float[] x, float[]? into = null)
    {
        var o = into ?? GC.AllocateUninitializedArray<float>(x.Length);
        Chunked(x.Length, (lo, hi) => AffineRange(x, o, lo, hi));
        return o;
    }

    private static void Chunked(int n, Action<int, int> range)
    {
        int chunks = (n + Chunk - 1) / Chunk;
        if (chunks <= 1) range(0, n);
        else Parallel.For(0, chunks, c => range(c * Chunk, Math.Min(n, (c + 1) * Chunk)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChainRange(float[] x, float[] y, float[] o, int lo, int hi)
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref float yr = ref MemoryMarshal.GetArrayDataReference(y);
        ref float or = ref MemoryMarshal.GetArrayDataReference(o);
        int i = lo;
        for (; i + Vector256<float>.Count <= hi; i += Vector256<float>.Count)
        {
            var a = Vector256.LoadUnsafe(ref xr, (nuint)i);
            var b = Vector256.LoadUnsafe(ref yr, (nuint)i);
            var r = ReferenceVMath.Tanh(a) * ReferenceVMath.Sigmoid(b) + ReferenceVMath.Exp(-(a * a));
            r.StoreUnsafe(ref or, (nuint)i);
        }
        for (; i < hi; i++) o[i] = ReferenceVMath.Tanh(x[i]) * ReferenceVMath.Sigmoid(y[i]) + MathF.Exp(-x[i] * x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineRange(float[] x, float[] o, int lo, int hi)
    {
        ref float xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref float or = ref MemoryMarshal.GetArrayDataReference(o);
        var two = Vector256.Create(2f);
        var one = Vector256<float>.One;
        var three = Vector256.Create(3f);
        int i = lo;
        for (; i + Vector256<float>.Count <= hi; i += Vector256<float>.Count)
        {
            var a = Vector256.LoadUnsafe(ref xr, (nuint)i);
            ((a * two + one) * three - a).StoreUnsafe(ref or, (nuint)i);
        }
        for (; i < hi; i++) o[i] = (x[i] * 2 + 1) * 3 - x[i];
    }

    /// <summary>Largest absolute difference, to check that two results agree.</summary>
    public static double MaxAbsDiff(float[] a, float[] b)
    {
        double m = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return a.Length == b.Length ? m : double.PositiveInfinity;
    }
}
