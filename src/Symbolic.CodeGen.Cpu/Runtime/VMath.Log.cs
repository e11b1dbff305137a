using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

public static partial class VMath
{
    // log: the runtime's vector log is within 3 ulp of Math.Log over the whole range, subnormals,
    // 0, negatives and infinities included (VMathTests measures it), so it is used as it is.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x) => Vector256.Log(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Log(Vector256<double> x) => Vector256.Log(x);

    // log1p(x) in double: u = 1 + x rounded, c = the rounding error of u (exact by Sterbenz) over u,
    // u = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1 (exact), and
    //   log(1 + f) = 2 atanh(s), s = f / (2 + f), |s| <= 0.1716,
    //              = f - (f^2/2 - s (f^2/2 + R)), R = s^2 (2/3 + 2 s^2/5 + 2 s^4/7 + ...)
    // (the form keeps f exact in front, so the rounding of s only touches the small terms), then
    // log1p(x) = k ln2 + log(1 + f) + c. For double the series is summed to s^22 (its tail is below
    // 2^-60); float does the same in float, to s^11.

    private const double Sqrt2Over2Bits = 0.70710678118654757; // bit pattern 0x3fe6a09e667f3bcd
    private const float Sqrt2Over2F = 0.707106769f;             // bit pattern 0x3f3504f3

    public static Vector256<double> Log1p(Vector256<double> x)
    {
        var one = Vector256<double>.One;
        var u = one + x;
        var c = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, Vector256.Create(2d)), one - (u - x), x - (u - one)) / u;
        // Shift the exponent so that the mantissa lands in [sqrt(2)/2, sqrt(2)).
        var bits = u.AsInt64() + Vector256.Create(0x3ff0000000000000L - BitConverter.DoubleToInt64Bits(Sqrt2Over2Bits));
        // The exponent as a double without an int64-to-double conversion (which AVX2 lacks).
        var k = (Vector256.ShiftRightLogical(bits, 52) + Vector256.Create(0x4338000000000000L)).AsDouble() - Vector256.Create(6755399441055744.0 + 1023);
        var m = ((bits & Vector256.Create(0x000fffffffffffffL)) + Vector256.Create(BitConverter.DoubleToInt64Bits(Sqrt2Over2Bits))).AsDouble();
        var f = m - one;
        var s = f / (Vector256.Create(2d) + f);
        var z = s * s;
        var R = MulAdd(Vector256.Create(2d / 23), z, Vector256.Create(2d / 21));
        R = MulAdd(R, z, Vector256.Create(2d / 19));
        R = MulAdd(R, z, Vector256.Create(2d / 17));
        R = MulAdd(R, z, Vector256.Create(2d / 15));
        R = MulAdd(R, z, Vector256.Create(2d / 13));
        R = MulAdd(R, z, Vector256.Create(2d / 11));
        R = MulAdd(R, z, Vector256.Create(2d / 9));
        R = MulAdd(R, z, Vector256.Create(2d / 7));
        R = MulAdd(R, z, Vector256.Create(2d / 5));
        R = MulAdd(R, z, Vector256.Create(2d / 3));
        R *= z;
        var hfsq = Vector256.Create(0.5d) * f * f;
        var lo = MulAdd(k, Vector256.Create(Ln2LoD), c);
        var r = MulAdd(k, Vector256.Create(Ln2HiD), f - (hfsq - MulAdd(s, hfsq + R, lo)));
        r |= x & SignBitD;                                      // log1p keeps the sign of x: log1p(-0) = -0
        // The edges: -1 gives -inf, below -1 and NaN give NaN, +inf gives +inf.
        r = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(-1d)), Vector256.Create(double.NegativeInfinity), r);
        r = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-1d)) | ~Vector256.Equals(x, x), Vector256.Create(double.NaN), r);
        return Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(double.PositiveInfinity)), x, r);
    }

    public static Vector256<float> Log1p(Vector256<float> x)
    {
        var one = Vector256<float>.One;
        var u = one + x;
        var c = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(u, Vector256.Create(2f)), one - (u - x), x - (u - one)) / u;
        var bits = u.AsInt32() + Vector256.Create(0x3f800000 - BitConverter.SingleToInt32Bits(Sqrt2Over2F));
        var k = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127));
        var m = ((bits & Vector256.Create(0x007fffff)) + Vector256.Create(BitConverter.SingleToInt32Bits(Sqrt2Over2F))).AsSingle();
        var f = m - one;
        var s = f / (Vector256.Create(2f) + f);
        var z = s * s;
        // Summed to s^11: the tail is below 2^-30 of the result.
        var R = MulAdd(Vector256.Create(2f / 11), z, Vector256.Create(2f / 9));
        R = MulAdd(R, z, Vector256.Create(2f / 7));
        R = MulAdd(R, z, Vector256.Create(2f / 5));
        R = MulAdd(R, z, Vector256.Create(2f / 3));
        R *= z;
        var hfsq = Vector256.Create(0.5f) * f * f;
        var lo = MulAdd(k, Vector256.Create(Ln2LoF), c);
        var r = MulAdd(k, Vector256.Create(Ln2HiF), f - (hfsq - MulAdd(s, hfsq + R, lo)));
        r |= x & SignBitF;
        r = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(-1f)), Vector256.Create(float.NegativeInfinity), r);
        r = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-1f)) | ~Vector256.Equals(x, x), Vector256.Create(float.NaN), r);
        return Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(float.PositiveInfinity)), x, r);
    }

    // softplus(x) = max(x, 0) + log1p(exp(-|x|)): never overflows, and for very negative x it is
    // log1p(exp(x)) = exp(x) to full precision (not 0: softplus(-36.75f) is 1.1e-16).

    public static Vector256<double> Softplus(Vector256<double> x) =>
        Vector256.MaxNative(Vector256<double>.Zero, x) + Log1p(Exp(-Abs(x)));

    public static Vector256<float> Softplus(Vector256<float> x) =>
        Vector256.MaxNative(Vector256<float>.Zero, x) + Log1p(Exp(-Abs(x)));
}
