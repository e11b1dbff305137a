using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>The identity, through which no gradient flows.</summary>
public sealed class StopGradient : Op
{
    public static readonly StopGradient Instance = new();

    public override string Name => "stop_gradient";

    public override bool IsView => true;

    public override TensorType InferType(IReadOnlyList<Variable> inputs) => inputs[0].Type;

    public override int[] InferShape(Apply node, ShapeArgs args) => args.Shapes[0];

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs) => inputs[0];

    public override Variable?[] Grad(Apply node, Variable gOut) => [null];
}
