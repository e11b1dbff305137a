using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Elementwise math over <see cref="Vector256{T}"/> of float and double for the fused kernels: each
/// lane computes what the scalar code (<c>Math</c>, <c>MathF</c>, <c>Symbolic.Runtime.ScalarMath</c>)
/// computes for it, NaN, infinities and signed zeros included, to within 4 ulp of the exact result.
/// This file holds the cheap ops and the helpers; the transcendentals are in the files next to it
/// (VMath.Exp.cs: exp, expm1, tanh, sigmoid; VMath.Log.cs: log, log1p, softplus; VMath.Pow.cs;
/// VMath.Trig.cs).
/// </summary>
/// <remarks>
/// Internal clamps are written <c>MaxNative(constant, x)</c>: on x86 <c>maxps</c> returns its second
/// operand when either is NaN, so a NaN lane survives the clamp and propagates to the result.
/// </remarks>
public static partial class VMath
{
    /// <summary>a * b + c, fused where the machine has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>a * b + c, fused where the machine has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> MulAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;

    private static Vector256<float> SignBitF => Vector256.Create(-0f);
    private static Vector256<double> SignBitD => Vector256.Create(-0d);

    /// <summary>Lanes of <paramref name="a"/> where <paramref name="cond"/> is all ones, of <paramref name="b"/> elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> cond, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(cond, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Select(Vector256<double> cond, Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(cond, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> x) => Vector256.AndNot(x, SignBitF);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Abs(Vector256<double> x) => Vector256.AndNot(x, SignBitD);

    /// <summary>1 where x &gt; 0, -1 where x &lt; 0, x itself elsewhere (±0 and NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sign(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One,
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256.Create(-1f), x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sign(Vector256<double> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<double>.Zero), Vector256<double>.One,
            Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), Vector256.Create(-1d), x));

    /// <summary>x &lt; 0 ? 0 : x, so NaN and -0 pass through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.AndNot(x, Vector256.LessThan(x, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Relu(Vector256<double> x) => Vector256.AndNot(x, Vector256.LessThan(x, Vector256<double>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Floor(Vector256<float> x) => Vector256.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Floor(Vector256<double> x) => Vector256.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Ceil(Vector256<float> x) => Vector256.Ceiling(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Ceil(Vector256<double> x) => Vector256.Ceiling(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sqrt(Vector256<float> x) => Vector256.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sqrt(Vector256<double> x) => Vector256.Sqrt(x);

    /// <summary>Math.Max lane by lane: NaN if either is NaN, +0 from (-0, +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b)
    {
        var r = Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), a, b);     // b when unordered: NaN if b is
        r = Vector256.ConditionalSelect(Vector256.Equals(a, b), a & b, r);           // equal: +0 wins over -0
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), r, a);            // a NaN
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Max(Vector256<double> a, Vector256<double> b)
    {
        var r = Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), a, b);
        r = Vector256.ConditionalSelect(Vector256.Equals(a, b), a & b, r);
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), r, a);
    }

    /// <summary>Math.Min lane by lane: NaN if either is NaN, -0 from (-0, +0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b)
    {
        var r = Vector256.ConditionalSelect(Vector256.LessThan(a, b), a, b);
        r = Vector256.ConditionalSelect(Vector256.Equals(a, b), a | b, r);           // equal: -0 wins over +0
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), r, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Min(Vector256<double> a, Vector256<double> b)
    {
        var r = Vector256.ConditionalSelect(Vector256.LessThan(a, b), a, b);
        r = Vector256.ConditionalSelect(Vector256.Equals(a, b), a | b, r);
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), r, a);
    }

    /// <summary>Min(Max(x, lo), hi), as <c>ScalarMath.Clip</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clip(Vector256<float> x, Vector256<float> lo, Vector256<float> hi) => Min(Max(x, lo), hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Clip(Vector256<double> x, Vector256<double> lo, Vector256<double> hi) => Min(Max(x, lo), hi);
}
