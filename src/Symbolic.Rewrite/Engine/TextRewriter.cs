using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Engine;

/// <summary>A rule from a rules file, applied by matching its pattern at a node and building its template.</summary>
public sealed class TextRewriter : IRewriter
{
    public TextRewriter(Rule rule) => Rule = rule;

    public Rule Rule { get; }

    public string Name => Rule.Name;

    public bool IsUnsafe => Rule.IsUnsafe;

    public string? RootOp => Rule.RootOp;

    public Variable? TryRewrite(Variable v)
    {
        var m = Matcher.Try(Rule.Pattern, v);
        if (m is null || !Rule.Conditions.All(c => c.Holds(m))) return null;
        return TemplateBuilder.Build(Rule.Template, m);
    }

    public override string ToString() => Rule.ToString();
}

/// <summary>A rewrite written as code.</summary>
public sealed class CodeRewriter(string name, string? rootOp, Func<Variable, Variable?> rewrite, bool isUnsafe = false) : IRewriter
{
    public string Name => name;

    public bool IsUnsafe => isUnsafe;

    public string? RootOp => rootOp;

    public Variable? TryRewrite(Variable v) => rewrite(v);

    public override string ToString() => $"{name} (code)";
}
