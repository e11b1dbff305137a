using System.Text;

namespace Symbolic.Rewrite.Engine;

/// <summary>One firing: which rule, in which phase, turned which node into which.</summary>
public sealed record RewriteStep(string Phase, string Rule, Variable Before, Variable After)
{
    public override string ToString() => $"[{Phase}] {Rule}: {ExpressionText.Of(Before)} => {ExpressionText.Of(After)}";
}

/// <summary>Every firing of a rewrite, in order, so a user can ask why a node looks as it does.</summary>
public sealed class RewriteTrace
{
    private readonly List<RewriteStep> steps = new();
    private readonly List<string> notes = new();
    private readonly HashSet<string> noted = new(StringComparer.Ordinal);

    public RewriteTrace()
        : this(true)
    {
    }

    /// <param name="recording">False: firings are counted but not kept (see <see cref="RewriteOptions.RecordTrace"/>).</param>
    public RewriteTrace(bool recording) => IsRecording = recording;

    /// <summary>False when firings are not kept: <see cref="Steps"/> is then empty, and <see cref="Fired"/> still counts them.</summary>
    public bool IsRecording { get; }

    /// <summary>How many firings there were, recorded or not.</summary>
    public int Fired { get; private set; }

    public IReadOnlyList<RewriteStep> Steps => steps;

    /// <summary>What the engine stopped for: a cycle between rules, a spent budget.</summary>
    public IReadOnlyList<string> Notes => notes;

    internal void Add(RewriteStep step)
    {
        Fired++;
        if (IsRecording) steps.Add(step);
    }

    /// <summary>Adds a note once: a refused cycle is met again on every pass, and says nothing new the second time.</summary>
    internal void Note(string note)
    {
        if (noted.Add(note)) notes.Add(note);
    }

    /// <summary>The steps that produced <paramref name="v"/> or a node it is computed from.</summary>
    public IEnumerable<RewriteStep> Explain(Variable v)
    {
        // A step matters if its result is in the final graph or under a node that a later step
        // that matters rewrote, or if its result contains such a node (it was rewritten further inside).
        var final = new HashSet<Variable>(GraphWalk.Variables([v]), ReferenceEqualityComparer.Instance);
        var rewrittenLater = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var chosen = new List<RewriteStep>();
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            var s = steps[i];
            if (!final.Contains(s.After) && !GraphWalk.Variables([s.After]).Any(rewrittenLater.Contains)) continue;
            chosen.Add(s);
            rewrittenLater.Add(s.Before);
            final.UnionWith(GraphWalk.Variables([s.Before]));
        }
        chosen.Reverse();
        return chosen;
    }

    /// <summary>How many times each rule fired.</summary>
    public IReadOnlyDictionary<string, int> Counts() =>
        steps.GroupBy(s => s.Rule).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var s in steps) sb.Append(s).Append('\n');
        foreach (var n in notes) sb.Append("note: ").Append(n).Append('\n');
        return sb.ToString();
    }
}
