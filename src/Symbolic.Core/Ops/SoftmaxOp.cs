using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// The softmax along one axis as a single op: the specialize phase forms it from the stable
/// composite that T.Softmax builds, so a backend computes max, exponentials, sum and division in
/// one pass over each row.
/// </summary>
public sealed class SoftmaxOp : Op
{
    public SoftmaxOp(int axis) => Axis = axis;

    public int Axis { get; }

    public override string Name => $"softmax{{axis={Axis}}}";

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        if (!x.DType.IsFloat() || Axis < 0 || Axis >= x.NDim)
            throw new ArgumentException($"Softmax along axis {Axis} needs a float tensor with that axis, got {Describe(x)}.");
        return x.Type;
    }

    public override int[] InferShape(Apply node, ShapeArgs args) => args.Shapes[0];

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var x = inputs[0];
        var r = new double[x.Size];
        int n = x.Shape[Axis];
        int inner = NDArray.ShapeSize(x.Shape.AsSpan(Axis + 1));
        int outer = NDArray.ShapeSize(x.Shape.AsSpan(0, Axis));
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int at = o * n * inner + i;
                double max = double.NegativeInfinity;
                for (int k = 0; k < n; k++) max = Math.Max(max, x.Data[at + k * inner]);
                double sum = 0;
                for (int k = 0; k < n; k++) sum += r[at + k * inner] = Math.Exp(x.Data[at + k * inner] - max);
                for (int k = 0; k < n; k++) r[at + k * inner] /= sum;
            }
        return new RefTensor(x.Shape, r);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var s = node.Output;
        var gs = TensorMath.Mul(gOut, s);
        return [TensorMath.Sub(gs, TensorMath.Mul(s, TensorMath.Sum(gs, [Axis], keepDims: true)))];
    }
}
