namespace Symbolic.Rewrite.Engine;

/// <summary>Which rewrites run: rules or phases can be left out by name, and the unsafe rules as a group.</summary>
public sealed record RewriteOptions
{
    public IReadOnlySet<string> ExcludedRules { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> ExcludedPhases { get; init; } = new HashSet<string>();

    /// <summary>
    /// Leaves out every rule tagged unsafe (those that can change IEEE results: x * 0 to 0 where x may be
    /// infinite). True by default: a rewritten graph computes what the graph as written computes.
    /// </summary>
    public bool ExcludeUnsafe { get; init; } = true;

    /// <summary>
    /// The most rule firings a phase may make before the engine stops it. Null (the default): in proportion
    /// to the graph, <see cref="FiringsPerNode"/> for each node it starts with and never fewer than
    /// <see cref="MinimumBudget"/>, so that a large graph is not left half rewritten.
    /// </summary>
    public int? FiringBudget { get; init; }

    /// <summary>
    /// Record every firing in the trace (the default). Off, the trace keeps only its notes, and the graphs
    /// each firing replaced are not kept alive by it: for very large graphs.
    /// </summary>
    public bool RecordTrace { get; init; } = true;

    /// <summary>The default budget's firings per node of the graph.</summary>
    public const int FiringsPerNode = 32;

    /// <summary>The default budget's least number of firings, whatever the graph's size.</summary>
    public const int MinimumBudget = 100_000;

    public static readonly RewriteOptions Default = new();
}
