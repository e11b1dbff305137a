using System.Runtime.Intrinsics;

namespace Symbolic.Bench;

/// <summary>
/// THE REFERENCE's vector math, written here for the hand loops the runner compares Symbolic
/// against; not the library's. <c>Vector256.Exp</c> is the runtime's; tanh follows Cephes
/// <c>tanhf</c> (an odd polynomial below 0.625, <c>1 - 2/(exp(2|x|) + 1)</c> above, which
/// saturates to 1 on its own); sigmoid is <c>1/(1 + exp(-x))</c>, which gives 0 and 1 at the ends
/// since exp overflows to infinity. A few ulp: good enough to be the speed reference.
/// </summary>
public static class ReferenceVMath
{
    public static Vector256<float> Exp(Vector256<float> x) => Vector256.Exp(x);

    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var z = x * x;
        var poly = ((((Vector256.Create(-5.70498872745e-3f) * z + Vector256.Create(2.06390887954e-2f)) * z
                      - Vector256.Create(5.37397155531e-2f)) * z + Vector256.Create(1.33314422036e-1f)) * z
                    - Vector256.Create(3.33332819422e-1f)) * z * x + x;
        var e = Vector256.Exp(ax + ax);
        var big = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
        big = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -big, big);
        return Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(0.625f)), poly, big);
    }

    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    public static float Tanh(float x) => MathF.Tanh(x);

    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
