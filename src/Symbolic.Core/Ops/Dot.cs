using Symbolic.Interpret;
using static Symbolic.TensorMath;

namespace Symbolic.Ops;

/// <summary>
/// Matrix products with NumPy semantics: vector·vector is a scalar, matrix·vector and
/// vector·matrix are vectors, matrix·matrix a matrix; when both operands have rank 2 or more and
/// one has rank 3 or more, the leading dimensions are batch dimensions that broadcast (as in
/// <c>matmul</c>). (The builder lifts a vector meeting a batch to a matrix first.)
/// </summary>
public sealed class Dot : Op
{
    public static readonly Dot Instance = new();

    public override string Name => "dot";

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        if (a.NDim == 0 || b.NDim == 0)
            throw new ArgumentException($"Dot of a scalar ({Describe(a)} with {Describe(b)}): multiply with * instead.");
        if ((a.NDim == 1 && b.NDim > 2) || (b.NDim == 1 && a.NDim > 2))
            throw new ArgumentException($"Dot of {Describe(a)} with {Describe(b)}: a vector meets a batch of matrices; lift it with DimShuffle first.");
        int? ka = a.Type.Shape[^1];
        int? kb = b.NDim == 1 ? b.Type.Shape[0] : b.Type.Shape[^2];
        if (ka is not null && kb is not null && ka != kb)
            throw new ArgumentException(
                $"Dot: {Describe(a)} and {Describe(b)} have incompatible inner dimensions ({ka} and {kb}).");
        var dtype = DTypes.Upcast(a.DType, b.DType);
        if (dtype == DType.Bool) dtype = DType.Int64;
        var shape = new List<int?>();
        if (a.NDim >= 2 && b.NDim >= 2)
        {
            int batch = Math.Max(a.NDim, b.NDim) - 2;
            for (int d = 0; d < batch; d++)
            {
                int? da = BatchDim(a, d, batch), db = BatchDim(b, d, batch);
                if (da is not null && db is not null && da != db && da != 1 && db != 1)
                    throw new ArgumentException($"Dot: batch dimensions of {Describe(a)} and {Describe(b)} cannot broadcast ({da} against {db}).");
                shape.Add(da == 1 ? db : db == 1 ? da : da ?? db);
            }
            shape.Add(a.Type.Shape[^2]);
            shape.Add(b.Type.Shape[^1]);
        }
        else if (a.NDim == 2) shape.Add(a.Type.Shape[0]);
        else if (b.NDim == 2) shape.Add(b.Type.Shape[1]);
        return new TensorType(dtype, shape);
    }

    private static int? BatchDim(Variable v, int d, int batch)
    {
        int k = d - (batch - (v.NDim - 2));
        return k < 0 ? 1 : v.Type.Shape[k];
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var (a, b) = (args.Shapes[0], args.Shapes[1]);
        int ka = a[^1], kb = b.Length == 1 ? b[0] : b[^2];
        if (ka != kb)
            throw new ArgumentException(
                $"Dot: {Describe(node.Inputs[0])} has shape {NDArray.ShapeText(a)} and {Describe(node.Inputs[1])} has shape {NDArray.ShapeText(b)}; the inner dimensions {ka} and {kb} differ.");
        if (a.Length == 1 && b.Length == 1) return [];
        if (a.Length == 1) return [b[1]];
        if (b.Length == 1) return [a[0]];
        int batch = Math.Max(a.Length, b.Length) - 2;
        var batchShape = Elemwise.BroadcastShape(
            [BatchPart(node.Inputs[0]), BatchPart(node.Inputs[1])], [a[..^2], b[..^2]], batch, "dot (batch dimensions)");
        return [.. batchShape, a[^2], b[^1]];
    }

    /// <summary>A stand-in variable whose type is the batch part of <paramref name="v"/>, for broadcasting checks.</summary>
    private static Variable BatchPart(Variable v) =>
        Variable.Input(new TensorType(v.DType, v.Type.Shape.Take(v.NDim - 2).ToArray()), v.Name);

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var (a, b) = (inputs[0], inputs[1]);
        var shape = InferShape(node, new ShapeArgs([a.Shape, b.Shape], _ => null));
        // Integer products accumulate in the output's type, wrapping at its range as the generated code and NumPy do.
        var outType = node.Output.DType;
        if (a.NDim == 1 && b.NDim == 1) return RefTensor.Scalar(Inner(a.Data, 0, 1, b.Data, 0, 1, a.Size, outType));
        // View both as batches of matrices.
        int m = a.NDim == 1 ? 1 : a.Shape[^2], k = a.Shape[^1];
        int n = b.NDim == 1 ? 1 : b.Shape[^1];
        bool bVec = b.NDim == 1;
        int batch = Math.Max(a.NDim, b.NDim) - 2;
        var batchShape = batch > 0 ? shape[..batch] : [];
        var outData = new double[NDArray.ShapeSize(shape)];
        var aBatch = a.NDim > 2 ? a.Shape[..^2] : [];
        var bBatch = b.NDim > 2 ? b.Shape[..^2] : [];
        int o = 0;
        RefTensor.ForEachIndex(batchShape, bi =>
        {
            int aOff = BatchOffset(bi, aBatch) * m * k;
            int bOff = BatchOffset(bi, bBatch) * k * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    outData[o++] = bVec ? Inner(a.Data, aOff + i * k, 1, b.Data, 0, 1, k, outType)
                        : Inner(a.Data, aOff + i * k, 1, b.Data, bOff + j, n, k, outType);
        });
        return new RefTensor(shape, outData);
    }

    /// <summary>
    /// The sum of <paramref name="k"/> products of strided runs: in float64 for float results, and
    /// for integer results in int64 arithmetic that wraps at the result type's range (int32 or
    /// int64), as the generated code and NumPy do.
    /// </summary>
    private static double Inner(double[] a, int aAt, int aStep, double[] b, int bAt, int bStep, int k, DType outType)
    {
        if (!outType.IsInteger())
        {
            double s = 0;
            for (int t = 0; t < k; t++, aAt += aStep, bAt += bStep) s += a[aAt] * b[bAt];
            return s;
        }
        long acc = 0;
        for (int t = 0; t < k; t++, aAt += aStep, bAt += bStep) acc = unchecked(acc + (long)a[aAt] * (long)b[bAt]);
        return outType.Wrap(acc);
    }

    private static int BatchOffset(int[] index, int[] shape)
    {
        int flat = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            int i = index[index.Length - shape.Length + d];
            flat = flat * shape[d] + (shape[d] == 1 ? 0 : i);
        }
        return flat;
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        if (a.NDim == 1 && b.NDim == 1) return [Mul(gOut, b), Mul(gOut, a)];
        if (a.NDim == 2 && b.NDim == 1) return [TensorMath.Dot(DimShuffle(gOut, 0, 'x'), DimShuffle(b, 'x', 0)), TensorMath.Dot(Transpose(a), gOut)];
        if (a.NDim == 1 && b.NDim == 2) return [TensorMath.Dot(b, gOut), TensorMath.Dot(DimShuffle(a, 0, 'x'), DimShuffle(gOut, 'x', 0))];
        return [TensorMath.Dot(gOut, SwapLast(b)), TensorMath.Dot(SwapLast(a), gOut)];
    }

    private static Variable SwapLast(Variable v)
    {
        var perm = Enumerable.Range(0, v.NDim).Select(i => (object)i).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return DimShuffle(v, perm);
    }
}
