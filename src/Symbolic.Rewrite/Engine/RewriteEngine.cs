using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Engine;

/// <summary>
/// Runs phases of rewrites over a graph. Within a phase, nodes are visited inputs first; at each
/// node the phase's rules are tried in order, and a replacement is itself visited, so one pass
/// reaches a fixpoint unless a rule exposes work above it; passes repeat until nothing fires.
/// The order of firing depends on the graph and the rule order alone. Every firing goes to the
/// trace. A replacement must keep the node's dtype and broadcast shape (a weak constant is cast
/// to the dtype; anything else that does not fit is not applied).
/// </summary>
public sealed class RewriteEngine
{
    private const int MaxPasses = 20;

    public RewriteEngine(IReadOnlyList<Phase> phases) => Phases = phases;

    public IReadOnlyList<Phase> Phases { get; }

    public (Variable[] Outputs, RewriteTrace Trace) Run(IReadOnlyList<Variable> outputs, RewriteOptions? options = null)
    {
        options ??= RewriteOptions.Default;
        CheckNames(options);
        var trace = new RewriteTrace();
        var current = outputs.ToArray();
        foreach (var phase in Phases)
        {
            if (options.ExcludedPhases.Contains(phase.Name)) continue;
            current = RunPhase(phase, current, options, trace);
        }
        return (current, trace);
    }

    /// <summary>A misspelled rule or phase to leave out would silently leave it in: each name must be one this engine has.</summary>
    private void CheckNames(RewriteOptions options)
    {
        var unknownPhases = options.ExcludedPhases.Where(n => !Phases.Any(p => p.Name == n)).Order(StringComparer.Ordinal).ToList();
        if (unknownPhases.Count > 0)
            throw new ArgumentException(
                $"No rewrite phase is named {string.Join(", ", unknownPhases.Select(n => $"'{n}'"))}; the phases are {string.Join(", ", Phases.Select(p => p.Name))}.", nameof(options));
        var unknownRules = options.ExcludedRules.Where(n => !Phases.Any(p => p.Rewriters.Any(r => r.Name == n))).Order(StringComparer.Ordinal).ToList();
        if (unknownRules.Count > 0)
            throw new ArgumentException(
                $"No rewrite rule is named {string.Join(", ", unknownRules.Select(n => $"'{n}'"))}; the rules are {string.Join(", ", Phases.SelectMany(p => p.Rewriters).Select(r => r.Name).Distinct().Order(StringComparer.Ordinal))}.", nameof(options));
    }

    private static Variable[] RunPhase(Phase phase, Variable[] outputs, RewriteOptions options, RewriteTrace trace)
    {
        int budget = options.FiringBudget;
        var replaced = new Dictionary<Variable, (string Rule, Variable After)>(ReferenceEqualityComparer.Instance);
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            var visitor = new Visitor(phase, options, trace, budget, replaced);
            var next = outputs.Select(visitor.Visit).ToArray();
            budget = visitor.Budget;
            if (visitor.Fired == 0) return next;
            outputs = next;
            if (budget <= 0)
            {
                trace.Note($"phase {phase.Name} spent its budget of {options.FiringBudget} firings; the graph may not be at a fixpoint.");
                return outputs;
            }
        }
        trace.Note($"phase {phase.Name} still changed the graph after {MaxPasses} passes.");
        return outputs;
    }

    /// <param name="replaced">
    /// Every node rewritten away in this phase, with the rule that did it and what it became. A rule that would
    /// bring one back closes a cycle only when that node's rewrites lead back to the node at hand; a node that
    /// merely appears again (log(1 + exp(x)) becoming log1p(exp(x)), which was rewritten to softplus elsewhere
    /// in the graph) is rewritten again like any other.
    /// </param>
    private sealed class Visitor(Phase phase, RewriteOptions options, RewriteTrace trace, int budget, Dictionary<Variable, (string Rule, Variable After)> replaced)
    {
        private readonly Dictionary<Variable, Variable> memo = new(ReferenceEqualityComparer.Instance);

        public int Fired { get; private set; }

        public int Budget { get; private set; } = budget;

        public Variable Visit(Variable v)
        {
            if (memo.TryGetValue(v, out var done)) return done;
            if (v.Owner is not { } node)
            {
                memo[v] = v;
                return v;
            }
            var inputs = new Variable[node.Inputs.Count];
            bool changed = false;
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = Visit(node.Inputs[i]);
                changed |= !ReferenceEquals(inputs[i], node.Inputs[i]);
            }
            var cur = changed ? Apply.Make(node.Op, inputs) : v;
            var seen = new List<Variable>();
            while (Budget > 0 && cur.Owner is { } curNode && TryOnce(cur, curNode) is { } step)
            {
                seen.Add(cur);
                replaced[cur] = (step.Rule, step.After);
                trace.Add(step);
                Fired++;
                Budget--;
                memo[cur] = step.After; // guards against re-entry while the replacement is visited
                cur = Visit(step.After);
            }
            memo[v] = cur;
            memo[cur] = cur;
            foreach (var s in seen) memo[s] = cur;
            return cur;
        }

        private RewriteStep? TryOnce(Variable cur, Apply node)
        {
            foreach (var r in phase.Candidates(Matcher.PatternName(node.Op)))
            {
                if (options.ExcludedRules.Contains(r.Name) || (options.ExcludeUnsafe && r.IsUnsafe)) continue;
                var repl = r.TryRewrite(cur);
                if (repl is null || ReferenceEquals(repl, cur)) continue;
                repl = Fit(repl, cur);
                if (repl is null || ReferenceEquals(repl, cur)) continue;
                if (LeadsBackTo(repl, cur) is { } earlier)
                {
                    trace.Note($"phase {phase.Name}: rule {r.Name} would turn {ExpressionText.Of(cur)} back into {ExpressionText.Of(repl)}, which rule {earlier} had rewritten: a cycle, not applied.");
                    continue;
                }
                return new RewriteStep(phase.Name, r.Name, cur, repl);
            }
            return null;
        }

        /// <summary>The rule that rewrote <paramref name="repl"/> where its chain of rewrites in this phase reaches <paramref name="cur"/>; otherwise null.</summary>
        private string? LeadsBackTo(Variable repl, Variable cur)
        {
            if (!replaced.TryGetValue(repl, out var first)) return null;
            var walked = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
            for (var v = repl; replaced.TryGetValue(v, out var step) && walked.Add(v); v = step.After)
                if (ReferenceEquals(step.After, cur)) return first.Rule;
            return null;
        }
    }

    /// <summary>
    /// The replacement with the node's dtype, or null where it would not have the node's shape: a dimension
    /// that is broadcastable (static size 1) where the node's is not, or that does not know a static size the node knows.
    /// </summary>
    internal static Variable? Fit(Variable repl, Variable original)
    {
        if (repl.NDim > original.NDim) return null;
        int lead = original.NDim - repl.NDim;
        for (int d = 0; d < original.NDim; d++)
        {
            bool origOne = original.Type.Shape[d] == 1;
            bool replOne = d < lead || repl.Type.Shape[d - lead] == 1;
            if (replOne && !origOne) return null;
            // A size the node knows statically (from a constant operand: x * [1, 1, 1] is (3,)) that the
            // replacement does not know would drop the run-time check that x has that size.
            if (original.Type.Shape[d] is { } size && size != 1 && repl.Type.Shape[d - lead] != size) return null;
        }
        if (lead > 0) repl = TensorMath.DimShuffle(repl, Enumerable.Repeat((object)'x', lead).Concat(Enumerable.Range(0, repl.NDim).Select(d => (object)d)).ToArray());
        if (repl.DType != original.DType) repl = repl is Constant c ? c.As(original.DType) : TensorMath.Cast(repl, original.DType);
        return repl;
    }
}
