using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// An operation of the catalogue. Each op declares, in its own file: its type inference (with the
/// build-time errors it can know), its run-time shape inference, its reference evaluation in
/// float64, and its gradient rule. Ops are values: two ops with the same <see cref="Name"/> and
/// class are equal, so the name must spell every parameter.
/// </summary>
public abstract class Op : IEquatable<Op>
{
    /// <summary>The op as printed, with its parameters: <c>exp</c>, <c>sum{axes=[0], keepdims}</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The output type for these inputs; raises <see cref="ArgumentException"/> naming the operands when they do not fit.</summary>
    public abstract TensorType InferType(IReadOnlyList<Variable> inputs);

    /// <summary>The output shape at run time, from the inputs' shapes (and, for ops such as Arange or Reshape, the values of integer scalar inputs).</summary>
    public abstract int[] InferShape(Apply node, ShapeArgs args);

    /// <summary>Evaluates the op on float64 tensors. The interpreter rounds the result to the output's dtype.</summary>
    public abstract RefTensor Evaluate(Apply node, RefTensor[] inputs);

    /// <summary>
    /// The gradient of the cost with respect to each input, given <paramref name="gOut"/>, the
    /// gradient with respect to the output. Null means no gradient flows to that input (it is
    /// integer-valued, or the op is constant in it). A result may have the output's broadcast
    /// shape; the reverse sweep sums it back to the input's type.
    /// </summary>
    public virtual Variable?[] Grad(Apply node, Variable gOut) =>
        throw new InvalidOperationException($"{Name} has no gradient rule.");

    /// <summary>
    /// The value of an integer scalar output where it follows from shapes and known scalar inputs
    /// alone (the shape pass uses it, for Arange and Reshape lengths). The default evaluates
    /// integer scalar ops whose inputs are all known.
    /// </summary>
    public virtual long? KnownValue(Apply node, ShapeArgs args)
    {
        if (node.Output.NDim != 0 || node.Output.DType.IsFloat()) return null;
        var ins = new RefTensor[node.Inputs.Count];
        for (int i = 0; i < ins.Length; i++)
        {
            if (node.Inputs[i].NDim != 0 || args.ScalarValue(i) is not { } v) return null;
            ins[i] = RefTensor.Scalar(v);
        }
        return (long)node.Output.DType.Normalize(Evaluate(node, ins).Data[0]);
    }

    /// <summary>True when the output only reinterprets its first input's storage (no kernel runs).</summary>
    public virtual bool IsView => false;

    public bool Equals(Op? other) =>
        ReferenceEquals(other, this) || other is not null && other.GetType() == GetType() && other.Key == Key;

    public override bool Equals(object? obj) => obj is Op o && Equals(o);

    public override int GetHashCode() => HashCode.Combine(GetType(), Key);

    private string? key;
    private string? stem;

    /// <summary>
    /// <see cref="Name"/>, spelled once: an op is a value, so its name never changes, and the node table
    /// compares and hashes ops on every node it makes (a reduction's name is formatted text).
    /// </summary>
    internal string Key => key ??= Name;

    /// <summary>The name without its parameters (<c>sum</c>, <c>dimshuffle</c>): the name rule patterns call the op by.</summary>
    internal string Stem => stem ??= Key.IndexOf('{') is var brace and >= 0 ? Key[..brace] : Key;

    public override string ToString() => Name;

    /// <summary>Text of a variable for error messages: its name in quotes, or its type.</summary>
    protected internal static string Describe(Variable v) =>
        v.Name is { } n ? $"'{n}' {v.Type}" : v is Constant c ? $"constant {c}" : $"{v.Type}";
}

/// <summary>What shape inference sees of the inputs at run time.</summary>
public sealed class ShapeArgs
{
    private readonly Func<int, long?> scalarValue;

    public ShapeArgs(int[][] shapes, Func<int, long?> scalarValue)
    {
        Shapes = shapes;
        this.scalarValue = scalarValue;
    }

    public int[][] Shapes { get; }

    /// <summary>The value of input <paramref name="i"/> where it is an integer scalar whose value is known before running (a constant, an input, or a function of shapes).</summary>
    public long? ScalarValue(int i) => scalarValue(i);
}
