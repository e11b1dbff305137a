using Symbolic.Rewrite.Engine;
using Symbolic.Tests.Fuzz;

namespace Symbolic.Tests.Graphs;

/// <summary>
/// <see cref="RewriteTrace.Explain"/> walks each node of the trace a bounded number of times: it
/// chooses the same steps as the definition (walk back from the last step; keep a step whose result
/// is in the graph explained so far, or contains a node a kept step rewrote), and stays fast on
/// traces of tens of thousands of firings.
/// </summary>
public class TraceExplainTests
{
    /// <summary>The definition, as first written: quadratic, since it walks a whole graph per step.</summary>
    private static List<RewriteStep> Reference(RewriteTrace trace, Variable v)
    {
        var final = new HashSet<Variable>(GraphWalk.Variables([v]), ReferenceEqualityComparer.Instance);
        var rewrittenLater = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var chosen = new List<RewriteStep>();
        for (int i = trace.Steps.Count - 1; i >= 0; i--)
        {
            var s = trace.Steps[i];
            if (!final.Contains(s.After) && !GraphWalk.Variables([s.After]).Any(rewrittenLater.Contains)) continue;
            chosen.Add(s);
            rewrittenLater.Add(s.Before);
            final.UnionWith(GraphWalk.Variables([s.Before]));
        }
        chosen.Reverse();
        return chosen;
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void ExplainChoosesTheStepsTheDefinitionChooses(int seed)
    {
        var batch = FuzzBatch.Build(seed, DType.Float32, count: 60, maxDepth: 5);
        var (optimized, trace) = Rulebook.Engine.Run(batch.Outputs);
        Assert.NotEmpty(trace.Steps);
        int nonEmpty = 0;
        foreach (var v in optimized.Concat(batch.Outputs))
        {
            var expected = Reference(trace, v);
            var got = trace.Explain(v).ToList();
            Assert.Equal(expected.Count, got.Count);
            for (int i = 0; i < got.Count; i++) Assert.Same(expected[i], got[i]);
            if (got.Count > 0) nonEmpty++;
        }
        Assert.True(nonEmpty > 0, "no output had a step to explain");
    }

    [Fact]
    public void ExplainKnowsStepsRewrittenFurtherInside()
    {
        // log(1 - sigmoid(x)): the first step's result is rewritten again inside the second's.
        var x = T.Vector("x");
        var (outs, trace) = Rulebook.Engine.Run([T.Log(1 - T.Sigmoid(x)), T.Exp(T.Vector("y") * 1)]);
        Assert.Equal(["one-minus-sigmoid", "log-sigmoid", "neg-neg"], trace.Explain(outs[0]).Select(s => s.Rule));
        Assert.Equal(["mul-by-one"], trace.Explain(outs[1]).Select(s => s.Rule));
        Assert.Equal(Reference(trace, outs[1]), trace.Explain(outs[1]));
        Assert.Empty(trace.Explain(T.Vector("z")));
    }

    [Fact]
    public void ExplainingATraceOf40000FiringsOverA20000LinkChainNeedsNoWalkPerStep()
    {
        // Two firings a link (mul-by-one, add-zero). The definition walks the graph under each step's
        // result: about 40,000 walks of up to 60,000 nodes, minutes; one walk of the trace is enough.
        const int links = 20_000;
        var x = T.Vector("x");
        var y = Prefix(x, links);
        var (outs, trace) = Rulebook.Engine.Run([y]);
        Assert.Equal(2 * links, trace.Steps.Count);
        var explained = trace.Explain(outs[0]).ToList();
        Assert.Equal(trace.Steps, explained); // every firing made part of the result
        // A part of the chain: the steps the definition chooses (checked on a prefix small enough for it).
        var (shortOuts, shortTrace) = Rulebook.Engine.Run([Prefix(x, 300)]);
        var part = Prefix(x, 100);
        Assert.Equal(Reference(shortTrace, part), shortTrace.Explain(part));
        Assert.Equal(Reference(shortTrace, shortOuts[0]), shortTrace.Explain(shortOuts[0]));
        Assert.Equal(2 * links, trace.Counts().Values.Sum());
    }

    private static Variable Prefix(Variable x, int links)
    {
        Variable y = x;
        for (int i = 0; i < links; i++) y = T.Exp(y * 1 + 0);
        return y;
    }
}
