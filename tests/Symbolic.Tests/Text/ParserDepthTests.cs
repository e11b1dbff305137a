using Symbolic.Parsing;

namespace Symbolic.Tests.Text;

/// <summary>
/// Text of any depth is read without recursion: parentheses, minus signs, calls, powers and
/// right-nested operators 100,000 deep give the graph T gives (or, where the text is wrong at the
/// bottom, the error it gives at any depth), and the syntax tree of such text can be printed,
/// hashed and compared without a recursion either.
/// </summary>
public class ParserDepthTests
{
    private const int Depth = 100_000;

    private readonly Variable x = T.Vector("x");
    private readonly Variable y = T.Vector("y");

    private Variable P(string text) => T.Parse(text, x, y);

    private static string Nest(string open, string inner, char close = ')') =>
        string.Concat(Enumerable.Repeat(open, Depth)) + inner + new string(close, Depth);

    [Fact]
    public void ParenthesesNested100000DeepReadAsWhatTheyHold() =>
        Assert.Same(x + 1, P(Nest("(", "x + 1")));

    [Fact]
    public void MinusSigns100000DeepWithAndWithoutParentheses()
    {
        Variable expected = x;
        for (int i = 0; i < Depth; i++) expected = -expected;
        Assert.Same(expected, P(Nest("-(", "x")));
        Assert.Same(expected, P(new string('-', Depth) + "x"));
        Assert.Same(-expected, P(new string('-', Depth + 1) + " x"));
    }

    [Fact]
    public void MinusSignsBeforeANumberFoldIntoTheNumber()
    {
        // -(-(...2)): each minus folds into the number, as -2 does in C#; the span runs from the first minus to the digit.
        var tree = ExpressionParser.ParseTree(Nest("-(", "2"));
        var number = Assert.IsType<NumberSyntax>(tree);
        Assert.Equal(2, number.Value);
        Assert.True(number.IsInteger);
        Assert.Equal((0, 2 * Depth + 1), (number.Start, number.End));
        var odd = Assert.IsType<NumberSyntax>(ExpressionParser.ParseTree(new string('-', Depth + 1) + "2.5"));
        Assert.Equal(-2.5, odd.Value);
    }

    [Fact]
    public void CallsNested100000DeepWithSeveralArguments()
    {
        Variable expected = y;
        for (int i = 0; i < Depth; i++) expected = T.Maximum(x, expected);
        Assert.Same(expected, P(Nest("maximum(x, ", "y")));
    }

    [Fact]
    public void RightNestedOperators100000Deep()
    {
        // x - (x * (x - (x * ... 2))): each operator waits for its right operand on the reader's stack.
        Variable expected = 2;
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < Depth; i++) text.Append(i % 2 == 0 ? "x - (" : "x * (");
        text.Append('2').Append(')', Depth);
        for (int i = Depth - 1; i >= 0; i--) expected = i % 2 == 0 ? x - expected : x * expected;
        Assert.Same(expected, P(text.ToString()));
    }

    [Fact]
    public void APowerTower100000HighIsRightAssociative()
    {
        // x ** y ** x ** ... without parentheses: x ** (y ** (x ** ...)).
        var names = Enumerable.Range(0, Depth).Select(i => i % 2 == 0 ? "x" : "y").ToArray();
        Variable expected = names[^1] == "x" ? x : y;
        for (int i = Depth - 2; i >= 0; i--) expected = T.Pow(names[i] == "x" ? x : y, expected);
        Assert.Same(expected, P(string.Join(" ** ", names)));
    }

    [Fact]
    public void ALongChainMixingPrecedencesGroupsAsWritten()
    {
        // x + y * x - y / x + ...: left-associative at each level, * and / tighter than + and -.
        const int terms = 30_000;
        var text = new System.Text.StringBuilder("x");
        Variable expected = x;
        for (int i = 0; i < terms; i++)
        {
            text.Append(i % 2 == 0 ? " + y * x" : " - y / x");
            expected = i % 2 == 0 ? expected + y * x : expected - y / x;
        }
        Assert.Same(expected, P(text.ToString()));
    }

    [Fact]
    public void DeepIndexesAndListsRead()
    {
        var m = T.Matrix("m");
        Assert.Same(m[1, ..], T.Parse("m[" + Nest("(", "1") + ", :]", m));
        Variable inner = x;
        for (int i = 0; i < Depth; i++) inner = T.Exp(inner);
        Assert.Same(T.Concatenate([inner, y], 0), P("concatenate([" + Nest("exp(", "x") + ", y], 0)"));
    }

    [Fact]
    public void ErrorsAtTheBottomOf100000DeepTextAreReportedWhereTheyAre()
    {
        int bottom = Depth + 4; // where ')' stands after "(((...x + "
        var missing = Assert.Throws<ParseException>(() => P(Nest("(", "x + ")));
        Assert.StartsWith($"expected an expression at position {bottom + 1}, found ')'", missing.Message);
        Assert.True(missing.Message.Length < 400);

        var unknown = Assert.Throws<ParseException>(() => P(Nest("exp(", "z")));
        Assert.StartsWith($"unknown variable 'z' at position {4 * Depth + 1}", unknown.Message);

        var chained = Assert.Throws<ParseException>(() => P(Nest("(", "x < y < 2")));
        Assert.StartsWith($"comparisons do not chain at position {Depth + 7}", chained.Message);

        var unclosed = Assert.Throws<ParseException>(() => P(Nest("exp(", "x")[..^1]));
        Assert.StartsWith($"expected ',' or ')' at position {5 * Depth + 1}, found the end of the text", unclosed.Message);

        var keyword = Assert.Throws<ParseException>(() => P(Nest("sum(x, ", "axis=0")));
        Assert.StartsWith($"keyword arguments are not supported at position {7 * Depth + 1}", keyword.Message);
    }

    [Fact]
    public void ADeepSyntaxTreeIsPrintedHashedAndComparedWithoutRecursion()
    {
        // Syntax nodes were records, whose generated ToString, GetHashCode and Equals recurse into
        // their children: on a tree this deep each overflowed the stack.
        var text = Nest("-(", "x");
        var tree = ExpressionParser.ParseTree(text);
        var again = ExpressionParser.ParseTree(text);
        Assert.Equal("neg [0..200001)", tree.ToString());
        Assert.True(tree.Equals(tree));
        Assert.False(tree.Equals(again)); // nodes compare by identity
        Assert.Equal(tree.GetHashCode(), tree.GetHashCode());
        Assert.Equal(string.Concat(Enumerable.Repeat("(neg ", Depth)) + "(name x" + new string(')', Depth + 1), Syntax.Dump(tree, spans: false));
        Assert.Equal(Syntax.Dump(tree), Syntax.Dump(again));
    }
}
