namespace Symbolic.Rewrite.Engine;

/// <summary>A named phase: its rewrites, tried at each node in the order they are listed.</summary>
public sealed class Phase
{
    private readonly Dictionary<string, List<IRewriter>> byRoot = new();
    private readonly List<IRewriter> anyRoot = new();
    private readonly List<IRewriter> all = new();

    public Phase(string name) => Name = name;

    public string Name { get; }

    public IReadOnlyList<IRewriter> Rewriters => all;

    public void Add(IRewriter r)
    {
        if (all.Any(x => x.Name == r.Name))
            throw new InvalidOperationException($"Phase {Name} already has a rewrite named '{r.Name}'.");
        all.Add(r);
        if (r.RootOp is { } root)
        {
            if (!byRoot.TryGetValue(root, out var list)) byRoot[root] = list = new();
            list.Add(r);
        }
        else anyRoot.Add(r);
    }

    /// <summary>The rewrites that may apply at a node whose op has this pattern name, in registration order.</summary>
    internal IEnumerable<IRewriter> Candidates(string rootOp)
    {
        if (!byRoot.TryGetValue(rootOp, out var list)) return anyRoot;
        if (anyRoot.Count == 0) return list;
        return all.Where(r => r.RootOp is null || r.RootOp == rootOp);
    }
}
