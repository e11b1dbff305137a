using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>Basic indexing with static indices and ranges, one entry per leading dimension (the rest are taken whole). A view.</summary>
public sealed class Subtensor : Op
{
    public Subtensor(SliceEntry[] entries) => Entries = entries;

    public IReadOnlyList<SliceEntry> Entries { get; }

    public override string Name => $"subtensor{{{string.Join(", ", Entries)}}}";

    public override bool IsView => true;

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        if (Entries.Count > x.NDim)
            throw new ArgumentException($"Indexing {Describe(x)} with {Entries.Count} entries; it has only {x.NDim} dimensions.");
        var shape = new List<int?>();
        for (int d = 0; d < x.NDim; d++)
        {
            var size = x.Type.Shape[d];
            if (d >= Entries.Count) { shape.Add(size); continue; }
            var e = Entries[d];
            if (size is { } s)
            {
                var r = e.Resolve(s) ?? throw new ArgumentException($"Index {e} is out of range for dimension {d} of {Describe(x)}.");
                if (!e.IsIndex) shape.Add(r.Count);
            }
            else if (!e.IsIndex) shape.Add(null);
        }
        return new TensorType(x.DType, shape);
    }

    public override int[] InferShape(Apply node, ShapeArgs args) => Resolve(node, args.Shapes[0]).Select(r => r.Count).ToArray();

    /// <summary>For each output dimension: the input dimension, start and count.</summary>
    internal (int Dim, int Start, int Count)[] ResolveKept(Variable x, int[] shape) =>
        ResolveAll(x, shape).Where((r, d) => d >= Entries.Count || !Entries[d].IsIndex).ToArray();

    /// <summary>For each input dimension: start and count (1 for an index).</summary>
    internal (int Dim, int Start, int Count)[] ResolveAll(Variable x, int[] shape)
    {
        var r = new (int, int, int)[shape.Length];
        for (int d = 0; d < shape.Length; d++)
        {
            if (d >= Entries.Count) { r[d] = (d, 0, shape[d]); continue; }
            var e = Entries[d].Resolve(shape[d]) ?? throw new ArgumentException(
                $"Index {Entries[d]} is out of range for dimension {d} of {Describe(x)}, whose shape is {NDArray.ShapeText(shape)}.");
            r[d] = (d, e.Start, e.Count);
        }
        return r;
    }

    private (int Dim, int Start, int Count)[] Resolve(Apply node, int[] shape) => ResolveKept(node.Inputs[0], shape);

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var x = inputs[0];
        var all = ResolveAll(node.Inputs[0], x.Shape);
        var kept = ResolveKept(node.Inputs[0], x.Shape);
        var shape = kept.Select(k => k.Count).ToArray();
        var strides = RefTensor.Strides(x.Shape);
        int baseOff = all.Sum(a => a.Start * strides[a.Dim]);
        var data = new double[NDArray.ShapeSize(shape)];
        int o = 0;
        RefTensor.ForEachIndex(shape, idx =>
        {
            int flat = baseOff;
            for (int d = 0; d < idx.Length; d++) flat += idx[d] * strides[kept[d].Dim];
            data[o++] = x.Data[flat];
        });
        return new RefTensor(shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut) =>
        [Apply.Make(new SubtensorGrad(Entries.ToArray()), node.Inputs[0], gOut)];
}

/// <summary>The gradient of basic indexing: a tensor shaped like the first input, zero except where the indexed part takes the second input.</summary>
public sealed class SubtensorGrad : Op
{
    public SubtensorGrad(SliceEntry[] entries) => Entries = entries;

    public IReadOnlyList<SliceEntry> Entries { get; }

    public override string Name => $"subtensor_grad{{{string.Join(", ", Entries)}}}";

    private Subtensor Forward => new(Entries.ToArray());

    public override TensorType InferType(IReadOnlyList<Variable> inputs) => inputs[0].Type.WithDType(inputs[1].DType);

    public override int[] InferShape(Apply node, ShapeArgs args) => args.Shapes[0];

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var (x, g) = (inputs[0], inputs[1]);
        var all = Forward.ResolveAll(node.Inputs[0], x.Shape);
        var kept = Forward.ResolveKept(node.Inputs[0], x.Shape);
        var strides = RefTensor.Strides(x.Shape);
        int baseOff = all.Sum(a => a.Start * strides[a.Dim]);
        var data = new double[x.Size];
        int o = 0;
        RefTensor.ForEachIndex(kept.Select(k => k.Count).ToArray(), idx =>
        {
            int flat = baseOff;
            for (int d = 0; d < idx.Length; d++) flat += idx[d] * strides[kept[d].Dim];
            data[flat] = g.Data[o++];
        });
        return new RefTensor(x.Shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut) => [null, Apply.Make(Forward, gOut)];
}
