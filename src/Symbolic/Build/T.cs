using Symbolic.Ops;
using Symbolic.Rewrite.Differentiate;
using M = Symbolic.TensorMath;

namespace Symbolic;

/// <summary>
/// The graph-building vocabulary, as Theano's <c>theano.tensor</c>: symbolic variables, constants,
/// shared variables, elementwise math, reductions, linear algebra, shape and indexing functions,
/// neural-network helpers and gradients. Every function that takes tensors also takes numbers.
/// </summary>
public static class T
{
    /// <summary>The default float type of new variables and of bare float numbers: Float32 unless changed.</summary>
    public static DType FloatX
    {
        get => FloatXSetting.Value;
        set => FloatXSetting.Value = value;
    }

    // ---- variables ---------------------------------------------------------------------------

    public static Variable Scalar(string? name = null, DType? dtype = null) => Tensor(name, 0, dtype);
    public static Variable Vector(string? name = null, DType? dtype = null) => Tensor(name, 1, dtype);
    public static Variable Matrix(string? name = null, DType? dtype = null) => Tensor(name, 2, dtype);
    public static Variable Tensor3(string? name = null, DType? dtype = null) => Tensor(name, 3, dtype);
    public static Variable Tensor4(string? name = null, DType? dtype = null) => Tensor(name, 4, dtype);

    /// <summary>A matrix of one row (its first dimension broadcasts).</summary>
    public static Variable Row(string? name = null, DType? dtype = null) => Tensor(name, dtype ?? FloatX, 1, null);

    /// <summary>A matrix of one column (its second dimension broadcasts).</summary>
    public static Variable Col(string? name = null, DType? dtype = null) => Tensor(name, dtype ?? FloatX, null, 1);

    public static Variable Tensor(string? name, int ndim, DType? dtype = null)
    {
        if (ndim < 0) throw new ArgumentException($"A tensor cannot have rank {ndim}.", nameof(ndim));
        return Variable.Input(TensorType.Of(dtype ?? FloatX, ndim), name);
    }

    /// <summary>A tensor with a static shape: a size per dimension, or null where it is known only at run time. Size 1 broadcasts.</summary>
    public static Variable Tensor(string? name, DType dtype, params int?[] shape) => Variable.Input(new TensorType(dtype, shape), name);

    /// <summary>A constant. Without a dtype it acts as a bare number: it takes the dtype of the tensors it meets.</summary>
    public static Variable Constant(double value, DType? dtype = null) =>
        dtype is { } d ? Symbolic.Constant.Scalar(value, d) : (Variable)value;

    public static Variable Constant(NDArray value) => Symbolic.Constant.Create(value);

    public static SharedVariable Shared(NDArray value, string? name = null) => SharedVariable.Create(value, name);

    // ---- elementwise -------------------------------------------------------------------------

    public static Variable Add(Variable a, Variable b) => M.Add(a, b);
    public static Variable Sub(Variable a, Variable b) => M.Sub(a, b);
    public static Variable Mul(Variable a, Variable b) => M.Mul(a, b);
    public static Variable Div(Variable a, Variable b) => M.Div(a, b);
    public static Variable Neg(Variable x) => M.Neg(x);
    public static Variable Exp(Variable x) => M.Exp(x);
    public static Variable Log(Variable x) => M.Log(x);
    public static Variable Log1p(Variable x) => M.Log1p(x);
    public static Variable Expm1(Variable x) => M.Expm1(x);
    public static Variable Sqrt(Variable x) => M.Sqrt(x);
    public static Variable Sqr(Variable x) => M.Sqr(x);
    public static Variable Abs(Variable x) => M.Abs(x);
    public static Variable Sign(Variable x) => M.Sign(x);
    public static Variable Tanh(Variable x) => M.Tanh(x);
    public static Variable Sigmoid(Variable x) => M.Sigmoid(x);
    public static Variable Softplus(Variable x) => M.Softplus(x);
    public static Variable Relu(Variable x) => M.Relu(x);

    /// <summary>log(1 - exp(x)), accurate for every x &lt;= 0 (NaN above 0, -inf at 0).</summary>
    public static Variable Log1mexp(Variable x) => M.Log1mexp(x);

    /// <summary>The error function, 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt.</summary>
    public static Variable Erf(Variable x) => M.Erf(x);

    /// <summary>The complementary error function, 1 - erf(x), accurate where erf(x) is near 1.</summary>
    public static Variable Erfc(Variable x) => M.Erfc(x);

    /// <summary>The scaled complementary error function exp(x^2) * erfc(x), finite where erfc underflows.</summary>
    public static Variable Erfcx(Variable x) => M.Erfcx(x);
    public static Variable Sin(Variable x) => M.Sin(x);
    public static Variable Cos(Variable x) => M.Cos(x);
    public static Variable Floor(Variable x) => M.Floor(x);
    public static Variable Ceil(Variable x) => M.Ceil(x);
    public static Variable Pow(Variable x, Variable y) => M.Pow(x, y);
    public static Variable Maximum(Variable a, Variable b) => M.Maximum(a, b);
    public static Variable Minimum(Variable a, Variable b) => M.Minimum(a, b);
    public static Variable Clip(Variable x, Variable lo, Variable hi) => M.Clip(x, lo, hi);
    public static Variable Eq(Variable a, Variable b) => M.Eq(a, b);
    public static Variable Neq(Variable a, Variable b) => M.Neq(a, b);
    public static Variable Lt(Variable a, Variable b) => M.Lt(a, b);
    public static Variable Le(Variable a, Variable b) => M.Le(a, b);
    public static Variable Gt(Variable a, Variable b) => M.Gt(a, b);
    public static Variable Ge(Variable a, Variable b) => M.Ge(a, b);
    public static Variable And(Variable a, Variable b) => M.And(a, b);
    public static Variable Or(Variable a, Variable b) => M.Or(a, b);
    public static Variable Not(Variable x) => M.Not(x);
    public static Variable Switch(Variable cond, Variable a, Variable b) => M.Switch(cond, a, b);
    public static Variable Cast(Variable x, DType dtype) => M.Cast(x, dtype);
    public static Variable ZerosLike(Variable x) => M.ZerosLike(x);
    public static Variable OnesLike(Variable x) => M.OnesLike(x);

    /// <summary>The identity, through which no gradient flows.</summary>
    public static Variable StopGradient(Variable x) => M.StopGradient(x);

    // ---- reductions: over all axes, one axis, or several; negative axes count from the end ----

    public static Variable Sum(Variable x) => M.Sum(x);
    public static Variable Sum(Variable x, int axis, bool keepDims = false) => M.Sum(x, [axis], keepDims);
    public static Variable Sum(Variable x, int[] axes, bool keepDims = false) => M.Sum(x, axes, keepDims);
    public static Variable Mean(Variable x) => M.Mean(x);
    public static Variable Mean(Variable x, int axis, bool keepDims = false) => M.Mean(x, [axis], keepDims);
    public static Variable Mean(Variable x, int[] axes, bool keepDims = false) => M.Mean(x, axes, keepDims);
    public static Variable Max(Variable x) => M.Max(x);
    public static Variable Max(Variable x, int axis, bool keepDims = false) => M.Max(x, [axis], keepDims);
    public static Variable Max(Variable x, int[] axes, bool keepDims = false) => M.Max(x, axes, keepDims);
    public static Variable Min(Variable x) => M.Min(x);
    public static Variable Min(Variable x, int axis, bool keepDims = false) => M.Min(x, [axis], keepDims);
    public static Variable Min(Variable x, int[] axes, bool keepDims = false) => M.Min(x, axes, keepDims);
    public static Variable Prod(Variable x) => M.Prod(x);
    public static Variable Prod(Variable x, int axis, bool keepDims = false) => M.Prod(x, [axis], keepDims);
    public static Variable Prod(Variable x, int[] axes, bool keepDims = false) => M.Prod(x, axes, keepDims);
    public static Variable Argmax(Variable x) => M.Argmax(x);
    public static Variable Argmax(Variable x, int axis, bool keepDims = false) => M.Argmax(x, [axis], keepDims);
    public static Variable Argmax(Variable x, int[] axes, bool keepDims = false) => M.Argmax(x, axes, keepDims);
    public static Variable Argmin(Variable x) => M.Argmin(x);
    public static Variable Argmin(Variable x, int axis, bool keepDims = false) => M.Argmin(x, [axis], keepDims);
    public static Variable Argmin(Variable x, int[] axes, bool keepDims = false) => M.Argmin(x, axes, keepDims);

    // ---- linear algebra, shape, indexing -------------------------------------------------------

    /// <summary>NumPy <c>dot</c> for ranks 1 and 2; batched like <c>matmul</c> for higher ranks.</summary>
    public static Variable Dot(Variable a, Variable b) => M.Dot(a, b);

    /// <summary>Permutes the axes; with no permutation, reverses them.</summary>
    public static Variable Transpose(Variable x, params int[] perm) => M.Transpose(x, perm);

    /// <summary>Theano's dimshuffle: input axes by number, 'x' for a new broadcastable axis.</summary>
    public static Variable DimShuffle(Variable x, params object[] pattern) => M.DimShuffle(x, pattern);

    /// <summary>Reshapes to the given sizes, one of which may be -1.</summary>
    public static Variable Reshape(Variable x, params int[] shape) => M.Reshape(x, shape);

    /// <summary>Reshapes to sizes given symbolically (int scalars, such as <c>x.ShapeOf(0)</c>).</summary>
    public static Variable Reshape(Variable x, Variable[] shape) => M.ReshapeTo(x, shape);

    public static Variable Flatten(Variable x, int ndim = 1) => M.Flatten(x, ndim);
    public static Variable Concatenate(Variable[] xs, int axis = 0) => M.Concatenate(xs, axis);
    public static Variable Stack(Variable[] xs, int axis = 0) => M.Stack(xs, axis);

    /// <summary>The int64 vector 0 .. n-1.</summary>
    public static Variable Arange(Variable n) => M.Arange(n);
    public static Variable Arange(int n) => M.Arange(Symbolic.Constant.Scalar(n, DType.Int64));

    /// <summary>The size of one dimension, as an int64 scalar.</summary>
    public static Variable Shape(Variable x, int axis) => M.ShapeOf(x, axis);

    /// <summary>Integer-array indexing: <c>Take(probs, T.Arange(n), y)</c> picks <c>probs[k, y[k]]</c> for each k.</summary>
    public static Variable Take(Variable x, params Variable[] indices) => M.Take(x, indices);

    // ---- neural networks ------------------------------------------------------------------------

    public static Variable Softmax(Variable x, int axis = -1) => M.Softmax(x, axis);
    public static Variable LogSoftmax(Variable x, int axis = -1) => M.LogSoftmax(x, axis);
    public static Variable CategoricalCrossentropy(Variable probs, Variable targets) => M.CategoricalCrossentropy(probs, targets);
    public static Variable BinaryCrossentropy(Variable p, Variable t) => M.BinaryCrossentropy(p, t);
    public static Variable MeanSquaredError(Variable prediction, Variable target) => M.MeanSquaredError(prediction, target);

    // ---- text ---------------------------------------------------------------------------------

    /// <summary>
    /// Builds the graph that <paramref name="text"/> names, such as <c>log(1 + exp(x))</c>, binding
    /// names to <paramref name="variables"/> by their <see cref="Variable.Name"/>. Raises
    /// <see cref="ParseException"/>, with the position, where the text names no graph.
    /// </summary>
    public static Variable Parse(string text, params Variable[] variables) => Symbolic.Parsing.ExpressionParser.Parse(text, variables);

    // ---- gradients ----------------------------------------------------------------------------

    /// <summary>
    /// The gradient of a scalar cost with respect to each of <paramref name="wrt"/>, by reverse-mode differentiation.
    /// A <c>wrt</c> the cost does not depend on raises an <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static Variable[] Grad(Variable cost, params Variable[] wrt) => Gradient.Grad(cost, wrt);

    public static Variable Grad(Variable cost, Variable wrt) => Gradient.Grad(cost, [wrt])[0];

    /// <summary>
    /// As <see cref="Grad(Variable, Variable[])"/>, choosing what a <c>wrt</c> the cost does not depend on gets:
    /// an <see cref="ArgumentException"/> naming it (<see cref="DisconnectedInputs.Raise"/>, the default) or zeros.
    /// </summary>
    public static Variable[] Grad(Variable cost, Variable[] wrt, DisconnectedInputs disconnected) => Gradient.Grad(cost, wrt, disconnected);

    /// <summary>The derivatives of every element of <paramref name="y"/> with respect to <paramref name="x"/>, shape (size of y, *shape of x).</summary>
    public static Variable Jacobian(Variable y, Variable x) => Rewrite.Differentiate.Jacobian.Of(y, x);

    /// <summary>The second derivatives of a scalar cost with respect to <paramref name="x"/>, shape (size of x, *shape of x).</summary>
    public static Variable Hessian(Variable cost, Variable x) => Rewrite.Differentiate.Jacobian.Hessian(cost, x);
}
