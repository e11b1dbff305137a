using Symbolic.Rewrite.Engine;
using Symbolic.Tests.Infrastructure;

namespace Symbolic.Tests.Rewrite;

/// <summary>
/// For every rule, the graph as built, the graph the compiler makes of it and the trace of firings,
/// stored under snapshots/rewrite/. A change in any rule's effect shows up as a readable diff.
/// </summary>
public class OptimizedGraphSnapshotTests
{
    internal static string Describe(Variable[] built, RewriteOptions? options = null)
    {
        var (outs, trace) = Rulebook.Engine.Run(built, options);
        return $"== built ==\n{Graph.DebugPrint(built)}== optimized ==\n{Graph.DebugPrint(outs)}== trace ==\n{trace}";
    }

    [Theory]
    [MemberData(nameof(RuleSoundnessTests.RuleNames), MemberType = typeof(RuleSoundnessTests))]
    public void RuleSnapshot(string rule) => Snapshot.Match($"rewrite/{rule}", Describe([RuleSoundnessTests.Instances[rule]()], RuleSoundnessTests.OptionsFor(rule)));

    [Fact]
    public void SeedNetworkTrainingGraph()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2)), y));
        Snapshot.Match("rewrite/graph-seed-network", Describe([loss, .. T.Grad(loss, w1, w2)]));
    }

    [Fact]
    public void LogisticRegressionWithSigmoidCrossEntropy()
    {
        var x = T.Matrix("x");
        var t = T.Vector("t");
        var w = T.Vector("w");
        var p = T.Sigmoid(T.Dot(x, w));
        var loss = T.Mean(T.BinaryCrossentropy(p, t));
        Snapshot.Match("rewrite/graph-logistic-regression", Describe([loss, T.Grad(loss, w)]));
    }

    [Fact]
    public void ConstantsFoldAndChainsMerge()
    {
        var x = T.Tensor3("x");
        var c = T.Constant(NDArray.From(new float[] { 1, 2, 3 }, 3));
        Snapshot.Match("rewrite/graph-folding-and-chains", Describe([T.Sum(T.Sum(T.Transpose(T.Transpose(x, 1, 0, 2), 1, 0, 2) * (c * 2 + 1), 0), 1), T.Reshape(x, [T.Shape(x, 0), T.Shape(x, 1), T.Shape(x, 2)])]));
    }

    [Fact]
    public void LogSoftmaxThroughAViewCodeRule()
    {
        // The one stabilization written as code (it follows any chain of views), snapshotted like the text rules.
        var x = T.Matrix("a");
        var (_, trace) = Rulebook.Engine.Run([T.Log(T.Softmax(x)[1])]);
        Assert.Contains(trace.Steps, s => s.Rule == "log-softmax-view");
        Snapshot.Match("rewrite/log-softmax-view", Describe([T.Log(T.Softmax(x)[1])]));
    }
}
