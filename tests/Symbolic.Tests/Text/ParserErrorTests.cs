namespace Symbolic.Tests.Text;

/// <summary>Every way a text can fail to name a graph, with the message it gives.</summary>
public class ParserErrorTests
{
    private readonly Variable x = T.Matrix("x");
    private readonly Variable y = T.Vector("y");

    private ParseException Fails(string text) => Assert.Throws<ParseException>(() => T.Parse(text, x, y));

    [Fact]
    public void ParseExceptionIsAnArgumentException()
    {
        var e = Fails("exp(");
        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal("Symbolic", typeof(ParseException).Namespace);
    }

    [Fact]
    public void MissingClosingParenthesisOfACall()
    {
        var e = Fails("exp(x + 1");
        Assert.Equal("expected ',' or ')' at position 10, found the end of the text:\n  exp(x + 1\n           ^", e.Message);
        Assert.Equal(10, e.Position);
        Assert.Equal(1, e.Line);
        Assert.Equal(10, e.Column);
        Assert.Equal("exp(x + 1", e.Text);
        Assert.Equal("expected ',' or ')', found the end of the text", e.Reason);
    }

    [Fact]
    public void MissingClosingParenthesisOfAGroup()
    {
        var e = Fails("(x + 1");
        Assert.Equal("expected ')' at position 7, found the end of the text:\n  (x + 1\n        ^", e.Message);
    }

    [Fact]
    public void MissingOperand()
    {
        var e = Fails("x + ");
        Assert.StartsWith("expected an expression at position 5, found the end of the text", e.Message);
        Assert.StartsWith("expected an expression at position 9, found ')'", Fails("exp(x * )").Message);
    }

    [Fact]
    public void EmptyText()
    {
        Assert.StartsWith("expected an expression at position 1, found the end of the text", Fails("").Message);
        Assert.StartsWith("expected an expression at position 4, found the end of the text", Fails("   ").Message);
    }

    [Fact]
    public void TwoOperandsWithoutAnOperator()
    {
        var e = Fails("x y");
        Assert.Equal("expected an operator or the end of the text at position 3, found 'y':\n  x y\n    ^", e.Message);
        Assert.StartsWith("expected an operator or the end of the text at position 2, found 'x'", Fails("2x").Message);
    }

    [Fact]
    public void StrayClosingParenthesis() =>
        Assert.StartsWith("expected an operator or the end of the text at position 7, found ')'", Fails("exp(x))").Message);

    [Fact]
    public void UnknownCharacter()
    {
        Assert.StartsWith("expected an operator or the end of the text at position 3, found '%'", Fails("x % 2").Message);
        Assert.StartsWith("expected an expression at position 1, found '$'", Fails("$x").Message);
        Assert.StartsWith("expected an expression at position 1, found \"'\"", Fails("'x'").Message);
    }

    [Fact]
    public void DoubledOperator()
    {
        Assert.StartsWith("expected an expression at position 5, found '*'", Fails("x * * 2").Message);
        Assert.StartsWith("expected an expression at position 6, found '*'", Fails("x ** ** 2").Message);
        Assert.StartsWith("expected an expression at position 5, found '+'", Fails("x + + 2").Message);
    }

    [Fact]
    public void EmptyArgument()
    {
        Assert.StartsWith("expected an expression at position 7, found ')'", Fails("exp(x,)").Message);
        Assert.StartsWith("expected ')' or an expression at position 5, found ','", Fails("max(,x)").Message);
    }

    [Fact]
    public void UnfinishedCall() =>
        Assert.StartsWith("expected ')' or an expression at position 5, found the end of the text", Fails("exp(").Message);

    [Fact]
    public void UnknownVariableIsNamedWithTheKnownOnes()
    {
        var e = Fails("exp(z)");
        Assert.Equal("unknown variable 'z' at position 5; known: x, y:\n  exp(z)\n      ^", e.Message);
    }

    [Fact]
    public void UnknownVariableWhenNoneWereGiven()
    {
        var e = Assert.Throws<ParseException>(() => T.Parse("x + 1"));
        Assert.StartsWith("unknown variable 'x' at position 1; known: none (no named variables were given)", e.Message);
    }

    [Fact]
    public void FunctionNameUsedAsAVariable()
    {
        var e = Fails("exp + x");
        Assert.StartsWith("unknown variable 'exp' at position 1; known: x, y ('exp' is a function: call it as exp(...))", e.Message);
    }

    [Fact]
    public void AmbiguousNameIsAnErrorNamingIt()
    {
        var a = T.Matrix("w");
        var b = T.Matrix("w");
        var e = Assert.Throws<ParseException>(() => T.Parse("x + w", x, a, b));
        Assert.StartsWith("the name 'w' is ambiguous at position 5: 2 of the given variables are called 'w'; give them distinct names", e.Message);
        // Unused duplicates are no error.
        Assert.Same(x + 1, T.Parse("x + 1", x, a, b));
    }

    [Fact]
    public void UnknownFunctionIsNamedWithTheKnownOnes()
    {
        var e = Fails("foo(x)");
        Assert.StartsWith("unknown function 'foo' at position 1; known: abs, add, and, arange, argmax, argmin, ", e.Message);
        Assert.Contains(", zeros_like:\n  foo(x)\n  ^", e.Message);
    }

    [Fact]
    public void UnknownFunctionCloseToAKnownOneGetsASuggestion()
    {
        Assert.StartsWith("unknown function 'expp' at position 1; did you mean 'exp'? known: abs, ", Fails("expp(x)").Message);
        Assert.StartsWith("unknown function 'Exp' at position 1; did you mean 'exp'? known: ", Fails("Exp(x)").Message);
        Assert.StartsWith("unknown function 'softmx' at position 3; did you mean 'softmax'? known: ", Fails("1+softmx(x)").Message);
    }

    [Fact]
    public void CallingAVariable() =>
        Assert.StartsWith("'x' is a variable, not a function at position 1; known functions: abs, ", Fails("x(1)").Message);

    [Fact]
    public void TooManyArgumentsPointsAtTheFirstExtraOne()
    {
        var e = Fails("exp(x, y)");
        Assert.Equal("exp takes 1 argument but got 2 at position 8; call it as exp(x):\n  exp(x, y)\n         ^", e.Message);
        Assert.StartsWith("sum takes 1 to 3 arguments but got 4 at position 17; call it as sum(x, axis?, keepdims?)", Fails("sum(x, 0, true, 1)").Message);
        Assert.StartsWith("clip takes 3 arguments but got 5 at position 15; call it as clip(x, lo, hi)", Fails("clip(x, 0, 1, 2, 3)").Message);
    }

    [Fact]
    public void TooFewArgumentsPointsAtTheClosingParenthesis()
    {
        Assert.StartsWith("pow takes 2 arguments but got 1 at position 6; call it as pow(x, y)", Fails("pow(x)").Message);
        Assert.StartsWith("sum takes 1 to 3 arguments but got 0 at position 5", Fails("sum()").Message);
        Assert.StartsWith("take takes at least 2 arguments but got 1 at position 7; call it as take(x, index...)", Fails("take(x)").Message);
    }

    [Fact]
    public void AxisMustBeAnIntegerLiteral()
    {
        var e = Fails("sum(x, y)");
        Assert.Equal("sum: the axis must be an integer literal at position 8, such as 0 or -1, not 'y':\n  sum(x, y)\n         ^", e.Message);
        Assert.StartsWith("softmax: the axis must be an integer literal at position 12, such as 0 or -1, not '1.5'", Fails("softmax(x, 1.5)").Message);
        Assert.StartsWith("sum: the axis must be an integer literal at position 8, such as 0 or -1, not '1 + 1'", Fails("sum(x, 1 + 1)").Message);
        Assert.StartsWith("transpose: the axis must be an integer literal at position 17", Fails("transpose(x, 0, x)").Message);
    }

    [Fact]
    public void AKeywordArgumentIsNamedAsSuch()
    {
        // Python's sum(x, axis=1) was "expected ',' or ')', found '='".
        var e = Fails("sum(x, axis=1)");
        Assert.Equal(8, e.Position);
        Assert.StartsWith("keyword arguments are not supported at position 8: write the value of 'axis' alone", e.Message);
        Assert.EndsWith("\n  sum(x, axis=1)\n         ^", e.Message);
        Assert.Equal(9, Fails("softmax(x=x)").Position);
        Assert.Equal(13, Fails("sum(x, [y], keepdims = true)").Position);
        // A comparison is an argument like any other.
        Assert.Same(T.Switch(T.Eq(y, y), y, y), T.Parse("switch(y == y, y, y)", x, y));
    }

    [Fact]
    public void NegativeAxisLiteralIsAccepted() => Assert.Same(T.Sum(x, -1), T.Parse("sum(x, -1)", x));

    [Fact]
    public void KeepDimsMustBeAFlag() =>
        Assert.StartsWith("sum: keepdims must be true or false at position 11 (or 1 or 0), not '2'", Fails("sum(x, 1, 2)").Message);

    [Fact]
    public void DTypeMustBeADTypeName() =>
        Assert.StartsWith("cast: the dtype must be a dtype name at position 9 (bool, int32, int64, float32, float64), not 'float16'", Fails("cast(x, float16)").Message);

    [Fact]
    public void ConcatenateNeedsAList() =>
        Assert.StartsWith("concatenate: the tensors must be given as a list in brackets at position 13, as in concatenate([a, b], 0)", Fails("concatenate(x, 0)").Message);

    [Fact]
    public void AListAnywhereElseIsAnError()
    {
        Assert.StartsWith("a list in brackets at position 5 may only stand as the first argument of concatenate or stack", Fails("exp([x])").Message);
        Assert.StartsWith("expected an expression at position 1, found '['", Fails("[x, y]").Message);
        Assert.StartsWith("expected ',' or ']' at position 15, found the end of the text", Fails("concatenate([x").Message);
    }

    [Fact]
    public void IndexMustBeAnIntegerLiteral()
    {
        Assert.StartsWith("an index must be an integer literal at position 3, such as 0 or -1, not 'y'", Fails("x[y]").Message);
        Assert.StartsWith("a slice bound must be an integer literal at position 5, such as 0 or -1, not '1.5'", Fails("x[1:1.5]").Message);
    }

    [Fact]
    public void IndexSyntaxErrors()
    {
        Assert.StartsWith("expected an index or ':' at position 3, found ']'", Fails("x[]").Message);
        Assert.StartsWith("expected ',' or ']' at position 4, found the end of the text", Fails("x[0").Message);
        Assert.StartsWith("slices with a step (x[a:b:c]) are not supported at position 6", Fails("x[0:2:1]").Message);
    }

    [Fact]
    public void ComparisonsDoNotChain() =>
        Assert.Equal(
            "comparisons do not chain at position 7: add parentheses, as in (a < b) == c, or write and(a < b, b < c):\n  x < y < 2\n        ^",
            Fails("x < y < 2").Message);

    [Fact]
    public void SingleEqualsIsNotAnOperator() =>
        Assert.StartsWith("expected an operator or the end of the text at position 3, found '='", Fails("x = y").Message);

    [Fact]
    public void IntegerTooLarge()
    {
        Assert.StartsWith("the integer 99999999999999999999 does not fit in 64 bits at position 5; write it with a decimal point", Fails("x + 99999999999999999999").Message);
        Assert.Same(x + 1e20, T.Parse("x + 1e20", x));
    }

    [Fact]
    public void GraphBuildingErrorsAreWrappedWithTheirPlace()
    {
        var e = Fails("1 + sum(x, 5)");
        Assert.StartsWith("Sum: axis 5 is out of range for 'x' float32(?, ?) of rank 2, in 'sum(x, 5)' at position 5:", e.Message);
        Assert.IsAssignableFrom<ArgumentException>(e.InnerException);
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    [Fact]
    public void BroadcastingMismatchNamesTheOperatorsText()
    {
        var a = T.Tensor("a", DType.Float32, 2, 3);
        var b = T.Tensor("b", DType.Float32, 4);
        var e = Assert.Throws<ParseException>(() => T.Parse("exp(a) + b * 2", a, b));
        Assert.Equal(1, e.Position);
        Assert.Contains("cannot broadcast", e.Message);
        Assert.Contains("in 'exp(a) + b * 2' at position 1", e.Message);
    }

    [Fact]
    public void MultilineTextGivesLineAndColumn()
    {
        var e = Fails("exp(\n  x +\n)");
        Assert.Equal(12, e.Position);
        Assert.Equal(3, e.Line);
        Assert.Equal(1, e.Column);
        Assert.Equal("expected an expression at position 12 (line 3, column 1), found ')':\n  )\n  ^", e.Message);
    }

    [Fact]
    public void CaretStaysUnderTheSpotWithTabs()
    {
        var e = Fails("x +\t\t)");
        Assert.Equal("expected an expression at position 6, found ')':\n  x +\t\t)\n     \t\t^", e.Message);
    }

    [Fact]
    public void ErrorAtTheStartOfALaterLine()
    {
        var e = Fails("x +\ny\nz");
        Assert.Equal(7, e.Position);
        Assert.Equal((3, 1), (e.Line, e.Column));
        Assert.EndsWith(":\n  z\n  ^", e.Message);
    }

    [Fact]
    public void ALongLineIsShownAroundThePositionOnly()
    {
        // The whole line used to be quoted: a 200,000-character text gave a 200,000-character message.
        var text = string.Join(" + ", Enumerable.Repeat("x", 20000)) + " + ) + " + string.Join(" + ", Enumerable.Repeat("y", 20000));
        var e = Fails(text);
        Assert.Equal(text.IndexOf(')') + 1, e.Position);
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
        var lines = e.Message.Split('\n');
        Assert.StartsWith("  ...", lines[1]);
        Assert.EndsWith("...", lines[1]);
        Assert.Equal(')', lines[1][lines[2].IndexOf('^')]);
        // Text nested 100,000 deep with one ')' missing: the message is short too.
        Assert.True(Assert.Throws<ParseException>(() => T.Parse(new string('(', 100000) + "x" + new string(')', 99999), x)).Message.Length < 400);
    }

    [Fact]
    public void ALongNameOrNumberIsShortenedWhereItIsNamed()
    {
        var e = Fails("x " + new string('z', 5000));
        Assert.Contains("found 'zzzzzzzzzz", e.Message);
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
    }

    [Fact]
    public void ACharacterOutsideTheBasicPlaneIsNamedWhole()
    {
        // "found '\ud83d'" named half of the emoji, text that no UTF-8 output can hold.
        var e = Fails("x \U0001F600 1");
        Assert.Contains("found '\U0001F600'", e.Message);
        var lone = Fails("x + \ud800");
        Assert.Contains("found the character U+D800", lone.Message);
        Assert.DoesNotContain('\ud800', lone.Message);
        Assert.Contains("found the character U+202E", Fails("x \u202E y").Message);
        Assert.DoesNotContain('\u202E', Fails("x \u202E y").Message);
    }

    [Fact]
    public void TheCaretCountsASurrogatePairAsOneCharacter()
    {
        var e = Fails("exp(\U0001D465) )");
        // Seven characters stand before the ')': e, x, p, (, the one letter, ), a space.
        Assert.EndsWith(":\n  exp(\U0001D465) )\n  " + new string(' ', 7) + "^", e.Message);
    }

    [Fact]
    public void ANameMayHoldLettersOutsideTheBasicPlane()
    {
        // U+1D465 (mathematical italic x) is a letter, written as a surrogate pair.
        var v = T.Matrix("\U0001D465");
        var w = T.Matrix("w\U0001D465_2");
        Assert.Same(T.Exp(v) + w, T.Parse("exp(\U0001D465) + w\U0001D465_2", v, w));
    }
}
