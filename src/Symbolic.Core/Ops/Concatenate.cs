using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>Joins tensors of one rank and dtype along an existing axis; every other dimension must agree.</summary>
public sealed class Concatenate : Op
{
    public Concatenate(int axis) => Axis = axis;

    public int Axis { get; }

    public override string Name => $"concatenate{{axis={Axis}}}";

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException("Concatenate needs at least one tensor.");
        var first = inputs[0];
        if (Axis < 0 || Axis >= first.NDim)
            throw new ArgumentException($"Concatenate: axis {Axis} is out of range for {Describe(first)} of rank {first.NDim}.");
        var shape = first.Type.Shape.ToArray();
        for (int i = 1; i < inputs.Count; i++)
        {
            var v = inputs[i];
            if (v.NDim != first.NDim || v.DType != first.DType)
                throw new ArgumentException($"Concatenate: {Describe(v)} (operand {i}) does not have the rank and dtype of {Describe(first)}.");
            for (int d = 0; d < shape.Length; d++)
            {
                if (d == Axis) { shape[d] = shape[d] is { } a && v.Type.Shape[d] is { } b ? a + b : null; continue; }
                if (shape[d] is { } s && v.Type.Shape[d] is { } t && s != t)
                    throw new ArgumentException($"Concatenate along axis {Axis}: operand {i} {Describe(v)} has {t} in dimension {d}, where {Describe(first)} has {s}.");
                shape[d] ??= v.Type.Shape[d];
            }
        }
        return new TensorType(first.DType, shape);
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var shape = (int[])args.Shapes[0].Clone();
        for (int i = 1; i < args.Shapes.Length; i++)
        {
            var s = args.Shapes[i];
            for (int d = 0; d < shape.Length; d++)
            {
                if (d == Axis) { shape[d] += s[d]; continue; }
                if (s[d] != shape[d])
                    throw new ArgumentException(
                        $"Concatenate along axis {Axis}: operand {i} {Describe(node.Inputs[i])} has shape {NDArray.ShapeText(s)}, which differs from {NDArray.ShapeText(args.Shapes[0])} of {Describe(node.Inputs[0])} in dimension {d}.");
            }
        }
        return shape;
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var shape = InferShape(node, new ShapeArgs(inputs.Select(t => t.Shape).ToArray(), _ => null));
        int outer = NDArray.ShapeSize(shape.AsSpan(0, Axis));
        int inner = NDArray.ShapeSize(shape.AsSpan(Axis + 1));
        var data = new double[NDArray.ShapeSize(shape)];
        int rowOut = shape[Axis] * inner;
        int at = 0;
        foreach (var t in inputs)
        {
            int row = t.Shape[Axis] * inner;
            for (int o = 0; o < outer; o++) Array.Copy(t.Data, o * row, data, o * rowOut + at, row);
            at += row;
        }
        return new RefTensor(shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut) =>
        node.Inputs.Select((_, k) => (Variable?)Apply.Make(new SplitPart(Axis, k), [gOut, .. node.Inputs])).ToArray();
}

/// <summary>Part <c>k</c> of a tensor cut along an axis into pieces the sizes of the given tensors (the gradient of Concatenate).</summary>
public sealed class SplitPart : Op
{
    public SplitPart(int axis, int part)
    {
        Axis = axis;
        Part = part;
    }

    public int Axis { get; }

    public int Part { get; }

    public override string Name => $"split_part{{axis={Axis}, part={Part}}}";

    public override bool IsView => true;

    public override TensorType InferType(IReadOnlyList<Variable> inputs) => inputs[Part + 1].Type.WithDType(inputs[0].DType);

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var s = (int[])args.Shapes[0].Clone();
        s[Axis] = args.Shapes[Part + 1][Axis];
        return s;
    }

    /// <summary>Where the part starts along the axis.</summary>
    public int Offset(int[][] shapes) => Enumerable.Range(0, Part).Sum(j => shapes[j + 1][Axis]);

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var g = inputs[0];
        var shapes = inputs.Select(t => t.Shape).ToArray();
        var shape = InferShape(node, new ShapeArgs(shapes, _ => null));
        int outer = NDArray.ShapeSize(shape.AsSpan(0, Axis));
        int inner = NDArray.ShapeSize(shape.AsSpan(Axis + 1));
        int row = shape[Axis] * inner, rowIn = g.Shape[Axis] * inner, start = Offset(shapes) * inner;
        var data = new double[NDArray.ShapeSize(shape)];
        for (int o = 0; o < outer; o++) Array.Copy(g.Data, o * rowIn + start, data, o * row, row);
        return new RefTensor(shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var parts = node.Inputs.Skip(1).Select((x, j) => j == Part ? gOut : TensorMath.ZerosLike(x, gOut.DType)).ToArray();
        var r = new Variable?[node.Inputs.Count];
        r[0] = TensorMath.Concatenate(parts, Axis);
        return r;
    }
}
