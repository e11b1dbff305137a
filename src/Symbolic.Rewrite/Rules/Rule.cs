namespace Symbolic.Rewrite.Rules;

/// <summary>A rule from a rules file: <c>name [tags]: pattern => template if conditions</c>.</summary>
public sealed record Rule(string Name, Pattern Pattern, Pattern Template, IReadOnlyList<RuleCondition> Conditions, IReadOnlySet<string> Tags)
{
    /// <summary>Rules that can change IEEE results (x/x to 1 when x may be 0, x*0 to 0 when x may be infinite) carry the tag <c>unsafe</c>.</summary>
    public bool IsUnsafe => Tags.Contains("unsafe");

    /// <summary>The op name at the root of the pattern, or null for a rule whose pattern is a bare variable.</summary>
    public string? RootOp => Pattern is PatternCall c ? c.Op : null;

    public override string ToString() =>
        $"{Name}{(Tags.Count > 0 ? " [" + string.Join(", ", Tags) + "]" : "")}: {Pattern} => {Template}" +
        (Conditions.Count > 0 ? " if " + string.Join(", ", Conditions) : "");
}
