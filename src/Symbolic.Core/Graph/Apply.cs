using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// One application of an <see cref="Op"/> to input variables, producing one output variable.
/// Created only through <see cref="Make"/>, which returns the existing node when the same op has
/// already been applied to the same inputs.
/// </summary>
public sealed class Apply
{
    private Apply(Op op, Variable[] inputs, TensorType type, string? name)
    {
        Op = op;
        InputArray = inputs;
        Inputs = inputs;
        Output = new Variable(type, name, this);
    }

    public Op Op { get; }

    public IReadOnlyList<Variable> Inputs { get; }

    /// <summary>The inputs as the array the node owns that <see cref="Inputs"/> reads, for the node table's comparisons without an interface call.</summary>
    internal Variable[] InputArray { get; }

    public Variable Output { get; }

    /// <summary>
    /// Applies <paramref name="op"/>: infers the output type (raising <see cref="ArgumentException"/>
    /// for operands the op cannot take) and returns the shared node for this op and these inputs.
    /// </summary>
    public static Variable Make(Op op, params Variable[] inputs)
    {
        foreach (var v in inputs) ArgumentNullException.ThrowIfNull(v, nameof(inputs));
        return NodeTable.Intern(op, inputs, () =>
        {
            var type = op.InferType(inputs);
            return new Apply(op, (Variable[])inputs.Clone(), type, null);
        }).Output;
    }

    public override string ToString() => $"{Op.Name}({string.Join(", ", Inputs)})";
}
