using Symbolic.Print;

namespace Symbolic.Tests.Text;

public class DebugPrinterTests
{
    [Fact]
    public void TheanoLayoutWithIdsForSharedNodes()
    {
        var x = T.Matrix("x");
        var e = T.Exp(x);
        Assert.Equal(
            "add [id A] <float32 (?, ?)>\n" +
            " |exp [id B] <float32 (?, ?)>\n" +
            " | |x [id C] <float32 (?, ?)>\n" +
            " |mul [id D] <float32 (?, ?)>\n" +
            "   |exp [id B]\n" +
            "   |2 [id E] <float32 ()>\n",
            Graph.DebugPrint(e + e * 2));
    }

    [Fact]
    public void IdsGoPastZ()
    {
        var x = T.Scalar("x");
        var v = x;
        for (int i = 0; i < 30; i++) v = T.Exp(v);
        var lines = Graph.DebugPrint(v).Split('\n');
        Assert.Contains("[id Z]", lines[25]);
        Assert.Contains("[id BA]", lines[26]);
        Assert.Contains("x [id BE]", lines[30]);
    }

    [Fact]
    public void Float32ConstantsPrintAsFloat32()
    {
        var x = T.Vector("x");
        Assert.Contains("|0.1 [id C] <float32 ()>", Graph.DebugPrint(x * 0.1));
        var d = T.Vector("d", DType.Float64);
        Assert.Contains("|0.25 [id C] <float64 ()>", Graph.DebugPrint(d * 0.25));
    }

    [Fact]
    public void BooleanAndIntegerConstants()
    {
        var c = T.Matrix("c", DType.Bool);
        var text = Graph.DebugPrint(T.And(c, T.Constant(1, DType.Bool)), T.Constant(-7, DType.Int32) + T.Vector("i", DType.Int32));
        Assert.Contains("|true [id C] <bool ()>", text);
        Assert.Contains("|-7 [id E] <int32 ()>", text);
    }

    [Fact]
    public void SmallArrayConstantsShowTheirValuesNested()
    {
        var k = T.Constant(NDArray.From(new float[] { 1, 2.5f, 3, 4 }, 2, 2));
        var text = Graph.DebugPrint(T.Matrix("x") * k);
        Assert.Contains("|[[1, 2.5], [3, 4]] [id C] <float32 (2, 2)>", text);
        var v = T.Constant(NDArray.From(new long[] { 5, 6 }, 2));
        Assert.StartsWith("[5, 6] [id A] <int64 (2,)>", Graph.DebugPrint(v));
    }

    [Fact]
    public void LargeArrayConstantsPrintAsConstant()
    {
        var k = T.Constant(NDArray.From(new double[9], 9));
        Assert.Equal("constant [id A] <float64 (9,)>\n", Graph.DebugPrint(k));
    }

    [Fact]
    public void InputsSharedAndUnnamed()
    {
        var w = T.Shared(NDArray.From(new float[] { 1, 2 }, 2), "W");
        var u = T.Vector();
        Assert.Equal(
            "add [id A] <float32 (?,)>\n |W (shared) [id B] <float32 (?,)>\n |<unnamed> [id C] <float32 (?,)>\n",
            Graph.DebugPrint(w + u));
    }

    [Theory]
    [InlineData("x", "x")]
    [InlineData("_w1", "_w1")]
    [InlineData("my var", "'my var'")]
    [InlineData("", "''")]
    [InlineData("a'b", "'a\\'b'")]
    [InlineData("a\nb", "'a\\nb'")]
    [InlineData("a\\b", "'a\\\\b'")]
    [InlineData("1x", "'1x'")]
    public void LabelsOfInputNames(string name, string label) =>
        Assert.Equal(label, DebugPrinter.Label(T.Matrix(name)));

    [Fact]
    public void EscapeKeepsEveryNameOnOneLine()
    {
        Assert.Equal("a\\tb\\rc\\u0001", DebugPrinter.Escape("a\tb\rc\u0001"));
        Assert.Equal("lone \\ud800", DebugPrinter.Escape("lone \ud800"));
        Assert.Equal("pair \U0001F600", DebugPrinter.Escape("pair \U0001F600"));
    }

    [Fact]
    public void LineSeparatorsAndBidiControlsAreEscaped()
    {
        // U+2028 and U+2029 end a line for many readers (Python's splitlines, JavaScript, editors),
        // and U+202E reverses the text after it on screen: a name holding them could fake lines.
        var x = T.Vector("x\u2028sum [id Z]\u2029\u202Eevil");
        var text = Graph.DebugPrint(T.Exp(x) * 2);
        Assert.Contains("'x\\u2028sum [id Z]\\u2029\\u202eevil'", text);
        Assert.DoesNotContain('\u2028', text);
        Assert.DoesNotContain('\u2029', text);
        Assert.DoesNotContain('\u202E', text);
        var dot = Graph.ToDot(T.Exp(x));
        Assert.DoesNotContain('\u2028', dot);
        Assert.DoesNotContain('\u202E', dot);
        Assert.Equal("a\\u2066b\\u200fc", DebugPrinter.Escape("a\u2066b\u200Fc"));
    }

    [Fact]
    public void SeveralOutputsShareIds()
    {
        var x = T.Matrix("x");
        var text = Graph.DebugPrint(T.Exp(x), T.Log(T.Exp(x)));
        Assert.Equal("exp [id A] <float32 (?, ?)>\n |x [id B] <float32 (?, ?)>\nlog [id C] <float32 (?, ?)>\n |exp [id A]\n", text);
    }
}
