namespace Symbolic.Rewrite.Engine;

/// <summary>Which rewrites run: rules or phases can be left out by name, and the unsafe rules as a group.</summary>
public sealed record RewriteOptions
{
    public IReadOnlySet<string> ExcludedRules { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> ExcludedPhases { get; init; } = new HashSet<string>();

    /// <summary>Leaves out every rule tagged unsafe (those that can change IEEE results).</summary>
    public bool ExcludeUnsafe { get; init; }

    /// <summary>The most rule firings a phase may make before the engine stops it.</summary>
    public int FiringBudget { get; init; } = 100_000;

    public static readonly RewriteOptions Default = new();
}
