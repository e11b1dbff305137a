using System.Runtime.CompilerServices;

namespace Symbolic.Tests.Graphs;

/// <summary>
/// The hash-consing table: equal nodes are one node, from any thread, and the table holds no graph
/// alive (not even the inputs it was keyed by), so it stays proportional to the live graph.
/// </summary>
public class NodeTableTests
{
    [Fact]
    public void EqualNodesAreOneNode()
    {
        var x = T.Vector("x");
        var y = T.Vector("y");
        Assert.Same(T.Tanh(x) * 0.5 + y, T.Tanh(x) * 0.5 + y);
        Assert.NotSame(T.Tanh(x) * 0.5 + y, T.Tanh(y) * 0.5 + x);
        Assert.NotSame(x + y, y + x); // inputs in order
        Assert.NotSame(T.Sum(x, 0), T.Max(x, 0)); // same input, another op
    }

    [Fact]
    public void ALongChainBuiltTwiceIsTheSameNodes()
    {
        var x = T.Vector("x");
        Variable a = x, b = x;
        for (int i = 0; i < 50_000; i++) a = T.Tanh(a) * 0.5 + x;
        for (int i = 0; i < 50_000; i++) b = T.Tanh(b) * 0.5 + x;
        Assert.Same(a, b);
    }

    [Fact]
    public void ThreadsBuildingTheSameGraphGetTheSameNodes()
    {
        var x = T.Vector("x");
        var tops = new Variable[4];
        Parallel.For(0, tops.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            Variable y = x;
            for (int i = 0; i < 20_000; i++) y = T.Exp(y) * (i % 7) + x;
            tops[t] = y;
        });
        Assert.All(tops, t => Assert.Same(tops[0], t));
    }

    [Fact]
    public void AGraphNobodyHoldsIsCollectedWholeTableAndAll()
    {
        var (bottom, top) = BuildAndDrop(10_000);
        for (int i = 0; i < 3 && (bottom.IsAlive || top.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        // A table whose keys held their inputs kept every link but the last alive until swept.
        Assert.False(top.IsAlive, "the chain's last node is still alive");
        Assert.False(bottom.IsAlive, "the chain's first node is still alive: something holds the chain");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Bottom, WeakReference Top) BuildAndDrop(int links)
    {
        var x = T.Vector("x");
        var first = T.Tanh(x);
        Variable y = first * 0.5 + x;
        for (int i = 1; i < links; i++) y = T.Tanh(y) * 0.5 + x;
        return (new WeakReference(first.Owner), new WeakReference(y.Owner));
    }
}
