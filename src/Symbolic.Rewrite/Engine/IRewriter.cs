namespace Symbolic.Rewrite.Engine;

/// <summary>
/// A named rewrite registered in a phase: a text rule from a rules file, or a rule written as
/// code where it needs structure (constant folding, gemm, fusion).
/// </summary>
public interface IRewriter
{
    string Name { get; }

    /// <summary>True when the rewrite can change IEEE results (NaN or infinity become finite).</summary>
    bool IsUnsafe { get; }

    /// <summary>The pattern-name of the op it applies to (see Matcher.PatternName), or null for any node.</summary>
    string? RootOp { get; }

    /// <summary>The replacement for <paramref name="v"/>, or null when the rewrite does not apply.</summary>
    Variable? TryRewrite(Variable v);
}
