using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>The run-time size of one dimension of a tensor, as an int64 scalar.</summary>
public sealed class ShapeOf : Op
{
    public ShapeOf(int axis) => Axis = axis;

    public int Axis { get; }

    public override string Name => $"shape{{{Axis}}}";

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        if (Axis < 0 || Axis >= x.NDim)
            throw new ArgumentException($"Shape: axis {Axis} is out of range for {Describe(x)} of rank {x.NDim}.");
        return TensorType.Scalar(DType.Int64);
    }

    public override int[] InferShape(Apply node, ShapeArgs args) => [];

    public override long? KnownValue(Apply node, ShapeArgs args) => args.Shapes[0][Axis];

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs) => RefTensor.Scalar(inputs[0].Shape[Axis]);

    public override Variable?[] Grad(Apply node, Variable gOut) => [null];
}
