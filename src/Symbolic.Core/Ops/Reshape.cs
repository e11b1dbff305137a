using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// Gives a tensor a new shape with the same number of elements, in row-major order. The inputs
/// are the tensor and one int64 scalar per output dimension (constants, or sizes computed from
/// shapes); one of them may be -1, meaning "whatever makes the count match".
/// </summary>
public sealed class Reshape : Op
{
    public Reshape(int ndim) => NDim = ndim;

    public int NDim { get; }

    public override string Name => $"reshape{{{NDim}}}";

    public override bool IsView => true;

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        if (inputs.Count != NDim + 1) throw new ArgumentException($"{Name} takes the tensor and {NDim} sizes.");
        var shape = new int?[NDim];
        int wild = -1;
        for (int d = 0; d < NDim; d++)
        {
            var s = inputs[d + 1];
            if (s.NDim != 0 || !s.DType.IsInteger())
                throw new ArgumentException($"Reshape: size {d} must be an integer scalar, got {Describe(s)}.");
            if (s is Constant c)
            {
                long v = (long)c.ScalarValue;
                if (v == -1)
                {
                    if (wild >= 0) throw new ArgumentException($"Reshape of {Describe(x)}: only one size may be -1.");
                    wild = d;
                }
                else if (v < 0) throw new ArgumentException($"Reshape of {Describe(x)}: size {v} is negative.");
                else if (v > Array.MaxLength) throw TooLarge(x, v);
                else shape[d] = (int)v;
            }
        }
        long? total = Known(x.Type.Shape);
        if (total is { } t)
        {
            long rest = shape.Where((_, d) => d != wild).Aggregate(1L, (a, s) => a * (s ?? 1));
            bool allKnown = shape.Where((_, d) => d != wild).All(s => s is not null);
            if (allKnown && wild < 0 && rest != t)
                throw new ArgumentException($"Reshape: {Describe(x)} has {t} elements, which cannot take the shape ({string.Join(", ", shape.Select(s => s?.ToString() ?? "?"))}).");
            if (allKnown && wild >= 0)
            {
                if (rest == 0 || t % rest != 0)
                    throw new ArgumentException($"Reshape: {Describe(x)} has {t} elements, which do not divide into rows of {rest}.");
                shape[wild] = (int)(t / rest);
            }
        }
        return new TensorType(x.DType, shape);
    }

    /// <summary>A size past what an array can hold (it used to wrap around: 99999999999 gave 1215752191).</summary>
    private static ArgumentException TooLarge(Variable x, long v) =>
        new($"Reshape of {Describe(x)}: size {v} is more than an array can hold ({Array.MaxLength}).");

    private static long? Known(IReadOnlyList<int?> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d is null) return null;
            n *= d.Value;
        }
        return n;
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var x = args.Shapes[0];
        long total = NDArray.ShapeSize(x);
        var shape = new int[NDim];
        int wild = -1;
        long rest = 1;
        for (int d = 0; d < NDim; d++)
        {
            long v = args.ScalarValue(d + 1) ?? throw new ArgumentException(
                $"Reshape of {Describe(node.Inputs[0])}: size {d} depends on data, not only on shapes and inputs, and cannot be known before running.");
            if (v == -1 && wild < 0) { wild = d; continue; }
            if (v < 0) throw new ArgumentException($"Reshape of {Describe(node.Inputs[0])}: size {v} is negative.");
            if (v > Array.MaxLength) throw TooLarge(node.Inputs[0], v);
            shape[d] = (int)v;
            rest *= v;
        }
        if (wild >= 0)
        {
            if (rest == 0 || total % rest != 0)
                throw new ArgumentException($"Reshape: {Describe(node.Inputs[0])} of shape {NDArray.ShapeText(x)} has {total} elements, which do not divide into parts of {rest}.");
            shape[wild] = (int)(total / rest);
        }
        else if (rest != total)
            throw new ArgumentException($"Reshape: {Describe(node.Inputs[0])} of shape {NDArray.ShapeText(x)} has {total} elements; shape {NDArray.ShapeText(shape)} needs {rest}.");
        return shape;
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var shape = InferShape(node, new ShapeArgs(inputs.Select(t => t.Shape).ToArray(), i => (long)inputs[i].Data[0]));
        return new RefTensor(shape, inputs[0].Data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var x = node.Inputs[0];
        var r = new Variable?[node.Inputs.Count];
        r[0] = TensorMath.ReshapeTo(gOut, Enumerable.Range(0, x.NDim).Select(d => SizeOf(x, d)).ToArray());
        return r;
    }

    /// <summary>The size of a dimension, as a constant where static, else symbolically.</summary>
    internal static Variable SizeOf(Variable x, int d) =>
        x.Type.Shape[d] is { } s ? Constant.Scalar(s, DType.Int64) : x.ShapeOf(d);
}
