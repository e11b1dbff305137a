using System.Runtime.CompilerServices;

namespace Symbolic.Runtime;

/// <summary>
/// Scalar functions with no accurate equivalent in <see cref="Math"/>, shared by the reference
/// interpreter and the generated C# code (which calls them by name), so both compute the same.
/// </summary>
public static partial class ScalarMath
{
    /// <summary>log(1 + x), accurate for tiny x (the ratio correction keeps the rounding of 1 + x from spoiling the result).</summary>
    public static double Log1p(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        return Math.Log(u) * (x / (u - 1.0));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log1p(float x) => (float)Log1p((double)x);

    /// <summary>
    /// exp(x) - 1, accurate to a few ulps for every x (Kahan's correction: the rounding error of
    /// exp(x) - 1 cancels against that of log(exp(x)), so small x do not lose their digits).
    /// </summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) >= 0.5) return Math.Exp(x) - 1.0;
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        return um1 * (x / Math.Log(u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Expm1(float x) => (float)Expm1((double)x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => x >= 0 ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    /// <summary>log(1 + exp(x)) without overflow for large x or underflow for very negative x.</summary>
    public static double Softplus(double x) => x > 0 ? x + Log1p(Math.Exp(-x)) : Log1p(Math.Exp(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float x) => (float)Softplus((double)x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Relu(double x) => x < 0 ? 0 : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x < 0 ? 0 : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Relu(int x) => x < 0 ? 0 : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Relu(long x) => x < 0 ? 0 : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float x) => x > 0 ? 1 : x < 0 ? -1 : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sign(int x) => x > 0 ? 1 : x < 0 ? -1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Sign(long x) => x > 0 ? 1 : x < 0 ? -1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Abs(double x) => Math.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float x) => MathF.Abs(x);

    /// <summary>Absolute value that wraps at int.MinValue as the hardware does, instead of throwing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Abs(int x) => x < 0 ? unchecked(-x) : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Abs(long x) => x < 0 ? unchecked(-x) : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Floor(double x) => Math.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Floor(float x) => MathF.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Floor(int x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Floor(long x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Ceil(double x) => Math.Ceiling(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Ceil(float x) => MathF.Ceiling(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Ceil(int x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Ceil(long x) => x;

    /// <summary>Clip to [lo, hi] as NumPy does: min(max(x, lo), hi), NaN propagating; where lo &gt; hi every result is hi.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Clip(double x, double lo, double hi) => Math.Min(Math.Max(x, lo), hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Clip(float x, float lo, float hi) => MathF.Min(MathF.Max(x, lo), hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Clip(int x, int lo, int hi) => Math.Min(Math.Max(x, lo), hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Clip(long x, long lo, long hi) => Math.Min(Math.Max(x, lo), hi);

    /// <summary>int64 to int32, saturating at the int32 range as every conversion to an integer type does here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturateToInt32(long x) => (int)Math.Clamp(x, int.MinValue, int.MaxValue);
}
