using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Runtime;

public static partial class VMath
{
    // The runtime's own vector sine and cosine are within 1 ulp of Math.Sin/Math.Cos over the whole
    // range, huge arguments included (VMathTests measures it), so they are used as they are.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sin(Vector256<float> x) => Vector256.Sin(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Sin(Vector256<double> x) => Vector256.Sin(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Cos(Vector256<float> x) => Vector256.Cos(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Cos(Vector256<double> x) => Vector256.Cos(x);
}
