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

    // pow(x, y) for double: exp(y log x) would need log x to well beyond double precision to stay
    // within a few ulp (its error is multiplied by |y log x|, up to 709), so every lane takes
    // Math.Pow. Correct to the bit of the scalar code; not faster than it.

    public static Vector256<double> Pow(Vector256<double> x, Vector256<double> y) => Vector256.Create(
        Math.Pow(x.GetElement(0), y.GetElement(0)), Math.Pow(x.GetElement(1), y.GetElement(1)),
        Math.Pow(x.GetElement(2), y.GetElement(2)), Math.Pow(x.GetElement(3), y.GetElement(3)));
}
