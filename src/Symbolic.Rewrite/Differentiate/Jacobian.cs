using Symbolic.Ops;

namespace Symbolic.Rewrite.Differentiate;

/// <summary>
/// Jacobians and Hessians, built as a <see cref="Map"/> over the elements of the expression: row
/// k is the gradient of element k, so sizes need not be known when the graph is built.
/// </summary>
public static class Jacobian
{
    /// <summary>
    /// The derivatives of every element of <paramref name="y"/> (flattened) with respect to
    /// <paramref name="x"/>: shape (size of y, *shape of x). For a scalar y, the gradient. Where y does not
    /// depend on x (a constant function, or the gradient of a linear one, as a Hessian takes), it is zeros.
    /// </summary>
    public static Variable Of(Variable y, Variable x)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(x);
        if (!y.DType.IsFloat())
            throw new ArgumentException($"Jacobian: {Op.Describe(y)} is not a float; its derivatives are undefined.", nameof(y));
        if (y.NDim == 0) return Gradient.Grad(y, [x], DisconnectedInputs.Zero)[0];
        var flat = y.NDim == 1 ? y : TensorMath.Flatten(y);
        var index = Variable.Input(TensorType.Scalar(DType.Int64), "i");
        var row = Gradient.Grad(TensorMath.Take(flat, index), [x], DisconnectedInputs.Zero)[0];
        var count = flat.Type.Shape[0] is { } n ? Constant.Scalar(n, DType.Int64) : flat.ShapeOf(0);
        return Map.Make(count, index, row);
    }

    /// <summary>The matrix of second derivatives of a scalar cost: the jacobian of its gradient.</summary>
    public static Variable Hessian(Variable cost, Variable x)
    {
        var g = Gradient.Grad(cost, [x], DisconnectedInputs.Zero)[0];
        return Of(g, x);
    }
}
