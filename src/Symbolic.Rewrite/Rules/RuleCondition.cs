using Symbolic.Ops;

namespace Symbolic.Rewrite.Rules;

/// <summary>
/// A condition after <c>if</c>: a predicate on bound variables, such as <c>const(x)</c>,
/// <c>float(x)</c>, <c>ndim(x, 2)</c>, <c>scalar(x)</c>, <c>bcast(x, 0)</c> or <c>value(c, 1)</c>;
/// <c>not</c> before it negates it. <c>aligned(a)</c> names a bound op parameter instead (<c>sum{a}</c>): true for a
/// reduction that keeps its dims or reduces leading axes, whose result broadcasts back onto the groups it reduced.
/// </summary>
public sealed record RuleCondition(string Predicate, string Variable, IReadOnlyList<double> Numbers, bool Negated)
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>
    {
        "const", "float", "int", "ndim", "scalar", "bcast", "value", "shifted", "aligned",
    };

    /// <summary>Evaluates the condition on the bindings of a match.</summary>
    public bool Holds(Match match) =>
        OnParameters.Contains(Predicate) ? Holds(null, match.Params[Variable]) : Holds(match.Vars[Variable], null);

    /// <summary>Evaluates the condition on the variable it names, or for a predicate on a parameter, the op it names.</summary>
    internal bool Holds(Variable? v, Op? param)
    {
        bool r = Evaluate(v, param);
        return Negated ? !r : r;
    }

    /// <summary>The predicates on an op parameter rather than on a variable.</summary>
    public static readonly IReadOnlySet<string> OnParameters = new HashSet<string> { "aligned" };

    private bool Evaluate(Variable? v, Op? param)
    {
        if (Predicate == "aligned")
            return param is Symbolic.Ops.Reduce r && (r.KeepDims || r.Axes.Order().Select((a, i) => a == i).All(b => b));
        ArgumentNullException.ThrowIfNull(v);
        switch (Predicate)
        {
            case "const": return v is Constant;
            case "float": return v.DType.IsFloat();
            case "int": return !v.DType.IsFloat();
            case "scalar": return v.NDim == 0;
            case "ndim": return v.NDim == (int)Numbers[0];
            case "bcast":
            {
                int d = (int)Numbers[0];
                d = d < 0 ? d + v.NDim : d;
                return d >= 0 && d < v.NDim && v.Type.Shape[d] == 1;
            }
            case "value": return v is Constant c && Matcher.AllEqual(c, Numbers[0]);
            case "shifted": return IsShifted(v);
            default: throw new InvalidOperationException($"Unknown condition '{Predicate}'.");
        }
    }

    /// <summary>
    /// True for <c>y - stop_gradient(max(y))</c>, the max-shifted form the stable softmax family works on,
    /// and for the shift logsumexp uses, <c>y - stop_gradient(switch(isfinite(m), m, 0))</c> with <c>m = max(y)</c>.
    /// </summary>
    public static bool IsShifted(Variable v) => ShiftOf(v) is not null;

    /// <summary>The max node of a shifted form (see <see cref="IsShifted"/>), the plain max or the one inside the isfinite switch; otherwise null.</summary>
    public static Apply? ShiftOf(Variable v) =>
        v.Owner is { Op: Symbolic.Ops.Elemwise { Scalar.Name: "sub" } } sub
        && sub.Inputs[1].Owner is { Op: Symbolic.Ops.StopGradient } sg
        && (FiniteOrZeroOperand(sg.Inputs[0]) ?? sg.Inputs[0]) is var m
        && IsMaxOf(m, sub.Inputs[0])
            ? m.Owner
            : null;

    private static bool IsMaxOf(Variable m, Variable y) =>
        m.Owner is { Op: Symbolic.Ops.Reduce { Kind: Symbolic.Ops.ReduceKind.Max } } max && ReferenceEquals(max.Inputs[0], y);

    /// <summary>m, where <paramref name="v"/> is <c>switch(isfinite(m), m, 0)</c>; otherwise null.</summary>
    private static Variable? FiniteOrZeroOperand(Variable v) =>
        v.Owner is { Op: Symbolic.Ops.Elemwise { Scalar.Name: "switch" } } sw
        && sw.Inputs[0].Owner is { Op: Symbolic.Ops.Elemwise { Scalar.Name: "isfinite" } } test
        && ReferenceEquals(test.Inputs[0], sw.Inputs[1])
        && sw.Inputs[2] is Constant { Value.Size: 1 } zero && zero.ScalarValue == 0
            ? sw.Inputs[1]
            : null;

    public override string ToString() =>
        $"{(Negated ? "not " : "")}{Predicate}({string.Join(", ", new[] { Variable }.Concat(Numbers.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))))})";
}
