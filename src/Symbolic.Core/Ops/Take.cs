using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// Integer-array indexing of the leading dimensions: <c>take(x, i0, i1)</c> picks
/// <c>x[i0[k], i1[k], ...]</c> for every position k of the index arrays, which broadcast together.
/// The result has the index arrays' broadcast shape followed by the dimensions not indexed.
/// Negative indices count from the end; an index outside the dimension is an error at run time.
/// </summary>
public sealed class Take : Op
{
    public Take(int indexCount) => IndexCount = indexCount;

    public int IndexCount { get; }

    public override string Name => $"take{{{IndexCount}}}";

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        if (IndexCount > x.NDim)
            throw new ArgumentException($"Take: {IndexCount} index arrays for {Describe(x)} of rank {x.NDim}.");
        var idx = inputs.Skip(1).ToArray();
        foreach (var i in idx)
            if (!i.DType.IsInteger())
                throw new ArgumentException($"Take: indices must be integers; {Describe(i)} is {i.DType}.");
        var broadcast = Elemwise.StaticBroadcast(idx, "take (index arrays)");
        return new TensorType(x.DType, [.. broadcast, .. x.Type.Shape.Skip(IndexCount)]);
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        var idx = node.Inputs.Skip(1).ToArray();
        int ndim = idx.Max(v => v.NDim);
        var b = Elemwise.BroadcastShape(idx, args.Shapes.Skip(1).ToArray(), ndim, "take (index arrays)");
        return [.. b, .. args.Shapes[0].Skip(IndexCount)];
    }

    /// <summary>For each output position of the index part, the flat offset into x of the selected sub-block; raises for an index out of range.</summary>
    internal static int[] Offsets(Apply node, RefTensor[] inputs, int indexCount)
    {
        var x = inputs[0];
        var idxVars = node.Inputs.Skip(1).ToArray();
        int ndim = idxVars.Max(v => v.NDim);
        var bshape = Elemwise.BroadcastShape(idxVars, inputs.Skip(1).Select(t => t.Shape).ToArray(), ndim, "take (index arrays)");
        var xStrides = RefTensor.Strides(x.Shape);
        var offsets = new int[NDArray.ShapeSize(bshape)];
        int o = 0;
        RefTensor.ForEachIndex(bshape, bi =>
        {
            int flat = 0;
            for (int k = 0; k < indexCount; k++)
            {
                var t = inputs[k + 1];
                int pos = 0;
                for (int d = 0; d < t.NDim; d++)
                {
                    int i = bi[ndim - t.NDim + d];
                    pos = pos * t.Shape[d] + (t.Shape[d] == 1 ? 0 : i);
                }
                long v = (long)t.Data[pos];
                long w = v < 0 ? v + x.Shape[k] : v;
                if (w < 0 || w >= x.Shape[k])
                    throw new IndexOutOfRangeException($"Take: index {v} is out of range for dimension {k} of {Describe(node.Inputs[0])}, whose size is {x.Shape[k]}.");
                flat += (int)w * xStrides[k];
            }
            offsets[o++] = flat;
        });
        return offsets;
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var x = inputs[0];
        var shape = InferShape(node, new ShapeArgs(inputs.Select(t => t.Shape).ToArray(), _ => null));
        var offsets = Offsets(node, inputs, IndexCount);
        int block = NDArray.ShapeSize(x.Shape.AsSpan(IndexCount));
        var data = new double[NDArray.ShapeSize(shape)];
        for (int k = 0; k < offsets.Length; k++) Array.Copy(x.Data, offsets[k], data, k * block, block);
        return new RefTensor(shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var r = new Variable?[node.Inputs.Count];
        r[0] = Apply.Make(new TakeGrad(IndexCount), [node.Inputs[0], gOut, .. node.Inputs.Skip(1)]);
        return r;
    }
}

/// <summary>The gradient of <see cref="Take"/>: zeros shaped like x, with each row of g added where Take read it (repeated indices add up).</summary>
public sealed class TakeGrad : Op
{
    public TakeGrad(int indexCount) => IndexCount = indexCount;

    public int IndexCount { get; }

    public override string Name => $"take_grad{{{IndexCount}}}";

    public override TensorType InferType(IReadOnlyList<Variable> inputs) => inputs[0].Type.WithDType(inputs[1].DType);

    public override int[] InferShape(Apply node, ShapeArgs args) => args.Shapes[0];

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var (x, g) = (inputs[0], inputs[1]);
        var takeInputs = new[] { x }.Concat(inputs.Skip(2)).ToArray();
        var offsets = Take.Offsets(ForwardNode(node), takeInputs, IndexCount);
        int block = NDArray.ShapeSize(x.Shape.AsSpan(IndexCount));
        var data = new double[x.Size];
        for (int k = 0; k < offsets.Length; k++)
            for (int j = 0; j < block; j++) data[offsets[k] + j] += g.Data[k * block + j];
        return new RefTensor(x.Shape, data);
    }

    private Apply ForwardNode(Apply node) =>
        Apply.Make(new Take(IndexCount), [node.Inputs[0], .. node.Inputs.Skip(2)]).Owner!;

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var r = new Variable?[node.Inputs.Count];
        r[1] = Apply.Make(new Take(IndexCount), [gOut, .. node.Inputs.Skip(2)]);
        return r;
    }
}
