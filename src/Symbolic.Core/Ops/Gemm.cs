using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// BLAS's general matrix product, <c>alpha * dot(a, b) + beta * c</c>, for matrices a and b of one
/// float dtype, scalar alpha and beta, and c broadcasting to the product's shape (a bias row, a
/// matrix). The specialize phase forms it from scaled and added products, so a backend can run
/// the whole expression as one product call.
/// </summary>
public sealed class Gemm : Op
{
    public static readonly Gemm Instance = new();

    public override string Name => "gemm";

    /// <summary>The inputs are c, alpha, a, b, beta.</summary>
    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var (c, alpha, a, b, beta) = (inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]);
        if (a.NDim != 2 || b.NDim != 2 || !a.DType.IsFloat() || a.DType != b.DType)
            throw new ArgumentException($"Gemm needs two matrices of one float dtype, got {Describe(a)} and {Describe(b)}.");
        if (alpha.NDim != 0 || beta.NDim != 0)
            throw new ArgumentException($"Gemm: alpha and beta must be scalars, got {Describe(alpha)} and {Describe(beta)}.");
        var product = Dot.Instance.InferType([a, b]);
        if (c.NDim > 2 || c.DType != a.DType)
            throw new ArgumentException($"Gemm: {Describe(c)} must be a {a.DType.ShortName()} tensor of rank 2 or less.");
        var shape = Elemwise.StaticBroadcast(new[] { Variable.Input(product, null), c }, "gemm");
        // A loop, not LINQ over int?: generic code over value types is JIT-compiled in every fresh process.
        bool broadcasts = false;
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] == 1 && product.Shape[i] != 1) broadcasts = true;
        if (broadcasts)
            throw new ArgumentException($"Gemm: {Describe(c)} would broadcast the product of {Describe(a)} and {Describe(b)}.");
        return new TensorType(a.DType, product.Shape);
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var product = Dot.Instance.InferShape(node, new ShapeArgs([args.Shapes[2], args.Shapes[3]], _ => null));
        var c = args.Shapes[0];
        for (int d = 0; d < c.Length; d++)
        {
            int k = d + product.Length - c.Length;
            if (node.Inputs[0].Type.Shape[d] != 1 && c[d] != product[k])
                throw new ArgumentException($"Gemm: {Describe(node.Inputs[0])} has shape {NDArray.ShapeText(c)}, which does not fit the product's {NDArray.ShapeText(product)}.");
        }
        return product;
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var (c, alpha, a, b, beta) = (inputs[0], inputs[1].Data[0], inputs[2], inputs[3], inputs[4].Data[0]);
        var dotNode = Apply.Make(Dot.Instance, node.Inputs[2], node.Inputs[3]).Owner!;
        var product = Dot.Instance.Evaluate(dotNode, [a, b]);
        var cs = c.BroadcastStrides();
        int n = product.Shape[1];
        var r = new double[product.Size];
        for (int i = 0; i < product.Shape[0]; i++)
            for (int j = 0; j < n; j++)
            {
                int ci = c.NDim switch { 0 => 0, 1 => j * cs[0], _ => i * cs[0] + j * cs[1] };
                r[i * n + j] = alpha * product.Data[i * n + j] + beta * c.Data[ci];
            }
        return new RefTensor(product.Shape, r);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var (c, alpha, a, b, beta) = (node.Inputs[0], node.Inputs[1], node.Inputs[2], node.Inputs[3], node.Inputs[4]);
        var product = TensorMath.Dot(a, b);
        return
        [
            TensorMath.Mul(gOut, beta),
            TensorMath.Sum(TensorMath.Mul(gOut, product)),
            TensorMath.Mul(TensorMath.Dot(gOut, TensorMath.Transpose(b)), alpha),
            TensorMath.Mul(TensorMath.Dot(TensorMath.Transpose(a), gOut), alpha),
            TensorMath.Sum(TensorMath.Mul(gOut, c)),
        ];
    }
}
