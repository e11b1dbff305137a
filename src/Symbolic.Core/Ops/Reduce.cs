using Symbolic.Interpret;
using static Symbolic.TensorMath;

namespace Symbolic.Ops;

/// <summary>
/// A reduction over a set of axes (sorted, distinct, non-negative), keeping them as size-1
/// dimensions or dropping them. Argmax and argmin over several axes give the position within those
/// axes taken together in row-major order, as if they were flattened into one.
/// </summary>
public sealed class Reduce : Op
{
    public Reduce(ReduceKind kind, int[] axes, bool keepDims, bool emptyIsIdentity = false)
    {
        Kind = kind;
        Axes = axes;
        KeepDims = keepDims;
        EmptyIsIdentity = emptyIsIdentity && kind is ReduceKind.Max or ReduceKind.Min;
    }

    /// <summary>
    /// For max and min: a group with no elements gives the identity (-inf for max, +inf for min) instead of
    /// raising. The stable softmax family shifts by such a max, so that a softmax, log-softmax or logsumexp over
    /// an empty axis gives what the formula as written gives (log(sum(exp(x))) over nothing is log(0) = -inf).
    /// </summary>
    public bool EmptyIsIdentity { get; }

    public ReduceKind Kind { get; }

    public IReadOnlyList<int> Axes { get; }

    public bool KeepDims { get; }

    public override string Name => $"{Kind.ToString().ToLowerInvariant()}{{axes=[{string.Join(",", Axes)}]{(KeepDims ? ", keepdims" : "")}{(EmptyIsIdentity ? Kind == ReduceKind.Max ? ", empty=-inf" : ", empty=inf" : "")}}}";

    public bool IsArg => Kind is ReduceKind.Argmax or ReduceKind.Argmin;

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        foreach (var a in Axes)
            if (a < 0 || a >= x.NDim)
                throw new ArgumentException($"{Kind}: axis {a} is out of range for {Describe(x)} of rank {x.NDim}.");
        var shape = new List<int?>();
        for (int d = 0; d < x.NDim; d++)
        {
            if (!Axes.Contains(d)) shape.Add(x.Type.Shape[d]);
            else if (KeepDims) shape.Add(1);
        }
        var dtype = Kind switch
        {
            ReduceKind.Argmax or ReduceKind.Argmin => DType.Int64,
            ReduceKind.Mean => x.DType.ToFloat(),
            ReduceKind.Sum or ReduceKind.Prod => x.DType == DType.Bool ? DType.Int64 : x.DType,
            _ => x.DType,
        };
        return new TensorType(dtype, shape);
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var s = args.Shapes[0];
        var r = new List<int>();
        for (int d = 0; d < s.Length; d++)
        {
            if (!Axes.Contains(d)) r.Add(s[d]);
            else
            {
                if (s[d] == 0 && Kind is not (ReduceKind.Sum or ReduceKind.Prod or ReduceKind.Mean) && !EmptyIsIdentity)
                    throw new ArgumentException($"{Kind} of {Describe(node.Inputs[0])} with shape {NDArray.ShapeText(s)}: axis {d} is empty, and an empty {Kind.ToString().ToLowerInvariant()} has no value.");
                if (KeepDims) r.Add(1);
            }
        }
        return r.ToArray();
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var x = inputs[0];
        var outShape = InferShape(node, new ShapeArgs([x.Shape], _ => null));
        int n = NDArray.ShapeSize(outShape);
        var acc = new double[n];
        var pos = new double[n];
        var count = new int[n];
        double init = Kind switch
        {
            ReduceKind.Prod => 1,
            ReduceKind.Max or ReduceKind.Argmax => double.NegativeInfinity,
            ReduceKind.Min or ReduceKind.Argmin => double.PositiveInfinity,
            _ => 0,
        };
        Array.Fill(acc, init);
        // Integer sums and products accumulate in wrapping int64 arithmetic and wrap to the result
        // type's range, as the generated code (an int64 accumulator) and NumPy do; float64 would
        // saturate past 2^31 and lose digits past 2^53.
        var outType = node.Output.DType;
        long[]? wrapping = outType.IsInteger() && Kind is ReduceKind.Sum or ReduceKind.Prod ? new long[n] : null;
        if (wrapping is not null && Kind == ReduceKind.Prod) Array.Fill(wrapping, 1L);
        // Output flat index and position within the reduced axes, per input index.
        var keptStrides = new int[x.NDim];
        var redStrides = new int[x.NDim];
        {
            int o = 1, r = 1;
            for (int d = x.NDim - 1; d >= 0; d--)
            {
                if (Axes.Contains(d)) { redStrides[d] = r; r *= x.Shape[d]; }
                else { keptStrides[d] = o; o *= x.Shape[d]; }
            }
        }
        int k = 0;
        RefTensor.ForEachIndex(x.Shape, idx =>
        {
            int o = 0, p = 0;
            for (int d = 0; d < idx.Length; d++) { o += idx[d] * keptStrides[d]; p += idx[d] * redStrides[d]; }
            double v = x.Data[k++];
            bool first = count[o]++ == 0;
            switch (Kind)
            {
                case ReduceKind.Sum when wrapping is not null: wrapping[o] = unchecked(wrapping[o] + (long)v); break;
                case ReduceKind.Prod when wrapping is not null: wrapping[o] = unchecked(wrapping[o] * (long)v); break;
                case ReduceKind.Sum: case ReduceKind.Mean: acc[o] += v; break;
                case ReduceKind.Prod: acc[o] *= v; break;
                case ReduceKind.Max: acc[o] = Math.Max(acc[o], v); break;
                case ReduceKind.Min: acc[o] = Math.Min(acc[o], v); break;
                case ReduceKind.Argmax:
                    if (first || v > acc[o] || (double.IsNaN(v) && !double.IsNaN(acc[o]))) { acc[o] = v; pos[o] = p; }
                    break;
                case ReduceKind.Argmin:
                    if (first || v < acc[o] || (double.IsNaN(v) && !double.IsNaN(acc[o]))) { acc[o] = v; pos[o] = p; }
                    break;
            }
        });
        if (Kind == ReduceKind.Mean)
        {
            int m = Axes.Aggregate(1, (a, d) => a * x.Shape[d]);
            for (int i = 0; i < n; i++) acc[i] /= m;
        }
        if (wrapping is not null)
            for (int i = 0; i < n; i++) acc[i] = outType.Wrap(wrapping[i]);
        return new RefTensor(outShape, IsArg ? pos : acc);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var x = node.Inputs[0];
        var gk = KeepDims ? gOut : ExpandReduced(gOut);
        switch (Kind)
        {
            case ReduceKind.Sum:
                return [Second(x, gk)];
            case ReduceKind.Mean:
            {
                // No axes (the mean of a scalar, or over axes []) is a mean of one element.
                if (Axes.Count == 0) return [Second(x, gk)];
                Variable count = Axes.Select(a => x.ShapeOf(a)).Aggregate((a, b) => a * b);
                return [Div(Second(x, gk), TensorMath.Cast(count, gOut.DType))];
            }
            case ReduceKind.Max:
            case ReduceKind.Min:
            {
                // Ties share the gradient equally (as central differences and PyTorch's amax see it), so
                // the gradients of one reduced group always add up to g. A NaN maximum matches nothing: 0.
                var outk = KeepDims ? node.Output : ExpandReduced(node.Output);
                var hit = Eq(x, outk);
                var ties = Maximum(TensorMath.Sum(hit, Axes.ToArray(), keepDims: true), 1);
                return [Div(Mul(Second(x, gk), hit), TensorMath.Cast(ties, gOut.DType))];
            }
            case ReduceKind.Prod:
            {
                var isZero = Eq(x, 0);
                var axes = Axes.ToArray();
                var zeros = TensorMath.Sum(isZero, axes, keepDims: true);
                var prodNonZero = TensorMath.Prod(TensorMath.Switch(isZero, OnesLike(x), x), axes, keepDims: true);
                var prodk = KeepDims ? node.Output : ExpandReduced(node.Output);
                var local = TensorMath.Switch(Eq(zeros, 0), Div(prodk, x),
                    TensorMath.Switch(And(Eq(zeros, 1), isZero), prodNonZero, ZerosLike(x)));
                return [Mul(gk, local)];
            }
            default:
                return [null];
        }
    }

    /// <summary>Puts size-1 dimensions back where the reduction removed them.</summary>
    private Variable ExpandReduced(Variable v)
    {
        int ndim = v.NDim + Axes.Count;
        var pattern = new object[ndim];
        int src = 0;
        for (int d = 0; d < ndim; d++) pattern[d] = Axes.Contains(d) ? (object)'x' : src++;
        return TensorMath.DimShuffle(v, pattern);
    }
}
