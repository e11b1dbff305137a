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
        if (m is null) return null;
        if (!Rule.Conditions.All(c => c.Holds(m)))
        {
            // The first pairing of a commutative op's operands failed the conditions; another may pass them.
            m = Matcher.TryWhere(Rule.Pattern, v, k => Rule.Conditions.All(c => c.Holds(k)));
            if (m is null) return null;
        }
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
