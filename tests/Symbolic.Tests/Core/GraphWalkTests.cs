namespace Symbolic.Tests.Core;

public class GraphWalkTests
{
    [Fact]
    public void ReplaceRebuildsOnlyWhatReadsTheReplacedVariable()
    {
        var x = T.Vector("x");
        var y = T.Vector("y");
        var z = T.Vector("z");
        var untouched = T.Exp(y);
        var f = T.Log(x) + untouched;
        var rebuilt = GraphWalk.Replace([f, untouched], new Dictionary<Variable, Variable> { [x] = z });
        Assert.Same(T.Log(z) + untouched, rebuilt[0]);   // hash-consing: the rebuilt graph is the graph built on z
        Assert.Same(untouched, rebuilt[1]);
        Assert.False(GraphWalk.DependsOn(rebuilt[0], x));
    }

    [Fact]
    public void ReplaceOfAComputedVariableCutsTheGraphThere()
    {
        var x = T.Vector("x");
        var h = T.Exp(x);
        var cut = T.Vector("h");
        var rebuilt = GraphWalk.Replace([T.Sum(h * 2)], new Dictionary<Variable, Variable> { [h] = cut })[0];
        Assert.Same(T.Sum(cut * 2), rebuilt);
        Assert.Equal([cut], GraphWalk.FreeInputs([rebuilt]));
    }
}
