using System.Text.RegularExpressions;
using Symbolic.Print;
using Symbolic.Tests.Infrastructure;

namespace Symbolic.Tests.Text;

public partial class DotPrinterTests
{
    [Fact]
    public void SmallGraphPrintsExactly()
    {
        var x = T.Matrix("x");
        var e = T.Exp(x);
        var dot = Graph.ToDot(e + e * 2);
        Assert.Equal(
            "digraph symbolic {\n" +
            "  node [fontname=\"Helvetica\", fontsize=11];\n" +
            "  edge [fontname=\"Helvetica\", fontsize=9];\n" +
            "  n0 [label=\"x\\nfloat32 (?, ?)\", shape=box];\n" +
            "  n1 [label=\"exp\\nfloat32 (?, ?)\", shape=ellipse];\n" +
            "  n0 -> n1;\n" +
            "  n2 [label=\"2\\nfloat32 ()\", shape=box, style=dashed];\n" +
            "  n3 [label=\"mul\\nfloat32 (?, ?)\", shape=ellipse];\n" +
            "  n1 -> n3 [label=\"0\"];\n" +
            "  n2 -> n3 [label=\"1\"];\n" +
            "  n4 [label=\"add\\nfloat32 (?, ?)\", shape=ellipse, peripheries=2];\n" +
            "  n1 -> n4 [label=\"0\"];\n" +
            "  n3 -> n4 [label=\"1\"];\n" +
            "}\n",
            dot);
    }

    [Fact]
    public void GraphToDotIsTheDotPrinter()
    {
        var x = T.Vector("x");
        var f = T.Sigmoid(x) * x;
        Assert.Equal(DotPrinter.Print([f]), Graph.ToDot(f));
    }

    [Fact]
    public void OutputIsDeterministicAcrossBuilds()
    {
        static string Build()
        {
            var x = T.Matrix("x");
            var w = T.Matrix("w");
            var y = T.Vector("y", DType.Int64);
            var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(x, w)), y));
            return Graph.ToDot([loss, .. T.Grad(loss, [w])]);
        }
        var first = Build();
        Assert.Equal(first, Build());
        Assert.Equal(first, Build());
    }

    [Fact]
    public void NodeIdsComeFromPositionsInOrder()
    {
        var x = T.Matrix("x");
        var dot = Graph.ToDot(T.Tanh(T.Exp(x)));
        var ids = NodeLine().Matches(dot).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["n0", "n1", "n2"], ids);
    }

    [Fact]
    public void AnInputUsedTwiceGetsTwoNumberedEdges()
    {
        var x = T.Matrix("x");
        var dot = Graph.ToDot(x * x);
        Assert.Contains("  n0 -> n1 [label=\"0\"];\n  n0 -> n1 [label=\"1\"];\n", dot);
    }

    [Fact]
    public void EveryOutputGetsADoubleBorder()
    {
        var x = T.Matrix("x");
        var a = T.Exp(x);
        var b = T.Log(a);
        var dot = Graph.ToDot(a, b);
        Assert.Equal(2, Regex.Count(dot, "peripheries=2"));
        Assert.Contains("n1 [label=\"exp\\nfloat32 (?, ?)\", shape=ellipse, peripheries=2]", dot);
    }

    [Fact]
    public void SharedVariablesAndConstantsAreStyled()
    {
        var w = T.Shared(NDArray.From(new float[] { 1, 2, 3 }, 3), "W");
        var dot = Graph.ToDot(w * 0.5);
        Assert.Contains("n0 [label=\"W (shared)\\nfloat32 (?,)\", shape=box, style=filled, fillcolor=\"#e8f0ff\"];", dot);
        Assert.Contains("[label=\"0.5\\nfloat32 ()\", shape=box, style=dashed];", dot);
    }

    [Fact]
    public void InputNamesThatAreNotIdentifiersAreQuoted()
    {
        var x = T.Matrix("my input");
        var dot = Graph.ToDot(T.Exp(x));
        Assert.Contains("n0 [label=\"'my input'\\nfloat32 (?, ?)\", shape=box];", dot);
    }

    [Theory]
    [InlineData("x\"; File.Delete(\"a\"); //")]
    [InlineData("line1\nline2")]
    [InlineData("back\\slash\\\"")]
    [InlineData("tab\tand\rreturn and bell\u0007")]
    [InlineData("\"")]
    [InlineData("\\")]
    [InlineData("}; digraph evil {")]
    [InlineData("lone \ud800 surrogate")]
    [InlineData("")]
    public void WeirdNamesCannotBreakTheSyntax(string name)
    {
        var x = T.Matrix(name);
        var s = T.Shared(NDArray.From(new float[] { 1 }, 1), name);
        var dot = Graph.ToDot(T.Exp(x) + s);
        AssertWellFormed(dot);
        Assert.DoesNotContain('\r', dot);
        Assert.DoesNotContain('\u0007', dot);
        Assert.DoesNotContain('\ud800', dot);
    }

    [Fact]
    public void QuotesAndNewlinesAreEscapedAsDotExpects()
    {
        var x = T.Matrix("a\"b\nc");
        var dot = Graph.ToDot(T.Exp(x));
        // The name is shown quoted as debugprint shows it ('a"b\nc'), then escaped for DOT.
        Assert.Contains("n0 [label=\"'a\\\"b\\\\nc'\\nfloat32 (?, ?)\", shape=box];", dot);
    }

    [Fact]
    public void EscapeHandlesEachSpecialCharacter()
    {
        Assert.Equal("plain", DotPrinter.Escape("plain"));
        Assert.Equal("\\\"", DotPrinter.Escape("\""));
        Assert.Equal("\\\\", DotPrinter.Escape("\\"));
        Assert.Equal("a\\\\nb", DotPrinter.Escape("a\nb"));
        Assert.Equal("\\\\u0007", DotPrinter.Escape("\u0007"));
        Assert.Equal("θ \U0001F600", DotPrinter.Escape("θ \U0001F600"));
    }

    [Fact]
    public void NullOutputsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => DotPrinter.Print(null!));
        Assert.Throws<ArgumentNullException>(() => DotPrinter.Print([null!]));
    }

    [Fact]
    public void SeedNetworkSnapshot()
    {
        var (loss, grads) = SnapshotGraphs.SeedNetwork();
        Snapshot.Match("dot/seed-network-loss-and-gradients", Graph.ToDot([loss, .. grads]));
    }

    /// <summary>
    /// Checks the DOT text statement by statement: the header and footer, then node and edge
    /// statements whose quoted strings close on the line they open (no raw line break, no
    /// unescaped quote), with only known attributes outside the strings.
    /// </summary>
    internal static void AssertWellFormed(string dot)
    {
        var lines = dot.Split('\n');
        Assert.Equal("digraph symbolic {", lines[0]);
        Assert.Equal("}", lines[^2]);
        Assert.Equal("", lines[^1]);
        foreach (var line in lines[1..^2])
        {
            var outside = new System.Text.StringBuilder();
            bool inString = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (inString)
                {
                    if (c == '\\') { i++; Assert.True(i < line.Length, $"Dangling backslash in: {line}"); }
                    else if (c == '"') { inString = false; outside.Append("S"); }
                    continue;
                }
                if (c == '"') inString = true;
                else outside.Append(c);
            }
            Assert.False(inString, $"Unterminated string in: {line}");
            Assert.Matches(Statement(), outside.ToString());
        }
    }

    [GeneratedRegex(@"^  (n\d+) \[label=", RegexOptions.Multiline)]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"^  (node \[fontname=S, fontsize=11\]|edge \[fontname=S, fontsize=9\]|n\d+ \[label=S, shape=(box|ellipse)(, style=dashed|, style=filled, fillcolor=S)?(, peripheries=2)?\]|n\d+ -> n\d+( \[label=S\])?);$")]
    private static partial Regex Statement();
}
