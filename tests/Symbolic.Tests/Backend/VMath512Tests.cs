using System.Runtime.Intrinsics;
using Symbolic.CodeGen.Cpu.Runtime;

namespace Symbolic.Tests.Backend;

/// <summary>
/// <see cref="VMath512"/>, the Vector512 twin that the build generates from <see cref="VMath"/>,
/// lane by lane against VMath on every input of the accuracy checks: the two must give the same
/// bits (NaN for NaN), so every bound measured for VMath holds for the twin. Sixteen consecutive
/// inputs go through VMath512 at once and, in two halves, through VMath. Sine and cosine are the
/// runtime's own (<c>Vector512.Sin</c> is not <c>Vector256.Sin</c> lane for lane: they differ by an
/// ulp here and there), so the twin's are held to the truth as VMath's are.
/// </summary>
public partial class VMathTests
{
    private static readonly Dictionary<string, (Func<Vector256<float>, Vector256<float>> F256, Func<Vector512<float>, Vector512<float>> F512,
        Func<Vector256<double>, Vector256<double>> D256, Func<Vector512<double>, Vector512<double>> D512)> Unary = new()
    {
        ["Exp"] = (VMath.Exp, VMath512.Exp, VMath.Exp, VMath512.Exp),
        ["Expm1"] = (VMath.Expm1, VMath512.Expm1, VMath.Expm1, VMath512.Expm1),
        ["Log"] = (VMath.Log, VMath512.Log, VMath.Log, VMath512.Log),
        ["Log1p"] = (VMath.Log1p, VMath512.Log1p, VMath.Log1p, VMath512.Log1p),
        ["Tanh"] = (VMath.Tanh, VMath512.Tanh, VMath.Tanh, VMath512.Tanh),
        ["Sigmoid"] = (VMath.Sigmoid, VMath512.Sigmoid, VMath.Sigmoid, VMath512.Sigmoid),
        ["Softplus"] = (VMath.Softplus, VMath512.Softplus, VMath.Softplus, VMath512.Softplus),
        ["Sqrt"] = (VMath.Sqrt, VMath512.Sqrt, VMath.Sqrt, VMath512.Sqrt),
        ["Abs"] = (VMath.Abs, VMath512.Abs, VMath.Abs, VMath512.Abs),
        ["Sign"] = (VMath.Sign, VMath512.Sign, VMath.Sign, VMath512.Sign),
        ["Relu"] = (VMath.Relu, VMath512.Relu, VMath.Relu, VMath512.Relu),
        ["Floor"] = (VMath.Floor, VMath512.Floor, VMath.Floor, VMath512.Floor),
        ["Ceil"] = (VMath.Ceil, VMath512.Ceil, VMath.Ceil, VMath512.Ceil),
    };

    private static readonly Dictionary<string, (Func<Vector256<float>, Vector256<float>, Vector256<float>> F256, Func<Vector512<float>, Vector512<float>, Vector512<float>> F512,
        Func<Vector256<double>, Vector256<double>, Vector256<double>> D256, Func<Vector512<double>, Vector512<double>, Vector512<double>> D512)> Binary = new()
    {
        ["Max"] = (VMath.Max, VMath512.Max, VMath.Max, VMath512.Max),
        ["Min"] = (VMath.Min, VMath512.Min, VMath.Min, VMath512.Min),
        ["Pow"] = (VMath.Pow, VMath512.Pow, VMath.Pow, VMath512.Pow),
    };

    [Fact] public void SinFloat512() => CheckF("VMath512.Sin", Low<float>(VMath512.Sin), x => (float)Math.Sin(x), MaxUlps);
    [Fact] public void SinDouble512() => CheckD("VMath512.Sin", Low<double>(VMath512.Sin), Math.Sin, MaxUlps);
    [Fact] public void CosFloat512() => CheckF("VMath512.Cos", Low<float>(VMath512.Cos), x => (float)Math.Cos(x), MaxUlps);
    [Fact] public void CosDouble512() => CheckD("VMath512.Cos", Low<double>(VMath512.Cos), Math.Cos, MaxUlps);

    /// <summary>A Vector512 function seen through Vector256: the input in both halves, the lower half of the result (both halves checked alike).</summary>
    private static Func<Vector256<T>, Vector256<T>> Low<T>(Func<Vector512<T>, Vector512<T>> f)
    {
        return v =>
        {
            var r = f(Vector512.Create(v, v));
            SameBits("twin halves", r, Vector512.Create(r.GetUpper(), r.GetLower()), Vector512.Create(v, v), Vector512.Create(v, v));
            return r.GetLower();
        };
    }

    public static TheoryData<string> UnaryNames() => new(Unary.Keys);

    public static TheoryData<string> BinaryNames() => new(Binary.Keys);

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void TheVector512TwinGivesVMathsBits(string name)
    {
        var (f256, f512, d256, d512) = Unary[name];
        var xs = FloatInputs;
        for (int i = 0; i < xs.Length; i += 16)
        {
            var x = Vector512.Create<float>(Lanes(xs, i, 16));
            SameBits(name, f512(x), Vector512.Create(f256(x.GetLower()), f256(x.GetUpper())), x, x);
        }
        var ds = DoubleInputs;
        for (int i = 0; i < ds.Length; i += 8)
        {
            var x = Vector512.Create<double>(Lanes(ds, i, 8));
            SameBits(name, d512(x), Vector512.Create(d256(x.GetLower()), d256(x.GetUpper())), x, x);
        }
    }

    [Theory]
    [MemberData(nameof(BinaryNames))]
    public void TheVector512TwinGivesVMathsBitsForPairs(string name)
    {
        var (f256, f512, d256, d512) = Binary[name];
        var pf = (from a in PairValuesF from b in PairValuesF select (a, b)).Concat(RandomPairsF(11, 100, 30, positiveA: true)).ToArray();
        for (int i = 0; i < pf.Length; i += 16)
        {
            var a = Vector512.Create<float>(Lanes(pf.Select(p => p.Item1).ToArray(), i, 16));
            var b = Vector512.Create<float>(Lanes(pf.Select(p => p.Item2).ToArray(), i, 16));
            SameBits(name, f512(a, b), Vector512.Create(f256(a.GetLower(), b.GetLower()), f256(a.GetUpper(), b.GetUpper())), a, b);
        }
        var pd = (from a in PairValuesD from b in PairValuesD select (a, b)).Concat(RandomPairsD(12, 100, 30, positiveA: true)).ToArray();
        for (int i = 0; i < pd.Length; i += 8)
        {
            var a = Vector512.Create<double>(Lanes(pd.Select(p => p.Item1).ToArray(), i, 8));
            var b = Vector512.Create<double>(Lanes(pd.Select(p => p.Item2).ToArray(), i, 8));
            SameBits(name, d512(a, b), Vector512.Create(d256(a.GetLower(), b.GetLower()), d256(a.GetUpper(), b.GetUpper())), a, b);
        }
    }

    /// <summary><paramref name="n"/> inputs from <paramref name="at"/>, wrapping round at the end.</summary>
    private static T[] Lanes<T>(T[] xs, int at, int n) => Enumerable.Range(0, n).Select(j => xs[(at + j) % xs.Length]).ToArray();

    private static void SameBits<T>(string name, Vector512<T> wide, Vector512<T> halves, Vector512<T> a, Vector512<T> b)
    {
        for (int j = 0; j < Vector512<T>.Count; j++)
        {
            ulong w = Bits(wide.GetElement(j)), h = Bits(halves.GetElement(j));
            bool bothNaN = IsNaN(wide.GetElement(j)) && IsNaN(halves.GetElement(j));
            Assert.True(w == h || bothNaN,
                $"VMath512.{name}({typeof(T).Name} {a.GetElement(j)}, {b.GetElement(j)}) in lane {j} = {wide.GetElement(j)}, VMath gives {halves.GetElement(j)}");
        }
    }

    private static ulong Bits<T>(T v) => v switch
    {
        float f => (uint)BitConverter.SingleToInt32Bits(f),
        double d => (ulong)BitConverter.DoubleToInt64Bits(d),
        _ => throw new ArgumentException(typeof(T).Name),
    };

    private static bool IsNaN<T>(T v) => v is float f ? float.IsNaN(f) : v is double d && double.IsNaN(d);
}
