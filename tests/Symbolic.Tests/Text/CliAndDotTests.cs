using Symbolic.Cli;

namespace Symbolic.Tests.Text;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void GraphPrintsTheBuiltGraph()
    {
        var (code, output, _) = Run("graph", "exp(x) * 2", "--vars", "x:matrix");
        Assert.Equal(0, code);
        Assert.StartsWith("mul [id A] <float32 (?, ?)>", output);
    }

    [Fact]
    public void OptimizeShowsTheRewrites()
    {
        var (code, output, _) = Run("optimize", "log(1 + exp(x))", "--vars", "x:vector:float64");
        Assert.Equal(0, code);
        Assert.Contains("softplus [id A] <float64 (?,)>", output);
        Assert.Contains("softplus-from-log1p-exp", output);
    }

    [Fact]
    public void SourceShowsTheGeneratedProgram()
    {
        var (code, output, _) = Run("source", "tanh(x)", "--vars", "x:matrix");
        Assert.Equal(0, code);
        Assert.Contains("MathF.Tanh", output);
    }

    [Fact]
    public void DotPrintsGraphviz()
    {
        var (code, output, _) = Run("dot", "x + 1", "--vars", "x:scalar");
        Assert.Equal(0, code);
        Assert.StartsWith("digraph symbolic {", output);
    }

    [Theory]
    [InlineData(new[] { "frob", "x" }, "Unknown command 'frob'")]
    [InlineData(new[] { "graph" }, "needs an expression")]
    [InlineData(new[] { "graph", "x", "--vars", "x:cube" }, "Unknown kind 'cube'")]
    [InlineData(new[] { "graph", "x", "--vars", "x:matrix:float16" }, "Unknown dtype 'float16'")]
    [InlineData(new[] { "graph", "x + z", "--vars", "x:matrix" }, "Unknown variable 'z'")]
    [InlineData(new[] { "graph", "x", "--bogus" }, "Expected --vars")]
    public void ErrorsGoToStandardErrorWithExitCode2(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void HelpPrintsUsage()
    {
        Assert.Equal(0, Run("--help").Code);
        Assert.Contains("usage: symbolic", Run("--help").Out);
        Assert.Equal(1, Run().Code);
    }
}

public class DotTests
{
    [Fact]
    public void NodesAndEdgesAreDeterministicAndNamesEscaped()
    {
        var x = T.Vector("say \"hi\"\nnow");
        var text = Graph.ToDot(T.Exp(x) + x);
        Assert.Contains("\\\"hi\\\"", text);
        Assert.All(text.TrimEnd('\n').Split('\n'), line => Assert.Matches(@"^(digraph symbolic \{|  rankdir=BT;|  n\d+ .*;|\})$", line));
        Assert.Contains("n0 -> n1 [label=\"0\"];", text);
        Assert.Equal(text, Graph.ToDot(T.Exp(x) + x));
    }
}
