using Symbolic.Ops;

namespace Symbolic.Tests.Graphs;

/// <summary>
/// The walks of Symbolic.Core that DeepGraphTests does not take a 100,000-link chain through:
/// substitution, dependency and free-input queries, hash-consing a chain built again, the shape
/// pass, and a map whose body is such a chain (its fingerprint, its shape and its evaluation).
/// Each must finish without a recursion as deep as the chain.
/// </summary>
public class DeepCoreWalkTests
{
    private const int Links = 100_000;

    private static Variable Chain(Variable start, Variable x, int links)
    {
        Variable y = start;
        for (int i = 0; i < links; i++) y = T.Tanh(y) * 0.5 + x;
        return y;
    }

    private static readonly NDArray XValue = NDArray.From(new[] { 0.25f, -1.5f, 3f }, 3);

    [Fact]
    public void ADeepChainIsSubstitutedQueriedAndHashConsed()
    {
        var x = T.Vector("x");
        var z = T.Vector("z");
        var y = Chain(x, x, Links);

        Assert.Same(y, Chain(x, x, Links)); // built again: the very nodes, link by link
        Assert.Same(Chain(z, z, Links), GraphWalk.Replace([y], new Dictionary<Variable, Variable> { [x] = z })[0]);
        Assert.True(GraphWalk.DependsOn(y, x));
        Assert.False(GraphWalk.DependsOn(y, z));
        Assert.Equal([x], GraphWalk.FreeInputs([y]));
        Assert.Equal(3 * Links + 2, GraphWalk.Variables([y]).Count); // three nodes a link, x and the constant 0.5
        Assert.Equal("add(...)", y.ToString());
        Assert.StartsWith("add(mul(...), x)", y.Owner!.ToString());
    }

    [Fact]
    public void TheShapePassWalksADeepChain()
    {
        var x = T.Matrix("x");
        var y = Chain(x, x, Links);
        var shapes = ShapeWalk.Shapes([y], new(ReferenceEqualityComparer.Instance) { [x] = [2, 5] }, new(ReferenceEqualityComparer.Instance));
        Assert.Equal([2, 5], shapes[y]);
        Assert.Equal(3 * Links + 2, shapes.Count);
    }

    [Fact]
    public void AMapWhoseBodyIsADeepChainIsBuiltShapedAndEvaluated()
    {
        var x = T.Vector("x");
        var i = T.Scalar("i", DType.Int64);
        var body = Chain(x * T.Cast(i, DType.Float32), x, Links);
        // Making the node fingerprints the body (its op's name, and so its equality, rest on it).
        var map = Map.Make(Constant.Scalar(1, DType.Int64), i, body);
        Assert.Equal([x], ((Map)map.Owner!.Op).Captured);

        var shapes = ShapeWalk.Shapes([map], new(ReferenceEqualityComparer.Instance) { [x] = [3] }, new(ReferenceEqualityComparer.Instance));
        Assert.Equal([1, 3], shapes[map]);

        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance) { [x] = XValue };
        var rows = Interpreter.Evaluate([map], given)[0];
        Assert.Equal([1, 3], rows.Shape);
        given[i] = NDArray.Scalar(0, DType.Int64);
        Assert.Equal(Interpreter.Evaluate([body], given)[0].ToArray<float>(), rows.ToArray<float>());
    }
}
