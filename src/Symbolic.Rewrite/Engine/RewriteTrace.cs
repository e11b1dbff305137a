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

    /// <summary>
    /// The steps that produced <paramref name="v"/> or a node it is computed from, in the order they fired.
    /// Linear in the nodes the trace and <paramref name="v"/> reach: each node joins each set below once.
    /// </summary>
    public IEnumerable<RewriteStep> Explain(Variable v)
    {
        ArgumentNullException.ThrowIfNull(v);
        // A step matters if its result is in the final graph or under a node that a later step
        // that matters rewrote, or if its result contains such a node (it was rewritten further inside).
        // Walking back from the last step: `final` is every node the steps chosen so far (and v) are
        // computed from, closed downwards; `containsRewritten` is every node that is, or is computed
        // from, a node a chosen step rewrote, closed upwards over the consumers of every graph the
        // trace names. A step's result is checked against both in constant time.
        var consumers = Consumers(v);
        var final = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var containsRewritten = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var work = new Stack<Variable>();
        AddBelow(v);
        var chosen = new List<RewriteStep>();
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            var s = steps[i];
            if (!final.Contains(s.After) && !containsRewritten.Contains(s.After)) continue;
            chosen.Add(s);
            AddAbove(s.Before);
            AddBelow(s.Before);
        }
        chosen.Reverse();
        return chosen;

        void AddBelow(Variable root)
        {
            if (!final.Add(root)) return; // already there, and so is all it is computed from
            work.Push(root);
            while (work.Count > 0)
                if (work.Pop().Owner is { } node)
                    foreach (var input in node.Inputs)
                        if (final.Add(input)) work.Push(input);
        }

        void AddAbove(Variable root)
        {
            if (!containsRewritten.Add(root)) return; // already there, and so is every node computed from it
            work.Push(root);
            while (work.Count > 0)
                if (consumers.TryGetValue(work.Pop(), out var users))
                    foreach (var user in users)
                        if (containsRewritten.Add(user)) work.Push(user);
        }
    }

    /// <summary>For every variable of the graphs of <paramref name="v"/> and of every step, the variables that read it.</summary>
    private Dictionary<Variable, List<Variable>> Consumers(Variable v)
    {
        var consumers = new Dictionary<Variable, List<Variable>>(ReferenceEqualityComparer.Instance);
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var work = new Stack<Variable>();
        void Walk(Variable root)
        {
            if (!seen.Add(root)) return;
            work.Push(root);
            while (work.Count > 0)
            {
                var user = work.Pop();
                if (user.Owner is not { } node) continue;
                foreach (var input in node.Inputs)
                {
                    if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                    list.Add(user);
                    if (seen.Add(input)) work.Push(input);
                }
            }
        }
        Walk(v);
        foreach (var s in steps)
        {
            Walk(s.Before);
            Walk(s.After);
        }
        return consumers;
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
