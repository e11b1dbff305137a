using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// Reorders dimensions, inserts size-1 (broadcastable) dimensions and drops size-1 dimensions.
/// The pattern lists, for each output dimension, the input dimension it takes, or -1 for a new
/// size-1 dimension. A view: no data moves.
/// </summary>
public sealed class DimShuffle : Op
{
    public DimShuffle(int inputNDim, int[] pattern)
    {
        InputNDim = inputNDim;
        Pattern = pattern;
    }

    public int InputNDim { get; }

    public IReadOnlyList<int> Pattern { get; }

    public override string Name => $"dimshuffle{{{string.Join(",", Pattern.Select(p => p < 0 ? "x" : p.ToString()))}}}";

    public override bool IsView => true;

    /// <summary>True when the pattern keeps the input's dimensions in order and only adds or drops size-1 ones.</summary>
    public bool KeepsOrder => Pattern.Where(p => p >= 0).SequenceEqual(Pattern.Where(p => p >= 0).Order());

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var x = inputs[0];
        if (x.NDim != InputNDim)
            throw new ArgumentException($"{Name} expects an input of rank {InputNDim}, got {Describe(x)}.");
        foreach (var p in Pattern)
            if (p >= InputNDim)
                throw new ArgumentException($"{Name}: dimension {p} does not exist in {Describe(x)} of rank {InputNDim}.");
        if (Pattern.Where(p => p >= 0).Distinct().Count() != Pattern.Count(p => p >= 0))
            throw new ArgumentException($"{Name}: a dimension of {Describe(x)} appears twice.");
        for (int d = 0; d < InputNDim; d++)
            if (!Pattern.Contains(d) && x.Type.Shape[d] != 1)
                throw new ArgumentException($"{Name} drops dimension {d} of {Describe(x)}, which is not of static size 1.");
        return new TensorType(x.DType, Pattern.Select(p => p < 0 ? 1 : x.Type.Shape[p]).ToArray());
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        // Loops, not LINQ over ints: generic code over value types is JIT-compiled in every fresh process.
        var shape = new int[Pattern.Count];
        for (int d = 0; d < shape.Length; d++) shape[d] = Pattern[d] < 0 ? 1 : args.Shapes[0][Pattern[d]];
        return shape;
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var x = inputs[0];
        var shape = InferShape(node, new ShapeArgs([x.Shape], _ => null));
        var inStrides = RefTensor.Strides(x.Shape);
        var strides = new int[Pattern.Count];
        for (int d = 0; d < strides.Length; d++) strides[d] = Pattern[d] < 0 ? 0 : inStrides[Pattern[d]];
        var data = new double[x.Size];
        int k = 0;
        RefTensor.ForEachIndex(shape, idx =>
        {
            int flat = 0;
            for (int d = 0; d < idx.Length; d++) flat += idx[d] * strides[d];
            data[k++] = x.Data[flat];
        });
        return new RefTensor(shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut)
    {
        var back = new object[InputNDim];
        for (int d = 0; d < InputNDim; d++)
        {
            int at = Pattern.ToList().IndexOf(d);
            back[d] = at < 0 ? (object)'x' : at;
        }
        return [TensorMath.DimShuffle(gOut, back)];
    }
}
