namespace Symbolic.Tests.Text;

/// <summary>
/// T.Parse against the same expression written with T: thanks to hash-consing, equal builds are
/// the very same node, so ReferenceEquals checks structure, ops, constants and their types at once.
/// </summary>
public class ParserTests
{
    private readonly Variable x = T.Matrix("x");
    private readonly Variable y = T.Matrix("y");
    private readonly Variable z = T.Matrix("z");
    private readonly Variable v = T.Vector("v");

    private Variable P(string text) => T.Parse(text, x, y, z, v);

    private void Same(Variable expected, string text)
    {
        var parsed = P(text);
        Assert.True(ReferenceEquals(expected, parsed),
            $"'{text}' parsed to\n{Graph.DebugPrint(parsed)}but T built\n{Graph.DebugPrint(expected)}");
    }

    [Fact]
    public void ApiExampleSoftplusFromText() =>
        Same(T.Log(1 + T.Exp(x)), "log(1 + exp(x))");

    [Fact]
    public void NameBindsToTheGivenVariable() => Same(x, "x");

    [Fact]
    public void ArithmeticOperators()
    {
        Same(x + y, "x + y");
        Same(x - y, "x - y");
        Same(x * y, "x * y");
        Same(x / y, "x / y");
    }

    [Fact]
    public void PowerOperatorIsPow() => Same(T.Pow(x, y), "x ** y");

    [Fact]
    public void AtOperatorIsDot() => Same(T.Dot(x, y), "x @ y");

    [Fact]
    public void MultiplicationBindsTighterThanAddition()
    {
        Same(x + y * z, "x + y * z");
        Same(x * y + z, "x * y + z");
        Same(x - y / z, "x - y / z");
        Same(x + T.Dot(y, z), "x + y @ z");
    }

    [Fact]
    public void SubtractionAndDivisionAreLeftAssociative()
    {
        Same(x - y - z, "x - y - z");
        Same(x / y / z, "x / y / z");
        Same(x - y + z, "x - y + z");
        Same(x / y * z, "x / y * z");
    }

    [Fact]
    public void PowerIsRightAssociative() => Same(T.Pow(x, T.Pow(y, z)), "x ** y ** z");

    [Fact]
    public void PowerBindsTighterThanUnaryMinusAsInPython()
    {
        Same(-T.Pow(x, 2), "-x**2");
        Same(-T.Pow(x, 2), "-x ** 2");
        Same(T.Pow(-x, 2), "(-x) ** 2");
    }

    [Fact]
    public void ExponentMayBeNegative()
    {
        Same(T.Pow(x, -2), "x ** -2");
        Same(T.Pow(x, -y), "x ** -y");
    }

    [Fact]
    public void PowerBindsTighterThanMultiplication()
    {
        Same(2 * T.Pow(x, 2), "2 * x ** 2");
        Same(T.Pow(x, 2) * y, "x ** 2 * y");
    }

    [Fact]
    public void UnaryMinusBindsTighterThanMultiplication()
    {
        Same(-x * y, "-x * y");
        Same(x * -y, "x * -y");
        Same(x - -y, "x - -y");
        Same(-(-x), "--x");
    }

    [Fact]
    public void ParenthesesOverridePrecedence()
    {
        Same((x + y) * z, "(x + y) * z");
        Same(-(x + y), "-(x + y)");
        Same(x - (y - z), "x - (y - z)");
        Same(T.Pow(T.Pow(x, y), z), "(x ** y) ** z");
        Same(x, "((x))");
    }

    [Fact]
    public void ComparisonOperatorsAreLowestPrecedence()
    {
        Same(T.Lt(x, y + 1), "x < y + 1");
        Same(T.Le(x, y), "x <= y");
        Same(T.Gt(x * 2, y), "x * 2 > y");
        Same(T.Ge(x, y), "x >= y");
        Same(T.Eq(x, y), "x == y");
        Same(T.Neq(x, y), "x != y");
        Same(T.Eq(T.Lt(x, y), T.Lt(y, z)), "(x < y) == (y < z)");
    }

    [Fact]
    public void IntegersAreWeakIntConstantsAsBareCSharpInts()
    {
        var two = P("2");
        Assert.Same((Variable)2, two);
        var c = Assert.IsType<Constant>(two);
        Assert.True(c.IsWeak);
        Assert.True(c.DType.IsInteger());
        Assert.Equal(2, c.ScalarValue);
    }

    [Fact]
    public void DecimalsAreWeakFloatConstantsAsBareCSharpDoubles()
    {
        Assert.Same((Variable)2.5, P("2.5"));
        Assert.Same((Variable)0.5, P(".5"));
        Assert.Same((Variable)2.0, P("2."));
        Assert.Same((Variable)2.0, P("2.0"));
        Assert.Same((Variable)1e-3, P("1e-3"));
        Assert.Same((Variable)2500.0, P("2.5E+3"));
        Assert.Same((Variable)1000.0, P("1e3"));
        var c = Assert.IsType<Constant>(P("2.5"));
        Assert.True(c.IsWeak);
        Assert.True(c.DType.IsFloat());
    }

    [Fact]
    public void NegativeNumbersAreNegativeConstants()
    {
        Assert.Same((Variable)(-3), P("-3"));
        Assert.Same((Variable)(-0.25), P("-0.25"));
        Assert.Same((Variable)3, P("--3"));
        Same(T.Maximum(x, -1), "maximum(x, -1)");
    }

    [Fact]
    public void NumbersMeetTensorsAsInCSharp()
    {
        Same(x * 2, "x * 2");
        Same(1 - x, "1 - x");
        Same(x / 2.5, "x / 2.5");
        Same(x - 0.01 * y, "x - 0.01 * y");
        Assert.Equal(DType.Float32, P("x * 2").DType);
    }

    [Fact]
    public void NumbersAloneFollowTheRulesOfBareNumbers() => Same(-T.Pow(2, 2), "-2 ** 2");

    [Fact]
    public void BlanksAnywhereBetweenTokens()
    {
        Same(T.Log(1 + T.Exp(x)), "  log ( 1+exp( x ) )  ");
        Same(T.Log(1 + T.Exp(x)), "log(1\t+\texp(x))");
        Same(T.Log(1 + T.Exp(x)), "log(\n  1 +\r\n  exp(x)\n)\n");
        Same(x + y, "x+y");
    }

    [Fact]
    public void NamesMayHaveUnderscoresDigitsAndLetters()
    {
        var w1 = T.Matrix("w_1");
        var theta = T.Vector("θ");
        var under = T.Scalar("_b");
        Assert.Same(T.Dot(w1, theta) + under, T.Parse("w_1 @ θ + _b", w1, theta, under));
    }

    [Fact]
    public void TrueAndFalseAreBooleanConstants()
    {
        var t = Assert.IsType<Constant>(P("true"));
        Assert.Equal(DType.Bool, t.DType);
        Assert.Equal(1, t.ScalarValue);
        Assert.Equal(0, Assert.IsType<Constant>(P("false")).ScalarValue);
        Same(T.Switch(T.Constant(1, DType.Bool), x, y), "switch(true, x, y)");
    }

    [Fact]
    public void AGivenVariableNamedTrueWinsOverTheLiteral()
    {
        var t = T.Scalar("true");
        Assert.Same(t, T.Parse("true", t));
    }

    [Fact]
    public void UnusedAndUnnamedVariablesAreFine()
    {
        var unnamed = T.Matrix();
        Assert.Same(T.Exp(x), T.Parse("exp(x)", unnamed, x, T.Scalar("unused")));
    }

    [Fact]
    public void TheSameVariableGivenTwiceIsNotAmbiguous() =>
        Assert.Same(x + 1, T.Parse("x + 1", x, x));

    [Fact]
    public void NoVariablesNeededForConstantExpressions() =>
        Assert.Same(T.Exp((Variable)1), T.Parse("exp(1)"));

    [Fact]
    public void IndexingWithIntegers()
    {
        Same(x[0], "x[0]");
        Same(x[^1], "x[-1]");
        Same(x[0, 1], "x[0, 1]");
        Same(x[0][1], "x[0][1]");
    }

    [Fact]
    public void SlicingWithRanges()
    {
        Same(x[1..3], "x[1:3]");
        Same(x[1..^1], "x[1:-1]");
        Same(x[.., 0], "x[:, 0]");
        Same(x[..2, 1..], "x[:2, 1:]");
        Same(x[.., ..], "x[:, :]");
        Same(x[^2.., 0], "x[-2:, 0]");
    }

    [Fact]
    public void IndexingBindsTighterThanEverything()
    {
        Same(-T.Pow(x[0], 2), "-x[0] ** 2");
        Same(T.Exp(x)[0], "exp(x)[0]");
        Same((x + y)[1..], "(x + y)[1:]");
    }

    [Fact]
    public void ParsedAndBuiltSeedNetworkAreTheSameGraph()
    {
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var labels = T.Vector("labels", DType.Int64);
        var built = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2)), labels));
        var parsed = T.Parse("mean(categorical_crossentropy(softmax(relu(x @ w1) @ w2), labels))", x, w1, w2, labels);
        Assert.Same(built, parsed);
        Assert.Equal(Graph.DebugPrint(built), Graph.DebugPrint(parsed));
    }

    [Fact]
    public void ParsedGraphsDifferentiate()
    {
        var w = T.Matrix("w");
        var loss = T.Parse("mean(sqr(x @ w - y))", x, w, y);
        var g = T.Grad(loss, w);
        Assert.Same(T.Grad(T.Mean(T.Sqr(T.Dot(x, w) - y)), w), g);
    }

    [Fact]
    public void LongSumsParseWithoutDeepRecursion()
    {
        const int terms = 10000;
        var expected = x;
        for (int i = 1; i < terms; i++) expected = expected + (i % 2 == 0 ? x : y);
        var text = string.Join(" + ", Enumerable.Range(0, terms).Select(i => i % 2 == 0 ? "x" : "y"));
        Assert.Same(expected, P(text));
    }

    [Fact]
    public void DeepNestingIsNoError()
    {
        // Once a clear error (the reader recursed); now read with an explicit stack. ParserDepthTests has more.
        const int depth = 100_000;
        Assert.Same(x, P(new string('(', depth) + "x" + new string(')', depth)));
        Variable negated = x;
        for (int i = 0; i < depth; i++) negated = -negated;
        Assert.Same(negated, P(new string('-', depth) + "x"));
    }

    [Fact]
    public void ModerateNestingIsFine()
    {
        var expected = x;
        for (int i = 0; i < 200; i++) expected = T.Exp(expected);
        Assert.Same(expected, P(string.Concat(Enumerable.Repeat("exp(", 200)) + "x" + new string(')', 200)));
        Assert.Same(x, P(new string('(', 200) + "x" + new string(')', 200)));
    }

    [Fact]
    public void NullArgumentsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => T.Parse(null!, x));
        Assert.Throws<ArgumentNullException>(() => T.Parse("x", x, null!));
        Assert.Throws<ArgumentNullException>(() => T.Parse("x", (Variable[])null!));
    }
}
