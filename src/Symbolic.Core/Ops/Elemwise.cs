using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// A scalar op applied to every element. Operands broadcast as in NumPy, aligned on their last
/// dimensions: a missing leading dimension or a dimension of static size 1 stretches. Dimensions
/// that are not statically 1 must agree exactly at run time (as in Theano).
/// </summary>
public sealed class Elemwise : Op
{
    public Elemwise(ScalarOp scalar) => Scalar = scalar;

    public ScalarOp Scalar { get; }

    public override string Name => Scalar.Name;

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        if (inputs.Count != Scalar.Arity)
            throw new ArgumentException($"{Name} takes {Scalar.Arity} operands, got {inputs.Count}.");
        var shape = StaticBroadcast(inputs, Name);
        var dtype = Scalar.OutputType(inputs.Select(v => v.DType).ToArray());
        return new TensorType(dtype, shape);
    }

    /// <summary>The static broadcast shape of elementwise operands, raising an error that names them where known sizes disagree.</summary>
    internal static int?[] StaticBroadcast(IReadOnlyList<Variable> inputs, string opName)
    {
        int ndim = inputs.Max(v => v.NDim);
        var shape = new int?[ndim];
        for (int d = 0; d < ndim; d++)
        {
            int? size = 1;
            Variable? from = null;
            foreach (var v in inputs)
            {
                int k = d - (ndim - v.NDim);
                if (k < 0 || v.Type.Shape[k] == 1) continue;
                var s = v.Type.Shape[k];
                if (from is null) { size = s; from = v; continue; }
                if (s is not null && size is not null && s != size)
                    throw new ArgumentException(
                        $"{opName}: shapes {from.Type.ShapeText()} of {Describe(from)} and {v.Type.ShapeText()} of {Describe(v)} cannot broadcast " +
                        $"(dimension {k} of the second is {s}, the first has {size} there).");
                size ??= s;
            }
            shape[d] = from is null ? 1 : size;
        }
        return shape;
    }

    public override int[] InferShape(Apply node, ShapeArgs args) =>
        BroadcastShape(node.Inputs, args.Shapes, node.Output.NDim, Name);

    /// <summary>The run-time broadcast shape of elementwise operands, raising an error that names the operands where sizes disagree.</summary>
    internal static int[] BroadcastShape(IReadOnlyList<Variable> inputs, int[][] shapes, int ndim, string opName)
    {
        var outShape = new int[ndim];
        for (int d = 0; d < ndim; d++)
        {
            int size = 1;
            int from = -1;
            for (int i = 0; i < inputs.Count; i++)
            {
                int k = d - (ndim - shapes[i].Length);
                if (k < 0 || inputs[i].Type.Shape[k] == 1) continue;
                int s = shapes[i][k];
                if (from < 0) { size = s; from = i; continue; }
                if (s != size)
                    throw new ArgumentException(
                        $"{opName}: operand {from} {Describe(inputs[from])} has shape {NDArray.ShapeText(shapes[from])} and operand {i} {Describe(inputs[i])} has shape {NDArray.ShapeText(shapes[i])}; " +
                        $"they disagree in dimension {d - (ndim - shapes[i].Length)} of the second ({s} against {size}). Only dimensions of static size 1 broadcast.");
            }
            outShape[d] = size;
        }
        return outShape;
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        var shape = BroadcastShape(node.Inputs, inputs.Select(t => t.Shape).ToArray(), node.Output.NDim, Name);
        // Loops, not LINQ into value-type arrays: generic code over value types is JIT-compiled in every fresh process.
        var operandTypes = new DType[node.Inputs.Count];
        for (int i = 0; i < operandTypes.Length; i++) operandTypes[i] = node.Inputs[i].DType;
        var ct = new DType[inputs.Length];
        for (int i = 0; i < ct.Length; i++) ct[i] = Scalar.OperandType(i, operandTypes);
        var strides = inputs.Select(t => AlignedStrides(t, shape.Length)).ToArray();
        var outData = new double[NDArray.ShapeSize(shape)];
        var args = new double[inputs.Length];
        // Integer arithmetic wraps at its type's range, as in the generated code and NumPy.
        var resultType = Scalar.TemplateResultType(operandTypes);
        var integerEval = resultType.IsInteger() ? Scalar.IntegerEval : null;
        var longArgs = new long[inputs.Length];
        int k = 0;
        RefTensor.ForEachIndex(shape, idx =>
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                int flat = 0;
                for (int d = 0; d < idx.Length; d++) flat += idx[d] * strides[i][d];
                double v = inputs[i].Data[flat];
                args[i] = ct[i].IsFloat() ? v : ct[i].Normalize(v);
            }
            if (integerEval is null)
            {
                outData[k++] = Scalar.Eval(args);
                return;
            }
            for (int i = 0; i < args.Length; i++) longArgs[i] = (long)args[i];
            long r = integerEval(longArgs);
            outData[k++] = resultType.Wrap(r);
        });
        return new RefTensor(shape, outData);
    }

    private static int[] AlignedStrides(RefTensor t, int ndim)
    {
        var own = t.BroadcastStrides();
        var s = new int[ndim];
        for (int d = 0; d < t.NDim; d++) s[ndim - t.NDim + d] = own[d];
        return s;
    }

    public override Variable?[] Grad(Apply node, Variable gOut) =>
        Scalar.Gradient is { } rule ? rule(node.Inputs, node.Output, gOut) : new Variable?[node.Inputs.Count];
}
