using Symbolic.Ops;
using Symbolic.Rewrite.Engine;

namespace Symbolic.Rewrite.Canonicalize;

/// <summary>Canonicalizations that need structure rather than a pattern: folding, merging chains of reductions and dimshuffles, dropping no-op reshapes.</summary>
public static class StructuralRules
{
    /// <summary>The largest constant folding may create, in elements.</summary>
    public const int FoldLimit = 1 << 16;

    public static IEnumerable<IRewriter> All() =>
    [
        new CodeRewriter("constant-fold", null, ConstantFold),
        new CodeRewriter("merge-dimshuffles", "dimshuffle", MergeDimShuffles),
        new CodeRewriter("merge-sums", "sum", MergeReductions),
        new CodeRewriter("merge-maxes", "max", MergeReductions),
        new CodeRewriter("merge-mins", "min", MergeReductions),
        new CodeRewriter("merge-prods", "prod", MergeReductions),
        new CodeRewriter("merge-means", "mean", MergeReductions),
        new CodeRewriter("keepdims-from-dimshuffle", "dimshuffle", KeepDimsFromDimShuffle),
        new CodeRewriter("drop-noop-reshape", "reshape", DropNoopReshape),
        new CodeRewriter("shape-through-elemwise", "shape", ShapeThroughElemwise),
        new CodeRewriter("shape-through-reshape", "shape", ShapeThroughReshape),
    ];

    /// <summary>
    /// Evaluates a node whose inputs are all constants (with the interpreter) into a constant. A node
    /// whose evaluation fails (an index out of range, an empty max) is left as it is, so that the error
    /// is raised where the function runs, with the message it has there, and not while compiling.
    /// A fold that would freeze an overflow or underflow is not made either: where finite inputs give an
    /// infinity or NaN (exp(1000)), or finite non-zero inputs give a zero or subnormal through anything but
    /// an exact addition (exp(-1000), 1e-200 * 1e-200), the node stays, so that the stabilize phase can still
    /// rewrite the formula around it (log(1 + exp(1000)) becomes softplus(1000), which folds to 1000, where a
    /// folded exp(1000) would have frozen log(1 + inf) = inf). Left unfolded, it computes the same value at run time.
    /// </summary>
    public static Variable? ConstantFold(Variable v)
    {
        var node = v.Owner!;
        if (node.Inputs.Count == 0 || node.Op is Map || !node.Inputs.All(i => i is Constant)) return null;
        // A loop, not LINQ over int?: generic code over value types is JIT-compiled in every fresh process.
        long size = 1;
        var shape = v.Type.Shape;
        for (int d = 0; d < shape.Count; d++)
        {
            if (shape[d] is not { } n) return null;
            size *= n;
        }
        if (size > FoldLimit) return null;
        NDArray value;
        try
        {
            value = Interpreter.Evaluate([v])[0];
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            return null;
        }
        return LosesRange(node, value) ? null : Constant.Create(value);
    }

    /// <summary>True where the folded value holds an overflow or underflow its finite inputs did not (see <see cref="ConstantFold"/>).</summary>
    private static bool LosesRange(Apply node, NDArray value)
    {
        if (!value.DType.IsFloat() || node.Op is not Elemwise elem) return false;
        bool inputsFinite = true, inputsNonZero = true;
        foreach (var input in node.Inputs)
        {
            var c = ((Constant)input).Value;
            if (!c.DType.IsFloat() && elem.Scalar.Name is "switch" or "second") continue;
            for (int i = 0; i < c.Size; i++)
            {
                double x = c.GetDouble(i);
                if (!double.IsFinite(x)) inputsFinite = false;
                if (x == 0) inputsNonZero = false;
            }
        }
        if (!inputsFinite) return false;
        bool exactSum = elem.Scalar.Name is "add" or "sub" or "neg" or "abs" or "switch" or "second" or "maximum" or "minimum";
        for (int i = 0; i < value.Size; i++)
        {
            double r = value.GetDouble(i);
            if (!double.IsFinite(r)) return true;
            if (inputsNonZero && !exactSum && (r == 0 || Math.Abs(r) < (value.DType == DType.Float32 ? 1.1754943508222875e-38 : double.Epsilon * 4503599627370496.0))) return true;
        }
        return false;
    }

    /// <summary>dimshuffle(dimshuffle(x)) as one dimshuffle; an identity dimshuffle as x.</summary>
    public static Variable? MergeDimShuffles(Variable v)
    {
        var outer = (DimShuffle)v.Owner!.Op;
        var inner = v.Owner.Inputs[0];
        if (inner.Owner?.Op is DimShuffle innerOp)
        {
            var composed = outer.Pattern.Select(p => p < 0 ? (object)'x' : innerOp.Pattern[p] < 0 ? 'x' : (object)innerOp.Pattern[p]).ToArray();
            return TensorMath.DimShuffle(inner.Owner.Inputs[0], composed);
        }
        return null;
    }

    /// <summary>
    /// A sum (max, min, prod, mean) over axes B of a sum (max, min, prod, mean) over axes A, both keeping dims
    /// or neither, as one reduction over both (a mean of means of equal-sized groups is the mean of all); or,
    /// where the inner one keeps dims and the outer one drops them, over B when B covers A.
    /// </summary>
    public static Variable? MergeReductions(Variable v)
    {
        var outer = (Reduce)v.Owner!.Op;
        var inner = v.Owner.Inputs[0];
        if (inner.Owner?.Op is not Reduce innerOp || innerOp.Kind != outer.Kind) return null;
        var x = inner.Owner.Inputs[0];
        if (innerOp.KeepDims && !outer.KeepDims)
            return innerOp.Axes.All(outer.Axes.Contains) ? Apply.Make(new Reduce(outer.Kind, outer.Axes.Order().ToArray(), false, innerOp.EmptyIsIdentity && outer.EmptyIsIdentity), x) : null;
        if (innerOp.KeepDims != outer.KeepDims) return null;
        // Map the outer axes back to x's axes.
        var remaining = Enumerable.Range(0, x.NDim).Where(d => innerOp.KeepDims || !innerOp.Axes.Contains(d)).ToArray();
        var axes = innerOp.Axes.Concat(outer.Axes.Select(a => remaining[a])).Distinct().Order().ToArray();
        return Apply.Make(new Reduce(outer.Kind, axes, outer.KeepDims, innerOp.EmptyIsIdentity && outer.EmptyIsIdentity), x);
    }

    /// <summary>
    /// A reduction that drops its axes followed by a dimshuffle that puts them back, in order, as broadcastable
    /// axes (Theano's way of writing keepdims: <c>sum(x, 1).dimshuffle(0, 'x')</c>), as the reduction keeping dims.
    /// </summary>
    public static Variable? KeepDimsFromDimShuffle(Variable v)
    {
        var shuffle = (DimShuffle)v.Owner!.Op;
        var inner = v.Owner.Inputs[0];
        if (inner.Owner?.Op is not Reduce { KeepDims: false, Kind: not (ReduceKind.Argmax or ReduceKind.Argmin) } reduce) return null;
        var x = inner.Owner.Inputs[0];
        var axes = reduce.Axes.Distinct().Order().ToArray();
        if (shuffle.Pattern.Count != x.NDim || axes.Length == 0) return null;
        int kept = 0;
        for (int d = 0; d < x.NDim; d++)
        {
            bool reduced = axes.Contains(d);
            if (reduced ? shuffle.Pattern[d] >= 0 : shuffle.Pattern[d] != kept++) return null;
        }
        return Apply.Make(new Reduce(reduce.Kind, axes, true, reduce.EmptyIsIdentity), x);
    }

    /// <summary>A reshape to the shape its input already has.</summary>
    public static Variable? DropNoopReshape(Variable v)
    {
        var node = v.Owner!;
        var x = node.Inputs[0];
        if (x.NDim != v.NDim) return null;
        for (int d = 0; d < x.NDim; d++)
        {
            var s = node.Inputs[d + 1];
            bool same = s is Constant c && x.Type.Shape[d] is { } known && c.ScalarValue == known
                || s.Owner?.Op is ShapeOf so && so.Axis == d && ReferenceEquals(s.Owner.Inputs[0], x);
            if (!same) return null;
        }
        return x;
    }

    /// <summary>
    /// The size of a dimension of an elementwise result read from an operand that has that
    /// dimension unbroadcast, so that asking for a shape does not keep the result's computation alive.
    /// </summary>
    public static Variable? ShapeThroughElemwise(Variable v)
    {
        var node = v.Owner!;
        int axis = ((ShapeOf)node.Op).Axis;
        var x = node.Inputs[0];
        if (x.Owner is not { Op: Elemwise or StopGradient } inner) return null;
        foreach (var operand in inner.Inputs)
        {
            int k = axis - (x.NDim - operand.NDim);
            if (k >= 0 && operand.Type.Shape[k] != 1 && operand is not Constant) return TensorMath.ShapeOf(operand, k);
        }
        return null;
    }

    /// <summary>
    /// The size of a dimension of a reshape read from the size it was given, where that size cannot be the
    /// wildcard -1 (a non-negative constant, or a shape), so that asking for the shape of a reshaped
    /// softmax (as the cross-entropy of a rank-3 softmax does for its row count) does not compute the softmax.
    /// </summary>
    public static Variable? ShapeThroughReshape(Variable v)
    {
        var node = v.Owner!;
        int axis = ((ShapeOf)node.Op).Axis;
        if (node.Inputs[0].Owner is not { Op: Reshape } reshape) return null;
        var size = reshape.Inputs[axis + 1];
        return NonNegative(size) ? size : null;
    }

    /// <summary>True for a size that cannot be the wildcard -1: a non-negative constant, a shape, or sums and products of those.</summary>
    private static bool NonNegative(Variable size)
    {
        // A work list rather than a recursion: a sum of shapes may be a chain thousands deep.
        var pending = new Stack<Variable>();
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        pending.Push(size);
        while (pending.Count > 0)
        {
            var v = pending.Pop();
            if (!seen.Add(v)) continue;
            switch (v)
            {
                case Constant c:
                    if (!(c.ScalarValue >= 0)) return false;
                    break;
                case { Owner.Op: ShapeOf }:
                    break;
                case { Owner: { Op: Elemwise { Scalar.Name: "mul" or "add" } } node }:
                    for (int i = node.Inputs.Count - 1; i >= 0; i--) pending.Push(node.Inputs[i]);
                    break;
                default:
                    return false;
            }
        }
        return true;
    }
}
