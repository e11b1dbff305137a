using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

public static partial class VMath
{
    // expm1(x): x = k ln2 + r with |r| <= ln2/2 (Cody and Waite: ln2 split in two so that k * hi is
    // exact), expm1(r) by its Taylor polynomial (exact coefficients 1/n!, enough terms that the
    // truncation is far below an ulp), and expm1(x) = 2^k expm1(r) + (2^k - 1) in one rounding.
    // For k = 0 the result is the polynomial, which is what keeps tiny x exact. expm1 keeps the sign
    // of x, so the sign bit of x is ORed in at the end: that is what makes expm1(-0) = -0.

    private const float InvLn2F = 1.44269504f;
    private const float Ln2HiF = 0.693359375f;           // 355/512: k * Ln2HiF is exact for |k| < 2^15
    private const float Ln2LoF = -2.12194440e-4f;        // ln2 - Ln2HiF
    private const double InvLn2D = 1.4426950408889634;
    private const double Ln2HiD = 6.93147180369123816490e-01;   // ln2 with its low 32 bits zero
    private const double Ln2LoD = 1.90821492927058770002e-10;   // ln2 - Ln2HiD

    /// <summary>expm1(r) for |r| &lt;= ln2/2 (and a little past): r + r^2 (1/2 + r/6 + ... + r^6/8!).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Expm1Reduced(Vector256<float> r)
    {
        var q = MulAdd(Vector256.Create(1f / 40320), r, Vector256.Create(1f / 5040));
        q = MulAdd(q, r, Vector256.Create(1f / 720));
        q = MulAdd(q, r, Vector256.Create(1f / 120));
        q = MulAdd(q, r, Vector256.Create(1f / 24));
        q = MulAdd(q, r, Vector256.Create(1f / 6));
        q = MulAdd(q, r, Vector256.Create(0.5f));
        return MulAdd(r * r, q, r);
    }

    /// <summary>expm1(r) for |r| &lt;= ln2/2: terms up to r^14, as r^15/15! &lt; 2^-60 r there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Expm1Reduced(Vector256<double> r)
    {
        var q = MulAdd(Vector256.Create(1d / 87178291200), r, Vector256.Create(1d / 6227020800));
        q = MulAdd(q, r, Vector256.Create(1d / 479001600));
        q = MulAdd(q, r, Vector256.Create(1d / 39916800));
        q = MulAdd(q, r, Vector256.Create(1d / 3628800));
        q = MulAdd(q, r, Vector256.Create(1d / 362880));
        q = MulAdd(q, r, Vector256.Create(1d / 40320));
        q = MulAdd(q, r, Vector256.Create(1d / 5040));
        q = MulAdd(q, r, Vector256.Create(1d / 720));
        q = MulAdd(q, r, Vector256.Create(1d / 120));
        q = MulAdd(q, r, Vector256.Create(1d / 24));
        q = MulAdd(q, r, Vector256.Create(1d / 6));
        q = MulAdd(q, r, Vector256.Create(0.5d));
        return MulAdd(r * r, q, r);
    }

    /// <summary>2^k for integral k in [-1022, 1023] held as a double, without a float-to-int64 conversion (which AVX2 lacks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Pow2(Vector256<double> k) =>
        (((k + Vector256.Create(6755399441055744.0)).AsInt64() << 52) + Vector256.Create(1023L << 52)).AsDouble();

    // exp(x) = 2^k e^r with the same reduction and polynomial as expm1, 2^k applied in two halves so
    // that overflow and gradual underflow come out of the last multiplication rounded once, as
    // they should. (The runtime's Vector256.Exp is as accurate, but without AVX-512 its float
    // version is no faster than MathF.Exp, so exp is written here too.)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var xc = Vector256.MinNative(Vector256.Create(89f), Vector256.MaxNative(Vector256.Create(-105f), x));
        var k = Vector256.Round(xc * InvLn2F);
        var r = MulAdd(k, Vector256.Create(-Ln2HiF), xc);
        r = MulAdd(k, Vector256.Create(-Ln2LoF), r);
        var er = Vector256<float>.One + Expm1Reduced(r);
        var ki = Vector256.ConvertToInt32Native(k);
        var k1 = Vector256.ShiftRightArithmetic(ki, 1);
        var t1 = (k1 + Vector256.Create(127) << 23).AsSingle();
        var t2 = (ki - k1 + Vector256.Create(127) << 23).AsSingle();
        return er * t1 * t2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var xc = Vector256.MinNative(Vector256.Create(710d), Vector256.MaxNative(Vector256.Create(-750d), x));
        var k = Vector256.Round(xc * InvLn2D);
        var r = MulAdd(k, Vector256.Create(-Ln2HiD), xc);
        r = MulAdd(k, Vector256.Create(-Ln2LoD), r);
        var er = Vector256<double>.One + Expm1Reduced(r);
        var k1 = Vector256.Floor(k * Vector256.Create(0.5d));
        return er * Pow2(k1) * Pow2(k - k1);
    }

    public static Vector256<float> Expm1(Vector256<float> x)
    {
        // Below -18, expm1 is -1 to float precision (the formula gives it, with k = -26); above 80
        // 2^k would overflow, and there expm1(x) is exp(x) to float precision.
        var xc = Vector256.MinNative(Vector256.Create(80f), Vector256.MaxNative(Vector256.Create(-18f), x));
        var k = Vector256.Round(xc * InvLn2F);
        var r = MulAdd(k, Vector256.Create(-Ln2HiF), xc);
        r = MulAdd(k, Vector256.Create(-Ln2LoF), r);
        var p = Expm1Reduced(r);
        var t = (Vector256.ConvertToInt32Native(k) + Vector256.Create(127) << 23).AsSingle();
        var e = MulAdd(t, p, t - Vector256<float>.One);
        if (Vector256.GreaterThanAny(x, Vector256.Create(80f)))
            e = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(80f)), Exp(x), e);
        return e | (x & SignBitF);
    }

    public static Vector256<double> Expm1(Vector256<double> x)
    {
        var xc = Vector256.MinNative(Vector256.Create(700d), Vector256.MaxNative(Vector256.Create(-40d), x));
        var k = Vector256.Round(xc * InvLn2D);
        var r = MulAdd(k, Vector256.Create(-Ln2HiD), xc);
        r = MulAdd(k, Vector256.Create(-Ln2LoD), r);
        var p = Expm1Reduced(r);
        var t = Pow2(k);
        var e = MulAdd(t, p, t - Vector256<double>.One);
        if (Vector256.GreaterThanAny(x, Vector256.Create(700d)))
            e = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(700d)), Exp(x), e);
        return e | (x & SignBitD);
    }

    // tanh(|x|) = e / (e + 2) with e = expm1(2|x|): no cancellation anywhere, tiny x stay exact, and
    // clamping |x| where tanh has rounded to 1 (past 9.01 in float, 19.06 in double) keeps e finite.
    // tanh is odd: the sign of x is ORed back in, so tanh(-0) = -0.

    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var ax = Vector256.MinNative(Vector256.Create(10f), Abs(x));
        var e = Expm1(ax + ax);
        return e / (e + Vector256.Create(2f)) | (x & SignBitF);
    }

    public static Vector256<double> Tanh(Vector256<double> x)
    {
        var ax = Vector256.MinNative(Vector256.Create(20d), Abs(x));
        var e = Expm1(ax + ax);
        return e / (e + Vector256.Create(2d)) | (x & SignBitD);
    }

    // sigmoid through e = exp(-|x|), never overflowing: 1 / (1 + e) for x >= 0, e / (1 + e) below.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        var e = Exp(-Abs(x));
        var num = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), e, Vector256<float>.One);
        return num / (Vector256<float>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sigmoid(Vector256<double> x)
    {
        var e = Exp(-Abs(x));
        var num = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), e, Vector256<double>.One);
        return num / (Vector256<double>.One + e);
    }
}
