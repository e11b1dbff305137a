using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// The graph-building functions behind <c>T</c> and the operators of <see cref="Variable"/>. Each
/// checks its operands where the graph is built and raises <see cref="ArgumentException"/> naming
/// them when they cannot fit.
/// </summary>
public static class TensorMath
{
    // ---- elementwise -------------------------------------------------------------------------

    /// <summary>Applies a scalar op elementwise, giving bare numbers (weak constants) the dtype of the tensors they meet.</summary>
    public static Variable Elem(ScalarOp op, params Variable[] inputs)
    {
        if (inputs.Length != op.Arity) throw new ArgumentException($"{op.Name} takes {op.Arity} operands, got {inputs.Length}.");
        // Plain loops, not LINQ: this runs for every elementwise node a program builds.
        bool select = op.Typing == ScalarTyping.Select;
        DType? target = null;
        bool anyWeak = false;
        for (int i = 0; i < inputs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], nameof(inputs));
            if (inputs[i] is Constant { IsWeak: true }) { anyWeak = true; continue; }
            if (select && i == 0) continue;
            target = target is { } t ? DTypes.Upcast(t, inputs[i].DType) : inputs[i].DType;
        }
        if (anyWeak && target is { } to)
        {
            var typed = new Variable[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] is not Constant { IsWeak: true } w) { typed[i] = inputs[i]; continue; }
                var t = select && i == 0 ? DType.Bool
                    : w.DType.IsFloat() && !to.IsFloat() ? FloatXSetting.Value
                    : to == DType.Bool && w.ScalarValue is not (0 or 1) ? DType.Int64
                    : to;
                typed[i] = w.As(t);
            }
            inputs = typed;
        }
        return Apply.Make(new Elemwise(op), inputs);
    }

    public static Variable Add(Variable a, Variable b) => Elem(ScalarOps.Add, a, b);
    public static Variable Sub(Variable a, Variable b) => Elem(ScalarOps.Sub, a, b);
    public static Variable Mul(Variable a, Variable b) => Elem(ScalarOps.Mul, a, b);
    public static Variable Div(Variable a, Variable b) => Elem(ScalarOps.Div, a, b);
    public static Variable Pow(Variable a, Variable b) => Elem(ScalarOps.Pow, a, b);
    public static Variable Maximum(Variable a, Variable b) => Elem(ScalarOps.Maximum, a, b);
    public static Variable Minimum(Variable a, Variable b) => Elem(ScalarOps.Minimum, a, b);
    public static Variable Neg(Variable x) => Elem(ScalarOps.Neg, x);
    public static Variable Exp(Variable x) => Elem(ScalarOps.Exp, x);
    public static Variable Log(Variable x) => Elem(ScalarOps.Log, x);
    public static Variable Log1p(Variable x) => Elem(ScalarOps.Log1p, x);
    public static Variable Expm1(Variable x) => Elem(ScalarOps.Expm1, x);
    public static Variable Sqrt(Variable x) => Elem(ScalarOps.Sqrt, x);
    public static Variable Sqr(Variable x) => Elem(ScalarOps.Sqr, x);
    public static Variable Abs(Variable x) => Elem(ScalarOps.Abs, x);
    public static Variable Sign(Variable x) => Elem(ScalarOps.Sign, x);
    public static Variable Tanh(Variable x) => Elem(ScalarOps.Tanh, x);
    public static Variable Sigmoid(Variable x) => Elem(ScalarOps.Sigmoid, x);
    public static Variable Softplus(Variable x) => Elem(ScalarOps.Softplus, x);
    public static Variable Relu(Variable x) => Elem(ScalarOps.Relu, x);
    public static Variable Log1mexp(Variable x) => Elem(ScalarOps.Log1mexp, x);
    public static Variable Erf(Variable x) => Elem(ScalarOps.Erf, x);
    public static Variable Erfc(Variable x) => Elem(ScalarOps.Erfc, x);
    public static Variable Erfcx(Variable x) => Elem(ScalarOps.Erfcx, x);
    public static Variable Sin(Variable x) => Elem(ScalarOps.Sin, x);
    public static Variable Cos(Variable x) => Elem(ScalarOps.Cos, x);
    public static Variable Floor(Variable x) => Elem(ScalarOps.Floor, x);
    public static Variable Ceil(Variable x) => Elem(ScalarOps.Ceil, x);
    public static Variable Clip(Variable x, Variable lo, Variable hi) => Elem(ScalarOps.Clip, x, lo, hi);
    public static Variable Eq(Variable a, Variable b) => Elem(ScalarOps.Eq, a, b);
    public static Variable Neq(Variable a, Variable b) => Elem(ScalarOps.Neq, a, b);
    public static Variable Lt(Variable a, Variable b) => Elem(ScalarOps.Lt, a, b);
    public static Variable Le(Variable a, Variable b) => Elem(ScalarOps.Le, a, b);
    public static Variable Gt(Variable a, Variable b) => Elem(ScalarOps.Gt, a, b);
    public static Variable Ge(Variable a, Variable b) => Elem(ScalarOps.Ge, a, b);
    public static Variable And(Variable a, Variable b) => Elem(ScalarOps.And, a, b);
    public static Variable Or(Variable a, Variable b) => Elem(ScalarOps.Or, a, b);
    public static Variable Not(Variable x) => Elem(ScalarOps.Not, x);
    public static Variable Switch(Variable cond, Variable a, Variable b) => Elem(ScalarOps.Switch, cond, a, b);

    public static Variable Cast(Variable x, DType dtype) =>
        x.DType == dtype && x is not Constant { IsWeak: true } ? x : Elem(ScalarOps.Cast(dtype), x);

    /// <summary>The value of <paramref name="b"/> broadcast to the shape that <paramref name="a"/> and <paramref name="b"/> make together.</summary>
    public static Variable Second(Variable a, Variable b) => Elem(ScalarOps.Second, a, b);

    public static Variable ZerosLike(Variable x) => Second(x, Constant.Scalar(0, x.DType));

    public static Variable ZerosLike(Variable x, DType dtype) => Second(x, Constant.Scalar(0, dtype));

    public static Variable OnesLike(Variable x) => Second(x, Constant.Scalar(1, x.DType));

    public static Variable StopGradient(Variable x) => Apply.Make(Ops.StopGradient.Instance, x);

    // ---- reductions --------------------------------------------------------------------------

    public static Variable Reduce(ReduceKind kind, Variable x, int[]? axes, bool keepDims, bool emptyIsIdentity = false)
    {
        var norm = axes is null ? Enumerable.Range(0, x.NDim).ToArray() : NormalizeAxes(x, axes, kind.ToString());
        return Apply.Make(new Reduce(kind, norm, keepDims, emptyIsIdentity), x);
    }

    public static Variable Sum(Variable x) => Reduce(ReduceKind.Sum, x, null, false);
    public static Variable Sum(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Sum, x, axes, keepDims);
    public static Variable Mean(Variable x) => Reduce(ReduceKind.Mean, x, null, false);
    public static Variable Mean(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Mean, x, axes, keepDims);
    public static Variable Max(Variable x) => Reduce(ReduceKind.Max, x, null, false);
    public static Variable Max(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Max, x, axes, keepDims);
    public static Variable Min(Variable x) => Reduce(ReduceKind.Min, x, null, false);
    public static Variable Min(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Min, x, axes, keepDims);
    public static Variable Prod(Variable x) => Reduce(ReduceKind.Prod, x, null, false);
    public static Variable Prod(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Prod, x, axes, keepDims);
    public static Variable Argmax(Variable x) => Reduce(ReduceKind.Argmax, x, null, false);
    public static Variable Argmax(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Argmax, x, axes, keepDims);
    public static Variable Argmin(Variable x) => Reduce(ReduceKind.Argmin, x, null, false);
    public static Variable Argmin(Variable x, int[] axes, bool keepDims = false) => Reduce(ReduceKind.Argmin, x, axes, keepDims);

    /// <summary>Axes made non-negative, checked to exist and to be distinct, and sorted.</summary>
    public static int[] NormalizeAxes(Variable x, int[] axes, string what)
    {
        var r = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i] < 0 ? axes[i] + x.NDim : axes[i];
            if (a < 0 || a >= x.NDim)
                throw new ArgumentException($"{what}: axis {axes[i]} is out of range for {Op.Describe(x)} of rank {x.NDim}.", nameof(axes));
            r[i] = a;
        }
        if (r.Distinct().Count() != r.Length)
            throw new ArgumentException($"{what}: axes [{string.Join(", ", axes)}] of {Op.Describe(x)} repeat an axis.", nameof(axes));
        Array.Sort(r);
        return r;
    }

    /// <summary>An axis in [-ndim, ndim) made non-negative; anything outside raises, naming the axis as given.</summary>
    private static int NormalizeAxis(Variable x, int axis, string what, int ndim) =>
        axis >= -ndim && axis < ndim ? (axis < 0 ? axis + ndim : axis)
            : throw new ArgumentException($"{what}: axis {axis} is out of range for {Op.Describe(x)} (rank {x.NDim}).", nameof(axis));

    // ---- linear algebra and shape ------------------------------------------------------------

    /// <summary>NumPy's <c>dot</c>: a 0-d operand multiplies (broadcasting), ranks 1 and 2 as matrix products, higher ranks batched.</summary>
    public static Variable Dot(Variable a, Variable b)
    {
        if (a.NDim == 0 || b.NDim == 0) return Mul(a, b);
        if (a.NDim == 1 && b.NDim > 2) return DropAxis(Dot(DimShuffle(a, 'x', 0), b), b.NDim - 2);
        if (b.NDim == 1 && a.NDim > 2) return DropAxis(Dot(a, DimShuffle(b, 0, 'x')), a.NDim - 1);
        return Apply.Make(Ops.Dot.Instance, a, b);
    }

    private static Variable DropAxis(Variable x, int axis) =>
        DimShuffle(x, Enumerable.Range(0, x.NDim).Where(d => d != axis).Select(d => (object)d).ToArray());

    public static Variable Transpose(Variable x, params int[] perm)
    {
        if (perm.Length == 0) perm = Enumerable.Range(0, x.NDim).Reverse().ToArray();
        if (perm.Length != x.NDim || perm.Order().Select((p, i) => p != i).Any(bad => bad))
            throw new ArgumentException($"Transpose: [{string.Join(", ", perm)}] is not a permutation of the {x.NDim} axes of {Op.Describe(x)}.", nameof(perm));
        return DimShuffle(x, perm.Select(p => (object)p).ToArray());
    }

    /// <summary>Theano's dimshuffle: each entry an input axis (int) or 'x' for a new broadcastable axis; axes of static size 1 may be left out.</summary>
    public static Variable DimShuffle(Variable x, params object[] pattern)
    {
        var p = pattern.Select(e => e switch
        {
            int i => i,
            long l => (int)l,
            'x' or "x" => -1,
            _ => throw new ArgumentException($"DimShuffle: pattern entry '{e}' is neither an axis nor 'x'.", nameof(pattern)),
        }).ToArray();
        if (p.SequenceEqual(Enumerable.Range(0, x.NDim))) return x;
        return Apply.Make(new Ops.DimShuffle(x.NDim, p), x);
    }

    /// <summary>Reshape to static sizes, one of which may be -1.</summary>
    public static Variable Reshape(Variable x, params int[] shape) =>
        ReshapeTo(x, shape.Select(s => (Variable)Constant.Scalar(s, DType.Int64)).ToArray());

    /// <summary>Reshape to sizes given as int64 scalars (constants or sizes of other tensors).</summary>
    public static Variable ReshapeTo(Variable x, Variable[] shape)
    {
        var sizes = shape.Select((s, d) =>
            s is Constant { IsWeak: true } c ? WeakInteger(c, "Reshape", "size")
            : s.DType == DType.Int64 ? s
            : s.DType.IsInteger() ? Cast(s, DType.Int64)
            : throw new ArgumentException($"Reshape: size {d} must be an integer scalar, got {Ops.Op.Describe(s)}; cast it to int64 if truncating it is meant.")).ToArray();
        return Apply.Make(new Ops.Reshape(sizes.Length), [x, .. sizes]);
    }

    /// <summary>Keeps the first <paramref name="ndim"/> - 1 dimensions and flattens the rest into the last.</summary>
    public static Variable Flatten(Variable x, int ndim = 1)
    {
        if (ndim < 1 || ndim > Math.Max(1, x.NDim))
            throw new ArgumentException($"Flatten of {Op.Describe(x)} to {ndim} dimensions: give between 1 and {Math.Max(1, x.NDim)}.", nameof(ndim));
        var sizes = Enumerable.Range(0, ndim - 1).Select(d => Ops.Reshape.SizeOf(x, d)).Append(Constant.Scalar(-1, DType.Int64)).ToArray();
        return ReshapeTo(x, sizes);
    }

    public static Variable Concatenate(Variable[] xs, int axis)
    {
        if (xs.Length == 0) throw new ArgumentException("Concatenate needs at least one tensor.", nameof(xs));
        var dtype = DTypes.Upcast(xs.Select(v => v.DType));
        var cast = xs.Select(v => Cast(v, dtype)).ToArray();
        return Apply.Make(new Concatenate(NormalizeAxis(xs[0], axis, "Concatenate", xs[0].NDim)), cast);
    }

    public static Variable Stack(Variable[] xs, int axis)
    {
        if (xs.Length == 0) throw new ArgumentException("Stack needs at least one tensor.", nameof(xs));
        int ndim = xs[0].NDim;
        foreach (var v in xs)
            if (v.NDim != ndim) throw new ArgumentException($"Stack: {Op.Describe(v)} does not have the rank {ndim} of {Op.Describe(xs[0])}.", nameof(xs));
        int a = NormalizeAxis(xs[0], axis, "Stack", ndim + 1);
        var pattern = Enumerable.Range(0, ndim + 1).Select(d => d == a ? (object)'x' : d < a ? d : d - 1).ToArray();
        return Concatenate(xs.Select(v => DimShuffle(v, pattern)).ToArray(), a);
    }

    /// <summary>Basic indexing: each entry an int or <see cref="Index"/> (drops the dimension) or a <see cref="Range"/>.</summary>
    public static Variable Slice(Variable x, object[] entries)
    {
        var es = entries.Select(e => e switch
        {
            int i => i >= 0 ? SliceEntry.Index(i) : SliceEntry.Index(^(-i)),
            Index i => SliceEntry.Index(i),
            Range r => SliceEntry.Range(r),
            _ => throw new ArgumentException($"Indexing {Op.Describe(x)}: '{e}' is not an index or a range.", nameof(entries)),
        }).ToArray();
        return Apply.Make(new Subtensor(es), x);
    }

    public static Variable Take(Variable x, params Variable[] indices)
    {
        if (indices.Length == 0) throw new ArgumentException("Take needs at least one index array.", nameof(indices));
        indices = indices.Select(i => i is Constant { IsWeak: true } c ? WeakInteger(c, "Take", "index") : i).ToArray();
        return Apply.Make(new Take(indices.Length), [x, .. indices]);
    }

    public static Variable Arange(Variable n) =>
        Apply.Make(Ops.Arange.Instance, n is Constant { IsWeak: true } c ? WeakInteger(c, "Arange", "length") : n);

    /// <summary>
    /// A bare number where an integer is needed (a size, an index, a length), as an int64 constant;
    /// a number written as a float (<c>1.5</c>, <c>2.0</c>) is an error, as in NumPy, rather than
    /// silently truncated.
    /// </summary>
    private static Constant WeakInteger(Constant c, string op, string what) =>
        c.Value.DType.IsInteger()
            ? c.As(DType.Int64)
            : throw new ArgumentException($"{op}: the {what} must be an integer, not the float {(c.Value.DType == DType.Float32 ? ((float)c.ScalarValue).ToString("R", System.Globalization.CultureInfo.InvariantCulture) : c.ScalarValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture))}.");

    public static Variable ShapeOf(Variable x, int axis) =>
        Apply.Make(new ShapeOf(NormalizeAxis(x, axis, "Shape", x.NDim)), x);

    // ---- neural-network helpers ----------------------------------------------------------------

    public static Variable Softmax(Variable x, int axis = -1)
    {
        int a = NormalizeAxis(x, axis, "Softmax", x.NDim);
        // The shift's max is -inf over an empty axis rather than an error: the result is empty, as the formula's is.
        var e = Exp(Sub(x, StopGradient(Reduce(ReduceKind.Max, x, [a], keepDims: true, emptyIsIdentity: true))));
        return Div(e, Sum(e, [a], keepDims: true));
    }

    public static Variable LogSoftmax(Variable x, int axis = -1)
    {
        int a = NormalizeAxis(x, axis, "LogSoftmax", x.NDim);
        var s = Sub(x, StopGradient(Reduce(ReduceKind.Max, x, [a], keepDims: true, emptyIsIdentity: true)));
        return Sub(s, Log(Sum(Exp(s), [a], keepDims: true)));
    }

    /// <summary>
    /// Cross-entropy of predicted distributions (along the last axis) against integer class labels
    /// (one rank lower) or target distributions (same shape); one value per distribution.
    /// </summary>
    public static Variable CategoricalCrossentropy(Variable probs, Variable targets)
    {
        if (probs.NDim == 0) throw new ArgumentException($"CategoricalCrossentropy: {Op.Describe(probs)} has no class axis.", nameof(probs));
        if (targets.DType.IsInteger())
        {
            if (targets.NDim != probs.NDim - 1)
                throw new ArgumentException(
                    $"CategoricalCrossentropy: integer labels {Op.Describe(targets)} must have one dimension less than the predictions {Op.Describe(probs)}.", nameof(targets));
            if (probs.NDim == 1) return Neg(Log(Take(probs, targets)));
            if (probs.NDim == 2) return Neg(Log(Take(probs, Arange(ShapeOf(probs, 0)), targets)));
            // One row per distribution: every leading dimension folds into the rows, the class axis stays.
            var rows = ReshapeTo(probs, [Constant.Scalar(-1, DType.Int64), Ops.Reshape.SizeOf(probs, probs.NDim - 1)]);
            var picked = Take(rows, Arange(ShapeOf(rows, 0)), Flatten(targets));
            return ReshapeTo(Neg(Log(picked)), Enumerable.Range(0, targets.NDim).Select(d => Ops.Reshape.SizeOf(targets, d)).ToArray());
        }
        if (targets.NDim != probs.NDim)
            throw new ArgumentException(
                $"CategoricalCrossentropy: target distributions {Op.Describe(targets)} must have the rank of the predictions {Op.Describe(probs)}.", nameof(targets));
        return Neg(Sum(Mul(targets, Log(probs)), [-1]));
    }

    public static Variable BinaryCrossentropy(Variable p, Variable t) =>
        Neg(Add(Mul(t, Log(p)), Mul(Sub(1, t), Log(Sub(1, p)))));

    public static Variable MeanSquaredError(Variable prediction, Variable target) => Mean(Sqr(Sub(prediction, target)));
}
