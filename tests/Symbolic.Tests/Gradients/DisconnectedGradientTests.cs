namespace Symbolic.Tests.Gradients;

/// <summary>
/// T.Grad of a cost that does not depend on a wrt raises, naming it, unless zeros are asked for; Jacobians and
/// Hessians of linear and constant functions are zeros where they should be. Also NumPy's dot of a 0-d operand.
/// </summary>
public class DisconnectedGradientTests
{
    [Fact]
    public void AWrtTheCostDoesNotDependOnRaisesNamingIt()
    {
        var x = T.Vector("x");
        var unused = T.Matrix("unused_weights");
        var cost = T.Sum(T.Exp(x));
        var e = Assert.Throws<ArgumentException>(() => T.Grad(cost, unused));
        Assert.Contains("'unused_weights'", e.Message);
        Assert.Contains("does not depend on", e.Message);
        Assert.Contains("DisconnectedInputs.Zero", e.Message);
        Assert.Equal("wrt", e.ParamName);
        var many = Assert.Throws<ArgumentException>(() => T.Grad(cost, x, unused));
        Assert.Contains("'unused_weights'", many.Message);
        Assert.Contains("wrt 1", many.Message);
        Assert.Throws<ArgumentException>(() => T.Grad(cost, [x, unused], DisconnectedInputs.Raise));
    }

    [Fact]
    public void ZeroGivesZerosOfTheShapeForTheDisconnectedOnly()
    {
        var x = T.Vector("x");
        var w = T.Matrix("w");
        var cost = T.Sum(x * x);
        var g = T.Grad(cost, [x, w], DisconnectedInputs.Zero);
        var outs = Function.Compile([x, w], g).Invoke(NDArray.From(new float[] { 1, 2 }, 2), NDArray.From(new float[6], 2, 3));
        Assert.Equal(new float[] { 2, 4 }, outs[0].ToArray<float>());
        Assert.Equal(new[] { 2, 3 }, outs[1].Shape);
        Assert.Equal(new float[6], outs[1].ToArray<float>());
    }

    [Fact]
    public void ADependenceThroughAnOpWithoutGradientIsNotDisconnected()
    {
        // x reaches the cost only through a comparison: connected, with a zero gradient (as Theano's grad gives).
        var x = T.Vector("x");
        var cost = T.Sum(T.Cast(T.Gt(x, 0), DType.Float32));
        var g = T.Grad(cost, x);
        Assert.Equal(new float[2], Function.Compile([x], [g]).Invoke(NDArray.From(new float[] { 1, -1 }, 2))[0].ToArray<float>());
    }

    [Fact]
    public void JacobianAndHessianOfLinearAndConstantFunctionsAreZerosWhereTheyShouldBe()
    {
        var x = T.Vector("x", DType.Float64);
        var a = T.Constant(NDArray.From(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        var linear = T.Dot(a, x);
        var f = Function.Compile([x], [T.Jacobian(linear, x), T.Hessian(T.Sum(linear), x), T.Jacobian(T.Sum(a), x)]);
        var outs = f.Invoke(NDArray.From(new double[] { 1, 1, 1 }, 3));
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, outs[0].ToArray<double>());
        Assert.Equal(new[] { 3, 3 }, outs[1].Shape);
        Assert.Equal(new double[9], outs[1].ToArray<double>());
        Assert.Equal(new double[3], outs[2].ToArray<double>());
    }

    [Fact]
    public void DotOfAZeroDimensionalOperandMultiplies()
    {
        var s = T.Scalar("s");
        var v = T.Vector("v");
        var m = T.Matrix("m");
        var f = Function.Compile([s, v, m], [T.Dot(s, v), T.Dot(m, s), T.Dot(s, s), T.Grad(T.Sum(T.Dot(s, m)), s)]);
        var outs = f.Invoke(NDArray.Scalar(3, DType.Float32), NDArray.From(new float[] { 1, 2 }, 2), NDArray.From(new float[] { 1, 2, 3, 4 }, 2, 2));
        Assert.Equal(new float[] { 3, 6 }, outs[0].ToArray<float>());
        Assert.Equal(new[] { 2, 2 }, outs[1].Shape);
        Assert.Equal(new float[] { 3, 6, 9, 12 }, outs[1].ToArray<float>());
        Assert.Equal(9f, outs[2].Item<float>());
        Assert.Equal(10f, outs[3].Item<float>());
    }
}
