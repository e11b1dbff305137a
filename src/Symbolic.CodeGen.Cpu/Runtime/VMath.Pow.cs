using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

public static partial class VMath
{
    // pow(x, y) for float: where x is positive and finite and y finite (the common case) it is
    // exp(y log x) computed in double, whose error is far below an ulp of float; every other lane
    // (negative or zero x, infinities, NaN) takes MathF.Pow, so the special cases are exactly its.

    public static Vector256<float> Pow(Vector256<float> x, Vector256<float> y)
    {
        var ok = Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256.LessThan(x, Vector256.Create(float.PositiveInfinity))
            & Vector256.LessThan(Abs(y), Vector256.Create(float.PositiveInfinity));
        var (xl, xh) = Vector256.Widen(x);
        var (yl, yh) = Vector256.Widen(y);
        var r = Vector256.Narrow(Exp(yl * Vector256.Log(xl)), Exp(yh * Vector256.Log(xh)));
        if (Vector256.EqualsAll(ok.AsInt32(), Vector256<int>.AllBitsSet)) return r;
        for (int i = 0; i < Vector256<float>.Count; i++)
            if (ok.GetElement(i) == 0) r = r.WithElement(i, MathF.Pow(x.GetElement(i), y.GetElement(i)));
        return r;
    }

    // pow(x, y) for double, where x is positive and finite and y finite: exp(y log x) needs log x
    // to well beyond double precision, as its error is multiplied by |y log x| (up to 745). So
    // log x is carried as a double-double: x = 2^k m, m in [sqrt(2)/2, sqrt(2)), f = m - 1 exact,
    // s = f / (2 + f) in double-double, log m = 2s + s^3 (2/3 + 2s^2/5 + ...), the leading 2s and
    // k ln2 kept in two parts; then y log x as a double-double, and exp of it with its low part
    // added to the reduced argument. Every other lane takes Math.Pow, so the special cases
    // (zero, negative x, infinities, NaN) are exactly its.

    public static Vector256<double> Pow(Vector256<double> x, Vector256<double> y)
    {
        var ok = Vector256.GreaterThan(x, Vector256<double>.Zero) & Vector256.LessThan(x, Vector256.Create(double.PositiveInfinity))
            & Vector256.LessThan(Abs(y), Vector256.Create(double.PositiveInfinity));
        // Subnormal x: scale into the normal range first.
        var tiny = Vector256.LessThan(x, Vector256.Create(2.2250738585072014e-308));
        var xs = Vector256.ConditionalSelect(tiny, x * Vector256.Create(18014398509481984.0), x);   // 2^54
        var kAdjust = Vector256.ConditionalSelect(tiny, Vector256.Create(54d), Vector256<double>.Zero);
        var bits = xs.AsInt64() + Vector256.Create(0x3ff0000000000000L - BitConverter.DoubleToInt64Bits(Sqrt2Over2Bits));
        var k = (Vector256.ShiftRightLogical(bits, 52) + Vector256.Create(0x4338000000000000L)).AsDouble() - Vector256.Create(6755399441055744.0 + 1023) - kAdjust;
        var m = ((bits & Vector256.Create(0x000fffffffffffffL)) + Vector256.Create(BitConverter.DoubleToInt64Bits(Sqrt2Over2Bits))).AsDouble();
        var one = Vector256<double>.One;
        var two = Vector256.Create(2d);
        var f = m - one;
        // d = 2 + f exactly as dh + dl; s = f / d as sh + sl.
        var dh = two + f;
        var dl = f - (dh - two);
        var sh = f / dh;
        var sl = (MulAddExact(Vector256.Negate(sh), dh, f) - sh * dl) / dh;
        var z = sh * sh;
        var zl = MulAddExact(sh, sh, Vector256.Negate(z));
        var P = MulAdd(Vector256.Create(2d / 25), z, Vector256.Create(2d / 23));
        P = MulAdd(P, z, Vector256.Create(2d / 21));
        P = MulAdd(P, z, Vector256.Create(2d / 19));
        P = MulAdd(P, z, Vector256.Create(2d / 17));
        P = MulAdd(P, z, Vector256.Create(2d / 15));
        P = MulAdd(P, z, Vector256.Create(2d / 13));
        P = MulAdd(P, z, Vector256.Create(2d / 11));
        P = MulAdd(P, z, Vector256.Create(2d / 9));
        P = MulAdd(P, z, Vector256.Create(2d / 7));
        P = MulAdd(P, z, Vector256.Create(2d / 5));
        // The tail s^3 (2/3 + z P) is up to 1% of log m, too much to round once: its leading term
        // 2 s^3 / 3 is a double-double too (s^3 and 2/3 in two parts each), the rest is small enough.
        var s3 = z * sh;
        var s3l = MulAddExact(z, sh, Vector256.Negate(s3)) + zl * sh;
        var t1 = s3 * Vector256.Create(TwoThirdsHi);
        var t1l = MulAddExact(s3, Vector256.Create(TwoThirdsHi), Vector256.Negate(t1)) + s3 * Vector256.Create(TwoThirdsLo) + s3l * Vector256.Create(TwoThirdsHi);
        var small = t1l + s3 * z * P + (sl + sl) * (one + z) + k * Vector256.Create(Ln2LoD);   // d(2s + 2s^3/3) = 2 (1 + s^2) ds
        // log x = k ln2hi + 2 sh + t1 + small, the large parts summed exactly.
        var (lh, ll) = TwoSum(k * Vector256.Create(Ln2HiD), sh + sh);    // k ln2hi is exact: Ln2HiD has 32 trailing zero bits
        var (lh2, e2) = TwoSum(lh, t1);
        (lh, ll) = FastTwoSum(lh2, ll + e2 + small);
        // y log x as ph + pl.
        var ph = y * lh;
        var pl = MulAddExact(y, lh, Vector256.Negate(ph)) + y * ll;
        pl &= Vector256.LessThan(Abs(ph), Vector256.Create(1000d));   // past that exp over- or underflows, and pl may be NaN
        var r = ExpOfSum(ph, pl);
        if (Vector256.EqualsAll(ok.AsInt64(), Vector256<long>.AllBitsSet)) return r;
        for (int i = 0; i < Vector256<double>.Count; i++)
            if (ok.AsInt64().GetElement(i) == 0) r = r.WithElement(i, Math.Pow(x.GetElement(i), y.GetElement(i)));
        return r;
    }

    private const double TwoThirdsHi = 0.66666666666666663;
    private const double TwoThirdsLo = 3.7007434154171886e-17;   // 2/3 - TwoThirdsHi

    /// <summary>a * b + c with a single rounding: the FMA instruction, or (without one) the runtime's exact emulation lane by lane.</summary>
    private static Vector256<double> MulAddExact(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);

    private static (Vector256<double> S, Vector256<double> E) TwoSum(Vector256<double> a, Vector256<double> b)
    {
        var s = a + b;
        var bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    private static (Vector256<double> S, Vector256<double> E) FastTwoSum(Vector256<double> a, Vector256<double> b)
    {
        var s = a + b;
        return (s, b - (s - a));
    }

    /// <summary>exp(hi + lo) for |lo| tiny next to an ulp of hi: Exp with lo added to the reduced argument.</summary>
    private static Vector256<double> ExpOfSum(Vector256<double> hi, Vector256<double> lo)
    {
        var xc = Vector256.MinNative(Vector256.Create(710d), Vector256.MaxNative(Vector256.Create(-750d), hi));
        var k = Vector256.Round(xc * InvLn2D);
        var r = MulAdd(k, Vector256.Create(-Ln2HiD), xc);
        r = MulAdd(k, Vector256.Create(-Ln2LoD), r) + lo;
        var er = Vector256<double>.One + Expm1Reduced(r);
        var k1 = Vector256.Floor(k * Vector256.Create(0.5d));
        return er * Pow2(k1) * Pow2(k - k1);
    }
}
