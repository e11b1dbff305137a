using Symbolic.Rewrite.Engine;
using Symbolic.Print;
using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Graphs;

/// <summary>
/// Graphs far deeper than any call stack: chains of <c>y = tanh(y) * 0.5 + x</c> built, rewritten,
/// differentiated, printed, interpreted and compiled. Nothing over the graph may recurse, so these
/// finish (or raise) and never take the process down.
/// </summary>
public class DeepGraphTests
{
    private static Variable Chain(Variable x, int links)
    {
        Variable y = x;
        for (int i = 0; i < links; i++) y = T.Tanh(y) * 0.5 + x;
        return y;
    }

    private static Dictionary<Variable, NDArray> Given(Variable x, NDArray value) =>
        new(ReferenceEqualityComparer.Instance) { [x] = value };

    private static readonly NDArray XValue = NDArray.From(new[] { 0.25f, -1.5f, 3f }, 3);

    /// <summary>
    /// Compiled at 20,000 links (60,000 nodes, about 160,000 in the gradient): the links share a
    /// handful of kernels, so the program stays small; the deeper chain below goes through every
    /// other stage.
    /// </summary>
    [Fact]
    public void AChainCompilesAndRunsAsTheInterpreterSays()
    {
        var x = T.Vector("x");
        var y = Chain(x, 20_000);
        var g = T.Grad(T.Sum(y), x);
        var f = Function.Compile([x], [y, g]);
        var got = f.Invoke(XValue);
        var expected = Interpreter.Evaluate([y, g], Given(x, XValue));
        BackendHarness.AssertClose(expected[0], got[0], 1e-4);
        BackendHarness.AssertClose(expected[1], got[1], 1e-4);
        // The chain contracts to the fixed point of y = tanh(y) / 2 + x; its gradient is a geometric sum.
        Assert.All(got[1].ToArray<float>(), v => Assert.InRange(v, 1f, 2f));
        Assert.True(f.Kernels.Count < 20, $"{f.Kernels.Count} kernels");
    }

    [Fact]
    public void AChainOf100000LinksIsBuiltRewrittenDifferentiatedPrintedAndInterpreted()
    {
        const int links = 100_000;
        var x = T.Vector("x");
        var y = Chain(x, links);
        Assert.Equal(3 * links, GraphWalk.TopologicalOrder([y]).Count);

        var (optimized, trace) = Rulebook.Engine.Run([y]);
        Assert.Same(y, optimized[0]); // nothing to rewrite in tanh(y) * 0.5 + x
        Assert.Empty(trace.Notes);

        var g = T.Grad(T.Sum(y), x);
        var (optimizedGrad, gradTrace) = Rulebook.Engine.Run([y, g], new RewriteOptions { RecordTrace = false });
        Assert.Empty(gradTrace.Notes);
        Assert.Empty(gradTrace.Steps);

        var values = Interpreter.Evaluate([y, g, .. optimizedGrad], Given(x, XValue));
        BackendHarness.AssertClose(values[0], values[2], 1e-6);
        BackendHarness.AssertClose(values[1], values[3], 1e-4);

        var text = Graph.DebugPrint(y);
        int lines = text.Count(c => c == '\n');
        Assert.InRange(lines, 4 * links, 6 * links); // every node once, x again by its id: linear in the chain
        Assert.True(text.Length < 200 * lines, "debugprint's indentation is capped, so the text grows with the chain, not its square");
        var dot = Graph.ToDot(g);
        Assert.StartsWith("digraph symbolic {", dot);
        Assert.EndsWith("}\n", dot);
    }

    [Fact]
    public void DebugPrintOfADeepChainContinuesBelowTheCappedDepth()
    {
        var x = T.Vector("x");
        Variable y = x;
        for (int i = 0; i < 3 * DebugPrinter.MaxDepth; i++) y = T.Exp(y);
        var lines = Graph.DebugPrint(y).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3 * DebugPrinter.MaxDepth + 1 + 2, lines.Length); // every node once, and two continuation headers
        Assert.EndsWith("...", lines[DebugPrinter.MaxDepth]);
        Assert.Matches(@"^exp \[id [A-Z]+\] \(continued\)$", lines[DebugPrinter.MaxDepth + 1]);
        Assert.All(lines, l => Assert.True(l.Length < 2 * DebugPrinter.MaxDepth + 40, l));
        Assert.EndsWith("x [id " + lines[^1].Split("[id ")[1], lines[^1]);
        // A shallow graph prints as before: no continuation.
        Assert.DoesNotContain("continued", Graph.DebugPrint(T.Exp(T.Exp(x))));
    }

    [Fact]
    public void RewritingALongChainIsNotCutShortByTheFiringBudget()
    {
        // Two firings a link (mul-by-one, add-zero): 120,000 in one phase, more than a fixed budget of 100,000 allowed.
        const int links = 60_000;
        var x = T.Vector("x");
        Variable y = x;
        for (int i = 0; i < links; i++) y = T.Exp(y * 1 + 0);
        var (outs, trace) = Rulebook.Engine.Run([y], new RewriteOptions { RecordTrace = false });
        Variable expected = x;
        for (int i = 0; i < links; i++) expected = T.Exp(expected);
        Assert.Same(expected, outs[0]);
        Assert.Empty(trace.Notes);
        Assert.Equal(2 * links, trace.Fired);
    }

    /// <summary>One link of a chain, whose rewriting in the chain takes eight firings, six of them in canonicalize.</summary>
    private static Variable RewrittenLink(Variable y, Variable x) => T.Log(1 + T.Exp(-(-(y * 1)) / 1 + 0)) + x * -1;

    [Theory]
    [InlineData(10)]
    [InlineData(20_000)]
    public void EveryLinkOfALongChainIsRewrittenAsALinkOfAShortOneIs(int links)
    {
        // The form one link takes, rewritten with its input a leaf: softplus(y) - x. A chain of any length must
        // come out as that form applied link after link: no pass limit, budget or work list may leave a part of
        // a large graph as written (20,000 links fire 120,000 times in canonicalize, past the least budget).
        var x = T.Vector("x");
        var y0 = T.Vector("y");
        var form = Rulebook.Engine.Run([RewrittenLink(y0, x)]).Outputs[0];
        Assert.Equal("sub(softplus(y), x)", ExpressionText.Of(form));
        Variable chain = x, expected = x;
        for (int i = 0; i < links; i++)
        {
            chain = RewrittenLink(chain, x);
            expected = GraphWalk.Replace([form], new Dictionary<Variable, Variable> { [y0] = expected })[0];
        }
        var (outs, trace) = Rulebook.Engine.Run([chain], new RewriteOptions { RecordTrace = false });
        Assert.Same(expected, outs[0]);
        Assert.Empty(trace.Notes);
        Assert.Equal(8 * links, trace.Fired);
    }

    [Fact]
    public void TheTraceCanBeSwitchedOffWithoutChangingTheResult()
    {
        var x = T.Vector("x");
        var e = T.Log(1 + T.Exp(x * 1)) + T.Log(T.Exp(x) / (1 + T.Exp(x)));
        var on = Function.Compile([x], [e]);
        var off = Function.Compile([x], [e], options: new CompileOptions { RecordTrace = false });
        Assert.NotEmpty(on.RewriteTrace.Steps);
        Assert.Empty(off.RewriteTrace.Steps);
        Assert.Equal(on.RewriteTrace.Steps.Count, off.RewriteTrace.Fired);
        Assert.Equal(on.DebugPrint(), off.DebugPrint());
        Assert.Equal(on.Source, off.Source);
    }
}
