using Symbolic.Rewrite.Engine;
using Symbolic.Runtime;

namespace Symbolic.Tests.Core;

/// <summary>
/// The ops log1mexp, erf, erfc and erfcx: ScalarMath against reference values, the interpreter and the compiled C#
/// program against the same values in float32 and float64 (subnormal arguments and results included), and the
/// parser's names for them. The reference values were computed with Python's mpmath 1.2.1 at 60 digits
/// (mp.erf, mp.erfc, mp.erfc(x) * mp.exp(x^2), mp.log(-mp.expm1(x))) and rounded once to double.
/// </summary>
public class NumericOpsTests
{
    /// <summary>(x, erf(x), erfc(x), erfcx(x)).</summary>
    private static readonly (double X, double Erf, double Erfc, double Erfcx)[] ErfReference =
    [
        (5e-324, 5e-324, 1.0, 1.0),
        (1e-310, 1.1283791670955e-310, 1.0, 1.0),
        (2.2250738585072014e-308, 2.5107269871883543e-308, 1.0, 1.0),
        (1e-200, 1.1283791670955125e-200, 1.0, 1.0),
        (1e-20, 1.1283791670955125e-20, 1.0, 1.0),
        (1e-08, 1.1283791670955126e-08, 0.9999999887162083, 0.9999999887162084),
        (0.1, 0.1124629160182849, 0.887537083981715, 0.8964569799691267),
        (0.25, 0.27632639016823696, 0.7236736098317631, 0.7703465477309968),
        (0.4999, 0.5204119951613866, 0.4795880048386134, 0.6157416166688975),
        (0.5, 0.5204998778130465, 0.4795001221869535, 0.6156903441929259),
        (0.51, 0.5292436198411704, 0.4707563801588296, 0.61059916978194),
        (0.75, 0.7111556336535151, 0.28884436634648486, 0.5069376502931449),
        (1.0, 0.8427007929497149, 0.15729920705028513, 0.427583576155807),
        (1.2345, 0.9191623964135658, 0.08083760358643417, 0.371085501451113),
        (1.5, 0.9661051464753108, 0.033894853524689274, 0.3215854164543175),
        (2.0, 0.9953222650189527, 0.004677734981047266, 0.25539567631050575),
        (2.5, 0.999593047982555, 0.0004069520174449589, 0.2108063640611436),
        (3.0, 0.9999779095030014, 2.209049699858544e-05, 0.17900115118138996),
        (3.3, 0.9999969422902035, 3.0577097964381654e-06, 0.16400729757293264),
        (3.9, 0.9999999652077514, 3.4792248597231765e-08, 0.14031418160068973),
        (4.0624, 0.999999990813396, 9.186603984225083e-09, 0.13500739251266133),
        (4.0625, 0.9999999908210709, 9.178929024808192e-09, 0.13500424547381068),
        (4.5, 0.9999999998033839, 1.9661604415428876e-10, 0.12248480427384142),
        (5.0, 0.9999999999984626, 1.537459794428035e-12, 0.11070463773306863),
        (6.0, 1.0, 2.1519736712498913e-17, 0.09277656780053835),
        (8.0, 1.0, 1.1224297172982926e-29, 0.06998516620088092),
        (10.0, 1.0, 2.088487583762545e-45, 0.05614099274382259),
        (15.0, 1.0, 7.212994172451207e-100, 0.03752960638850576),
        (20.0, 1.0, 5.395865611607901e-176, 0.02817434874105132),
        (25.0, 1.0, 8.300172571196523e-274, 0.02254957243264136),
        (26.5, 1.0, 2.2109076642637343e-307, 0.021275046685371106),
        (27.0, 1.0, 5.23705e-319, 0.02088160799042094),
        (27.2, 1.0, 1e-323, 0.02072827435234785),
        (-1e-20, -1.1283791670955125e-20, 1.0, 1.0),
        (-0.3, -0.3286267594591274, 1.3286267594591274, 1.4537492328427655),
        (-0.7, -0.6778011938374184, 1.6778011938374184, 2.7387021025613167),
        (-1.5, -0.9661051464753108, 1.9661051464753108, 18.653886256262734),
        (-3.0, -0.9999779095030014, 1.9999779095030015, 16205.988853999586),
        (-5.5, -0.9999999999999927, 1.9999999999999927, 27443409954929.71),
        (-10.0, -1.0, 2.0, 5.376234283632271e+43),
        (-30.0, -1.0, 2.0, double.PositiveInfinity),
    ];

    /// <summary>(x, log(1 - exp(x))).</summary>
    private static readonly (double X, double Value)[] Log1mexpReference =
    [
        (-5e-324, -744.4400719213812),
        (-1e-310, -713.8013788281542),
        (-1e-300, -690.7755278982137),
        (-1e-20, -46.051701859880914),
        (-1e-08, -18.420680748952364),
        (-0.1, -2.3521684610440907),
        (-0.5, -0.9327521295671886),
        (-0.6931471805599453, -0.6931471805599453),
        (-0.6931471805599454, -0.6931471805599452),
        (-0.7, -0.6863410028083852),
        (-1.0, -0.4586751453870819),
        (-2.0, -0.14541345786885906),
        (-10.0, -4.540096037048921e-05),
        (-40.0, -4.248354255291589e-18),
        (-100.0, -3.720075976020836e-44),
        (-700.0, -9.85967654375977e-305),
        (-745.0, -5e-324),
    ];

    /// <summary>(float32 x, log(1 - exp(x)) at that float, in double).</summary>
    private static readonly (float X, double Value)[] Log1mexpReference32 =
    [
        (-1.401298464324817e-45f, -103.27892990343184),
        (-9.99994610111476e-41f, -92.10340910966488),
        (-1.0000000031710769e-30f, -69.07755278665029),
        (-1.0000000116860974e-07f, -16.118095689272224),
        (-0.30000001192092896f, -1.3502255787413049),
        (-0.6931471824645996f, -0.693147178655291),
        (-1.0f, -0.4586751453870819),
        (-5.0f, -0.006760749449488557),
        (-20.0f, -2.061153624562735e-09),
        (-87.0f, -1.6458114310822737e-38),
        (-103.0f, -1.8521167695179754e-45),
    ];

    /// <summary>(float32 x, erf(x), erfc(x) at that float, in double).</summary>
    private static readonly (float X, double Erf, double Erfc)[] ErfReference32 =
    [
        (1.401298464324817e-45f, 1.581195994027058e-45, 1.0),
        (9.99994610111476e-41f, 1.128373085257589e-40, 1.0),
        (9.999999682655225e-21f, 1.1283791312869893e-20, 1.0),
        (0.30000001192092896f, 0.32862677175271543, 0.6713732282472846),
        (0.5f, 0.5204998778130465, 0.4795001221869535),
        (1.0f, 0.8427007929497149, 0.15729920705028513),
        (2.5f, 0.999593047982555, 0.0004069520174449589),
        (3.9000000953674316f, 0.9999999652077781, 3.479222191415442e-08),
        (5.0f, 0.9999999999984626, 1.537459794428035e-12),
        (9.0f, 1.0, 4.13703174651381e-37),
        (10.0f, 1.0, 2.088487583762545e-45),
        (10.5f, 1.0, 7.035928090177523e-50),
        (-2.0f, -0.9953222650189527, 1.9953222650189528),
        (-0.009999999776482582f, -0.011283415303662439, 1.0112834153036625),
    ];

    /// <summary>The distance in units in the last place (counted across subnormals alike); equal infinities and NaNs are 0 apart.</summary>
    private static long Ulps(double a, double b)
    {
        if (a == b || double.IsNaN(a) && double.IsNaN(b)) return 0;
        if (double.IsNaN(a) || double.IsNaN(b) || Math.Sign(a) * Math.Sign(b) < 0) return long.MaxValue;
        return Math.Abs(BitConverter.DoubleToInt64Bits(Math.Abs(a)) - BitConverter.DoubleToInt64Bits(Math.Abs(b)));
    }

    private static long Ulps(float a, float b)
    {
        if (a == b || float.IsNaN(a) && float.IsNaN(b)) return 0;
        if (float.IsNaN(a) || float.IsNaN(b) || Math.Sign(a) * Math.Sign(b) < 0) return long.MaxValue;
        return Math.Abs(BitConverter.SingleToInt32Bits(Math.Abs(a)) - (long)BitConverter.SingleToInt32Bits(Math.Abs(b)));
    }

    private const long MaxUlps64 = 3;

    [Fact]
    public void ErfFamilyInDoubleIsWithinThreeUlps()
    {
        foreach (var (x, erf, erfc, erfcx) in ErfReference)
        {
            Assert.True(Ulps(ScalarMath.Erf(x), erf) <= MaxUlps64, $"erf({x:R}) = {ScalarMath.Erf(x):R}, want {erf:R}");
            Assert.True(Ulps(ScalarMath.Erf(-x), -erf) <= MaxUlps64, $"erf({-x:R}) = {ScalarMath.Erf(-x):R}, want {-erf:R}");
            Assert.True(Ulps(ScalarMath.Erfc(x), erfc) <= MaxUlps64, $"erfc({x:R}) = {ScalarMath.Erfc(x):R}, want {erfc:R}");
            Assert.True(Ulps(ScalarMath.Erfcx(x), erfcx) <= MaxUlps64 + 2, $"erfcx({x:R}) = {ScalarMath.Erfcx(x):R}, want {erfcx:R}");
        }
    }

    [Fact]
    public void ErfFamilyAtTheEnds()
    {
        Assert.Equal(1.0, ScalarMath.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, ScalarMath.Erf(double.NegativeInfinity));
        Assert.Equal(0.0, ScalarMath.Erfc(double.PositiveInfinity));
        Assert.Equal(2.0, ScalarMath.Erfc(double.NegativeInfinity));
        Assert.Equal(0.0, ScalarMath.Erfc(27.5));
        Assert.Equal(0.0, ScalarMath.Erfcx(double.PositiveInfinity));
        Assert.Equal(double.PositiveInfinity, ScalarMath.Erfcx(-30));
        Assert.True(double.IsNaN(ScalarMath.Erf(double.NaN)) && double.IsNaN(ScalarMath.Erfc(double.NaN)) && double.IsNaN(ScalarMath.Erfcx(double.NaN)));
        // erfcx(x) ~ 1/(x sqrt(pi)) far out, where erfc has long underflowed.
        Assert.True(Ulps(ScalarMath.Erfcx(1e10), 1 / (1e10 * Math.Sqrt(Math.PI))) <= 2);
        Assert.Equal(0.0, ScalarMath.Erf(0.0));
        Assert.True(double.IsNegative(ScalarMath.Erf(-0.0)));
    }

    [Fact]
    public void Log1mexpInDoubleIsWithinThreeUlpsDownToSubnormals()
    {
        foreach (var (x, want) in Log1mexpReference)
            Assert.True(Ulps(ScalarMath.Log1mexp(x), want) <= MaxUlps64, $"log1mexp({x:R}) = {ScalarMath.Log1mexp(x):R}, want {want:R}");
        Assert.Equal(double.NegativeInfinity, ScalarMath.Log1mexp(0.0));
        Assert.Equal(double.NegativeInfinity, ScalarMath.Log1mexp(-0.0));
        Assert.True(double.IsNaN(ScalarMath.Log1mexp(1e-300)));
        Assert.Equal(0.0, ScalarMath.Log1mexp(double.NegativeInfinity));
    }

    [Fact]
    public void FloatFormsAreCorrectlyRoundedAtTheReferencePoints()
    {
        foreach (var (x, want) in Log1mexpReference32)
            Assert.True(Ulps(ScalarMath.Log1mexp(x), (float)want) <= 1, $"log1mexp({x:R}f) = {ScalarMath.Log1mexp(x):R}, want {(float)want:R}");
        foreach (var (x, erf, erfc) in ErfReference32)
        {
            Assert.True(Ulps(ScalarMath.Erf(x), (float)erf) <= 1, $"erf({x:R}f) = {ScalarMath.Erf(x):R}, want {(float)erf:R}");
            Assert.True(Ulps(ScalarMath.Erfc(x), (float)erfc) <= 1, $"erfc({x:R}f) = {ScalarMath.Erfc(x):R}, want {(float)erfc:R}");
        }
    }

    public static TheoryData<string, DType> OpsAndTypes() => new()
    {
        { "log1mexp", DType.Float32 }, { "log1mexp", DType.Float64 },
        { "erf", DType.Float32 }, { "erf", DType.Float64 },
        { "erfc", DType.Float32 }, { "erfc", DType.Float64 },
        { "erfcx", DType.Float32 }, { "erfcx", DType.Float64 },
    };

    /// <summary>The reference points of an op, with its reference value there.</summary>
    private static (double X, double Want)[] Points(string op, DType dtype) => (op, dtype) switch
    {
        ("log1mexp", DType.Float32) => Log1mexpReference32.Select(p => ((double)p.X, p.Value)).ToArray(),
        ("log1mexp", _) => Log1mexpReference,
        ("erf", DType.Float32) => ErfReference32.Select(p => ((double)p.X, p.Erf)).ToArray(),
        ("erfc", DType.Float32) => ErfReference32.Select(p => ((double)p.X, p.Erfc)).ToArray(),
        ("erf", _) => ErfReference.Select(p => (p.X, p.Erf)).ToArray(),
        ("erfc", _) => ErfReference.Select(p => (p.X, p.Erfc)).ToArray(),
        _ => ErfReference.Select(p => (p.X, p.Erfcx)).ToArray(),
    };

    [Theory]
    [MemberData(nameof(OpsAndTypes))]
    public void InterpreterAndCompiledProgramGiveTheReferenceValues(string op, DType dtype)
    {
        var points = Points(op, dtype);
        var x = T.Vector("x", dtype);
        var y = TensorMath.Elem(Symbolic.Ops.ScalarOps.ByName(op)!, x);
        var input = dtype == DType.Float32 ? NDArray.From(points.Select(p => (float)p.X).ToArray(), points.Length) : NDArray.From(points.Select(p => p.X).ToArray(), points.Length);
        var f = Function.Compile([x], [y]);
        Assert.Contains($".{char.ToUpperInvariant(op[0])}{op[1..]}(", f.Source); // the ScalarMath function the interpreter uses
        var results = new[] { ("interpreter", Interpreter.Evaluate(y, (x, input))), ("compiled C#", f.Invoke(input)[0]) };
        foreach (var (where, result) in results)
        {
            if (dtype == DType.Float32)
            {
                var got = result.ToArray<float>();
                for (int i = 0; i < points.Length; i++)
                    Assert.True(Ulps(got[i], (float)points[i].Want) <= 1, $"{where}: {op}(float32 {points[i].X:R}) = {got[i]:R}, want {(float)points[i].Want:R}");
            }
            else
            {
                var got = result.ToArray<double>();
                for (int i = 0; i < points.Length; i++)
                    Assert.True(Ulps(got[i], points[i].Want) <= MaxUlps64 + 2, $"{where}: {op}({points[i].X:R}) = {got[i]:R}, want {points[i].Want:R}");
            }
        }
    }

    [Theory]
    [InlineData("log1mexp(x)")]
    [InlineData("erf(x)")]
    [InlineData("erfc(x)")]
    [InlineData("erfcx(x)")]
    [InlineData("log1mexp(erf(x) - erfc(x) - 3)")]
    public void ParserReadsTheNamesAndPrintsThemBack(string text)
    {
        var x = T.Vector("x");
        var built = T.Parse(text, x);
        Assert.Equal(built, T.Parse(ExpressionText.Of(built, 10), x));
    }

    [Fact]
    public void FacadeBuildsTheOps()
    {
        var x = T.Vector("x");
        Assert.Same(T.Parse("log1mexp(x)", x), T.Log1mexp(x));
        Assert.Same(T.Parse("erf(x)", x), T.Erf(x));
        Assert.Same(T.Parse("erfc(x)", x), T.Erfc(x));
        Assert.Same(T.Parse("erfcx(x)", x), T.Erfcx(x));
    }
}
