using Symbolic.Parsing;

namespace Symbolic.Tests.Graphs;

/// <summary>
/// The text builder turns syntax trees of any depth into graphs without recursion: trees 100,000
/// deep (made directly, without the parser) build the
/// very nodes T builds, and an error at the bottom of one is reported as at any depth.
/// </summary>
public class TextDepthTests
{
    private const int Depth = 100_000;

    private static Variable BuildTree(Syntax tree, string text, params Variable[] vars) =>
        new ExpressionBuilder(text, vars).Build(tree);

    [Fact]
    public void ATreeOfCallsAndNegations100000DeepBuildsTheGraphTBuilds()
    {
        var x = T.Vector("x");
        Syntax tree = new NameSyntax("x", 0, 1);
        Variable expected = x;
        for (int i = 0; i < Depth; i++)
        {
            tree = i % 2 == 0 ? new CallSyntax("exp", [tree], 0, 1) : new NegateSyntax(tree, 0, 1);
            expected = i % 2 == 0 ? T.Exp(expected) : -expected;
        }
        Assert.Same(expected, BuildTree(tree, "x", x));
    }

    [Fact]
    public void ABinaryTreeNested100000DeepOnItsRightBuildsTheGraphTBuilds()
    {
        // x - (x * (x - (x * ...))): nested on the right, where no left-chain loop helps.
        var x = T.Vector("x");
        Syntax tree = new NumberSyntax(2, true, 0, 1);
        Variable expected = 2;
        for (int i = 0; i < Depth; i++)
        {
            var op = i % 2 == 0 ? "*" : "-";
            tree = new BinarySyntax(op, new NameSyntax("x", 0, 1), tree, 0);
            expected = op == "*" ? x * expected : x - expected;
        }
        Assert.Same(expected, BuildTree(tree, "x", x));
    }

    [Fact]
    public void AnErrorAtTheBottomOfA100000DeepTreeIsReportedWhereItIs()
    {
        var x = T.Vector("x");
        const string text = "x + y";
        Syntax tree = new NameSyntax("y", 4, 5);
        for (int i = 0; i < Depth; i++) tree = i % 2 == 0 ? new CallSyntax("tanh", [tree], 0, 5) : new BinarySyntax("+", new NameSyntax("x", 0, 1), tree, 2);
        var e = Assert.Throws<ParseException>(() => BuildTree(tree, text, x));
        Assert.StartsWith("unknown variable 'y' at position 5", e.Message);
    }

    [Fact]
    public void ASumOf100000TermsParses()
    {
        var x = T.Vector("x");
        var text = string.Join(" + ", Enumerable.Range(0, Depth).Select(i => i % 2 == 0 ? "x" : "tanh(x)"));
        Variable expected = x;
        for (int i = 1; i < Depth; i++) expected = expected + (i % 2 == 0 ? x : T.Tanh(x));
        Assert.Same(expected, T.Parse(text, x));
    }

    [Fact]
    public void CallsNested100000DeepParse()
    {
        // Once refused as nested too deeply; the reader keeps its own stack now.
        var x = T.Vector("x");
        Variable expected = x;
        for (int i = 0; i < Depth; i++) expected = T.Exp(expected);
        Assert.Same(expected, T.Parse(string.Concat(Enumerable.Repeat("exp(", Depth)) + "x" + new string(')', Depth), x));
    }

    [Fact]
    public void ACallReadingAnArgumentAsALiteralIsNotFailedByIt()
    {
        // float64 is no variable: built alone it fails, but cast reads it as a dtype name.
        var x = T.Vector("x");
        Assert.Same(T.Cast(T.Exp(x), DType.Float64), T.Parse("cast(exp(x), float64)", x));
        Assert.Same(T.Sum(x, 0), T.Parse("sum(x, 0)", x));
        Assert.Same(T.Concatenate([x, T.Exp(x)], 0), T.Parse("concatenate([x, exp(x)], 0)", x));
        var e = Assert.Throws<ParseException>(() => T.Parse("nosuch(y)", x));
        Assert.Contains("unknown function 'nosuch'", e.Message); // the call is checked before its arguments, as before
    }
}
