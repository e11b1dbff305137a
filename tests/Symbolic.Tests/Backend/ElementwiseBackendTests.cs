using Symbolic.Ops;
using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

public class ElementwiseBackendTests
{
    public static TheoryData<string, string, DType> UnaryCases()
    {
        var d = new TheoryData<string, string, DType>();
        string[] ops = ["neg", "exp", "log", "log1p", "expm1", "sqrt", "sqr", "abs", "sign", "tanh", "sigmoid", "softplus", "relu", "sin", "cos", "floor", "ceil", "log1mexp", "erf", "erfc", "erfcx"];
        string[] shapes = ["", "5", "3x4", "2x3x4", "2x1x3x2"];
        int k = 0;
        foreach (var op in ops)
            foreach (var dt in new[] { DType.Float32, DType.Float64 })
                d.Add(op, shapes[k++ % shapes.Length], dt);
        return d;
    }

    private static Variable Unary(string op, Variable x) => op switch
    {
        "neg" => -x,
        _ => TensorMath.Elem(ScalarOps.ByName(op)!, x),
    };

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void UnaryOp(string op, string shape, DType dtype)
    {
        var sh = Shape(shape);
        var x = T.Tensor("x", sh.Length, dtype);
        var rng = new Random(op.Length * 31 + sh.Length);
        bool positive = op is "log" or "sqrt" or "log1p";
        var (lo, hi) = op == "log1mexp" ? (-3.0, -1e-3) : positive ? (0.1, 3.0) : (-3.0, 3.0);
        AgreesWithInterpreter([x], [Unary(op, x)], [Random(rng, dtype, sh, lo, hi)]);
    }

    [Fact]
    public void IsFiniteOfEveryDtype()
    {
        var f = T.Vector("f");
        var d = T.Vector("d", DType.Float64);
        var i = T.Vector("i", DType.Int64);
        var n = T.Vector("n", DType.Int32);
        var b = T.Vector("b", DType.Bool);
        Variable IsFinite(Variable v) => TensorMath.Elem(ScalarOps.IsFinite, v);
        var outs = Function.Compile([f, d, i, n, b], [IsFinite(f), IsFinite(d), IsFinite(i), IsFinite(n), IsFinite(b)]).Invoke(
            NDArray.From(new[] { 1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -0f }, 5),
            NDArray.From(new[] { double.NaN, 1e308, double.NegativeInfinity }, 3),
            NDArray.From(new[] { long.MaxValue, long.MinValue }, 2),
            NDArray.From(new[] { int.MinValue }, 1),
            NDArray.From(new[] { true, false }, 2));
        Assert.All(outs, o => Assert.Equal(DType.Bool, o.DType));
        Assert.Equal([true, false, false, false, true], outs[0].ToArray<bool>());
        Assert.Equal([false, true, false], outs[1].ToArray<bool>());
        Assert.Equal([true, true], outs[2].ToArray<bool>());
        Assert.Equal([true], outs[3].ToArray<bool>());
        Assert.Equal([true, true], outs[4].ToArray<bool>());
        var again = Interpreter.Evaluate(IsFinite(f), (f, NDArray.From(new[] { 1f, float.NaN }, 2)));
        Assert.Equal([true, false], again.ToArray<bool>());
    }

    [Theory]
    [InlineData("add", "3x4", "3x4")]
    [InlineData("sub", "3x4", "4")]
    [InlineData("mul", "4", "3x4")]
    [InlineData("true_div", "2x3x4", "3x1")]
    [InlineData("pow", "3x4", "")]
    [InlineData("maximum", "1x4", "3x1")]
    [InlineData("minimum", "2x1x3x1", "4x1x5")]
    [InlineData("add", "", "")]
    [InlineData("mul", "2x3x4x5", "5")]
    public void BinaryOpBroadcasts(string op, string sa, string sb)
    {
        var (sha, shb) = (Shape(sa), Shape(sb));
        var a = T.Tensor("a", DType.Float32, sha.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());
        var b = T.Tensor("b", DType.Float32, shb.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());
        var rng = new Random(op.Length + sha.Length * 7 + shb.Length);
        double lo = op == "pow" ? 0.5 : -2;
        AgreesWithInterpreter([a, b], [TensorMath.Elem(ScalarOps.ByName(op)!, a, b)], [Random(rng, DType.Float32, sha, lo), Random(rng, DType.Float32, shb, lo)]);
    }

    [Theory]
    [InlineData(DType.Int32, DType.Int32)]
    [InlineData(DType.Int64, DType.Int32)]
    [InlineData(DType.Int32, DType.Float32)]
    [InlineData(DType.Int64, DType.Float64)]
    [InlineData(DType.Bool, DType.Int32)]
    [InlineData(DType.Bool, DType.Float32)]
    [InlineData(DType.Float32, DType.Float64)]
    public void MixedDtypeArithmetic(DType ta, DType tb)
    {
        var a = T.Matrix("a", ta);
        var b = T.Matrix("b", tb);
        var rng = new Random((int)ta * 10 + (int)tb);
        var va = Random(rng, ta, [3, 4]);
        var vb = Random(rng, tb, [3, 4]);
        AgreesWithInterpreter([a, b], [a + b, a * b, a - b, T.Maximum(a, b), T.Abs(a - b), T.Sign(a - b)], [va, vb]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void ComparisonsAndLogic(DType dtype)
    {
        var a = T.Matrix("a", dtype);
        var b = T.Vector("b", dtype);
        var rng = new Random((int)dtype);
        var outs = new[] { T.Eq(a, b), T.Neq(a, b), T.Lt(a, b), T.Le(a, b), T.Gt(a, b), T.Ge(a, b), T.And(T.Gt(a, b), T.Neq(a, 0)), T.Or(T.Lt(a, b), T.Eq(b, 1)), T.Not(T.Eq(a, b)) };
        AgreesWithInterpreter([a, b], outs, [Random(rng, dtype, [3, 4]), Random(rng, dtype, [4])]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Int64)]
    public void SwitchClipAndSecond(DType dtype)
    {
        var c = T.Matrix("c", DType.Bool);
        var a = T.Matrix("a", dtype);
        var b = T.Vector("b", dtype);
        var rng = new Random(3);
        var outs = new[] { T.Switch(c, a, b), T.Clip(a, -1, 1), T.ZerosLike(a), T.OnesLike(b), TensorMath.Second(a, b) };
        AgreesWithInterpreter([c, a, b], outs, [Random(rng, DType.Bool, [2, 3]), Random(rng, dtype, [2, 3]), Random(rng, dtype, [3])]);
    }

    public static TheoryData<DType, DType> CastPairs()
    {
        var d = new TheoryData<DType, DType>();
        foreach (var from in Enum.GetValues<DType>())
            foreach (var to in Enum.GetValues<DType>())
                if (from != to) d.Add(from, to);
        return d;
    }

    [Theory]
    [MemberData(nameof(CastPairs))]
    public void Casts(DType from, DType to)
    {
        var x = T.Vector("x", from);
        var values = from switch
        {
            DType.Bool => NDArray.From(new[] { true, false, true }, 3),
            DType.Int32 => NDArray.From(new[] { -3, 0, 7 }, 3),
            DType.Int64 => NDArray.From(new long[] { -3, 0, 1L << 40 }, 3),
            DType.Float32 => NDArray.From(new[] { -2.7f, 0f, 3.5f, float.NaN, 1e20f }, 5),
            _ => NDArray.From(new[] { -2.7, 0, 3.5, double.NaN, -1e300 }, 5),
        };
        AgreesWithInterpreter([x], [T.Cast(x, to)], [values]);
    }

    [Fact]
    public void NaNAndInfinityPropagate()
    {
        var x = T.Vector("x");
        var v = NDArray.From(new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f }, 5);
        AgreesWithInterpreter([x], [T.Exp(x), T.Log(x), T.Maximum(x, 0), T.Relu(x), T.Sigmoid(x), T.Softplus(x), T.Tanh(x), x / 0], [v]);
    }

    [Fact]
    public void IntegerDivisionAndPowerGiveFloats()
    {
        var a = T.Vector("a", DType.Int32);
        var b = T.Vector("b", DType.Int32);
        var va = NDArray.From(new[] { 7, -7, 2 }, 3);
        var vb = NDArray.From(new[] { 2, 2, 3 }, 3);
        AgreesWithInterpreter([a, b], [a / b, T.Pow(a, b), T.Exp(a), a * 0.5], [va, vb]);
    }
}
