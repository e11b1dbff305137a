namespace Symbolic.Ops;

/// <summary>How a scalar op's computation and result types follow from its operands' types.</summary>
public enum ScalarTyping
{
    /// <summary>Computed and returned in the operands' common type (booleans promote to int64): add, max, abs.</summary>
    Arithmetic,
    /// <summary>Computed in a float type (integers promote to FloatX): exp, log, division.</summary>
    Float,
    /// <summary>Operands compared in their common type; the result is Bool.</summary>
    Compare,
    /// <summary>Operands read as truth values; the result is Bool.</summary>
    Logical,
    /// <summary>Switch: the first operand is a condition, the others meet in their common type.</summary>
    Select,
    /// <summary>The result has the fixed type of the op (Cast).</summary>
    Fixed,
    /// <summary>Second: the value of the second operand, broadcast to the first's shape.</summary>
    SecondOperand,
}

/// <summary>
/// A scalar function applied elementwise: its arity, typing, reference evaluation and gradient
/// rule. It knows no language: each backend spells it from a table of its own, keyed by
/// <see cref="Name"/>.
/// </summary>
public sealed class ScalarOp
{
    public delegate Variable?[] GradRule(IReadOnlyList<Variable> inputs, Variable output, Variable gOut);

    public ScalarOp(string name, int arity, ScalarTyping typing, Func<double[], double> eval,
        GradRule? grad, DType? fixedType = null, Func<long[], long>? integerEval = null)
    {
        IntegerEval = integerEval;
        Name = name;
        Arity = arity;
        Typing = typing;
        Eval = eval;
        Gradient = grad;
        FixedType = fixedType;
    }

    public string Name { get; }

    public int Arity { get; }

    public ScalarTyping Typing { get; }

    /// <summary>Reference evaluation on float64 operands (already rounded to their dtypes' values).</summary>
    public Func<double[], double> Eval { get; }

    /// <summary>
    /// Reference evaluation on integer operands for ops whose integer results can leave the type's
    /// range (add, sub, mul, neg, sqr, abs): computed in wrapping int64 arithmetic, so that the
    /// result wraps to the compute type as the generated code and NumPy do. Null where the float64
    /// evaluation is exact for integers.
    /// </summary>
    public Func<long[], long>? IntegerEval { get; }

    /// <summary>Null when the op has no gradient (its result is integer- or boolean-valued, or piecewise constant).</summary>
    public GradRule? Gradient { get; }

    public DType? FixedType { get; }

    /// <summary>The type operands are converted to before the op is applied.</summary>
    public DType ComputeType(IReadOnlyList<DType> operands) => Typing switch
    {
        ScalarTyping.Arithmetic => NoBool(DTypes.Upcast(operands)),
        ScalarTyping.Float => DTypes.Upcast(operands).ToFloat(),
        ScalarTyping.Compare => AllBool(operands) && Name is "eq" or "neq" ? DType.Bool : NoBool(DTypes.Upcast(operands)),
        ScalarTyping.Logical => DType.Bool,
        ScalarTyping.Select => DTypes.Upcast(operands.Skip(1)),
        ScalarTyping.Fixed => FixedType!.Value,
        ScalarTyping.SecondOperand => operands[1],
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Every operand boolean (a loop: LINQ over an enum is JIT-compiled in every fresh process).</summary>
    private static bool AllBool(IReadOnlyList<DType> operands)
    {
        for (int i = 0; i < operands.Count; i++)
            if (operands[i] != DType.Bool) return false;
        return true;
    }

    /// <summary>The type of the result.</summary>
    public DType OutputType(IReadOnlyList<DType> operands) => Typing switch
    {
        ScalarTyping.Compare or ScalarTyping.Logical => DType.Bool,
        _ => ComputeType(operands),
    };

    /// <summary>The type operand <paramref name="i"/> is converted to before the op reads it.</summary>
    public DType OperandType(int i, IReadOnlyList<DType> operands) => Typing switch
    {
        ScalarTyping.Select when i == 0 => DType.Bool,
        ScalarTyping.Fixed or ScalarTyping.SecondOperand => operands[i],
        _ => ComputeType(operands),
    };

    /// <summary>The type of the value the spelling template produces, before conversion to the output type.</summary>
    public DType TemplateResultType(IReadOnlyList<DType> operands) => Typing switch
    {
        ScalarTyping.Compare or ScalarTyping.Logical => DType.Bool,
        ScalarTyping.Fixed => operands[0],
        _ => ComputeType(operands),
    };

    private static DType NoBool(DType t) => t == DType.Bool ? DType.Int64 : t;

    public override string ToString() => Name;
}
