using Symbolic.Rewrite.Engine;
using Symbolic.Tests.Backend;
using Symbolic.Tests.Fuzz;

namespace Symbolic.Tests.Graphs;

/// <summary>Graphs wide rather than deep (long sums, a node read thousands of times) and large random graphs.</summary>
public class WideGraphTests
{
    private static readonly NDArray XValue = NDArray.From(new[] { 0.25, -1.5, 0.75 }, 3);

    private static Dictionary<Variable, NDArray> Given(Variable x) => new(ReferenceEqualityComparer.Instance) { [x] = XValue };

    [Fact]
    public void ASumOf5000TermsIsRewrittenAndDifferentiated()
    {
        var x = T.Vector("x", DType.Float64);
        Variable sum = T.Exp(x * 0.0001);
        for (int i = 1; i < 5000; i++) sum = sum + T.Exp(x * (0.0001 * (i + 1)));
        var cost = T.Sum(sum);
        var g = T.Grad(cost, x);
        var (optimized, trace) = Rulebook.Engine.Run([sum, g]);
        Assert.Empty(trace.Notes);
        var values = Interpreter.Evaluate([sum, g, .. optimized], Given(x));
        BackendHarness.AssertClose(values[0], values[2], 1e-9);
        BackendHarness.AssertClose(values[1], values[3], 1e-9);
        // d/dx of the sum of exp(c_i x) is the sum of c_i exp(c_i x).
        var xs = XValue.ToArray<double>();
        var expected = xs.Select(v => Enumerable.Range(1, 5000).Sum(i => 0.0001 * i * Math.Exp(0.0001 * i * v))).ToArray();
        BackendHarness.AssertClose(NDArray.From(expected, 3), values[1], 1e-9);
    }

    [Fact]
    public void ANodeWith5000ConsumersIsDifferentiatedAndCompiled()
    {
        const int consumers = 5000;
        var x = T.Vector("x", DType.Float64);
        var h = T.Tanh(x);
        Variable total = h * 1.5;
        for (int i = 1; i < consumers; i++) total = total + T.Sqr(h - i * 0.001);
        var g = T.Grad(T.Sum(total), x);
        var order = GraphWalk.TopologicalOrder([total]);
        Assert.Equal(consumers, order.Count(n => n.Inputs.Contains(h)));
        var values = Interpreter.Evaluate([total, g], Given(x));
        var xs = XValue.ToArray<double>();
        var expected = xs.Select(v =>
        {
            double t = Math.Tanh(v);
            return (1.5 + Enumerable.Range(1, consumers - 1).Sum(i => 2 * (t - i * 0.001))) * (1 - t * t);
        }).ToArray();
        BackendHarness.AssertClose(NDArray.From(expected, 3), values[1], 1e-9);
        var (optimized, trace) = Rulebook.Engine.Run([total, g]);
        Assert.Empty(trace.Notes);
        var after = Interpreter.Evaluate(optimized, Given(x));
        BackendHarness.AssertClose(values[0], after[0], 1e-9);
        BackendHarness.AssertClose(values[1], after[1], 1e-9);
        Assert.Contains("tanh", Graph.DebugPrint(optimized));
        Assert.Contains("tanh", Graph.ToDot(optimized));
    }

    [Fact]
    public void LargeRandomGraphsKeepTheirValuesAndEachPhaseEndsAtItsFixpoint()
    {
        var batch = FuzzBatch.Build(4242, DType.Float64, count: 1500, maxDepth: 6);
        int nodes = GraphWalk.TopologicalOrder(batch.Outputs).Count;
        Assert.True(nodes >= 10_000, $"{nodes} nodes");
        var given = batch.Pool.Given();
        var (optimized, _) = Rulebook.Engine.Run(batch.Outputs);
        var before = Interpreter.Evaluate(batch.Outputs, given);
        var after = Interpreter.Evaluate(optimized, given);
        for (int i = 0; i < before.Length; i++) BackendHarness.AssertClose(before[i], after[i], 1e-9, batch.Describe(i));
        // One pass reaches the fixpoint: rewriting a phase's result again with the same phase fires nothing.
        foreach (var phase in Rulebook.Engine.Phases)
        {
            var engine = new RewriteEngine([phase]);
            var (once, first) = engine.Run(batch.Outputs);
            var (_, second) = engine.Run(once);
            if (first.Notes.Count == 0)
                Assert.True(second.Steps.Count == 0, $"phase {phase.Name}: {second}");
        }
    }
}
