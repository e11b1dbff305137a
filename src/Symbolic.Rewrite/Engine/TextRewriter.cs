using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Engine;

/// <summary>A rule from a rules file, applied by matching its pattern at a node and building its template.</summary>
public sealed class TextRewriter : IRewriter
{
    private readonly CompiledPattern pattern;

    /// <summary>Per condition, the slot of the variable (or, for a condition on a parameter, the parameter) it names; -1 where the pattern binds no such name.</summary>
    private readonly int[] conditionSlots;

    private readonly bool[] onParameter;

    private readonly Func<Bindings, bool> conditionsHold;

    public TextRewriter(Rule rule)
    {
        Rule = rule;
        pattern = Matcher.Compile(rule.Pattern);
        onParameter = rule.Conditions.Select(c => RuleCondition.OnParameters.Contains(c.Predicate)).ToArray();
        conditionSlots = rule.Conditions.Select((c, i) => onParameter[i] ? pattern.ParamSlot(c.Variable) : pattern.VarSlot(c.Variable)).ToArray();
        conditionsHold = ConditionsHold;
    }

    public Rule Rule { get; }

    public string Name => Rule.Name;

    public bool IsUnsafe => Rule.IsUnsafe;

    public string? RootOp => Rule.RootOp;

    public Variable? TryRewrite(Variable v)
    {
        var b = Bindings.Rent(pattern);
        try
        {
            if (!pattern.TryGreedy(v, b)) return null;
            // The first pairing of a commutative op's operands failed the conditions; another may pass them.
            if (!ConditionsHold(b) && !pattern.TryEach(v, b, conditionsHold)) return null;
            return TemplateBuilder.Build(Rule.Template, b.ToMatch(pattern));
        }
        finally
        {
            b.Release();
        }
    }

    private bool ConditionsHold(Bindings b)
    {
        var conditions = Rule.Conditions;
        for (int i = 0; i < conditions.Count; i++)
        {
            var c = conditions[i];
            int slot = conditionSlots[i];
            bool holds = slot < 0 ? c.Holds(b.ToMatch(pattern)) // names nothing the pattern binds: fails as the match's lookup does
                : onParameter[i] ? c.Holds(null, b.Params[slot]) : c.Holds(b.Vars[slot], null);
            if (!holds) return false;
        }
        return true;
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
