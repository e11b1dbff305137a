namespace Symbolic.Rewrite.Rules;

/// <summary>A pattern (left side of a rule) or template (right side): a tree of calls, pattern variables and numbers.</summary>
public abstract record Pattern;

/// <summary>A pattern variable: matches any variable; the same name twice must match the same node.</summary>
public sealed record PatternVar(string Name) : Pattern
{
    public override string ToString() => Name;
}

/// <summary>A number: matches a constant whose elements all equal it.</summary>
public sealed record PatternNumber(double Value) : Pattern
{
    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// An op applied to arguments. <see cref="Param"/>, when present (<c>sum{a}(x)</c>), binds the op's
/// parameters (axes, keepdims, pattern) so the template can build an op with the same ones.
/// </summary>
public sealed record PatternCall(string Op, string? Param, IReadOnlyList<Pattern> Args) : Pattern
{
    public override string ToString() => $"{Op}{(Param is null ? "" : "{" + Param + "}")}({string.Join(", ", Args)})";
}
