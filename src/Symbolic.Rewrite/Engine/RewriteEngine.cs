using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Engine;

/// <summary>
/// Runs phases of rewrites over a graph. Within a phase, nodes are visited inputs first, with a
/// stack of the engine's own (a chain of any depth is safe); at each node the phase's rules are
/// tried in order, and a replacement is itself visited, so each node is rewritten once, after its
/// inputs are final, and one pass reaches the fixpoint: the work is linear in the graph and its
/// firings. Only where a replacement read a node still being rewritten is the graph walked again
/// (at most 20 passes). The firing budget grows with the graph (see <see cref="RewriteOptions.FiringBudget"/>).
/// The order of firing depends on the graph and the rule order alone. Every firing goes to the
/// trace (unless <see cref="RewriteOptions.RecordTrace"/> is off). A replacement must keep the node's dtype and broadcast shape (a weak constant is cast
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
        var trace = new RewriteTrace(options.RecordTrace);
        var current = outputs.ToArray();
        int budget = options.FiringBudget ?? Math.Max(RewriteOptions.MinimumBudget, RewriteOptions.FiringsPerNode * GraphWalk.TopologicalOrder(current).Count);
        foreach (var phase in Phases)
        {
            if (options.ExcludedPhases.Contains(phase.Name)) continue;
            current = RunPhase(phase, current, options, trace, budget);
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

    private static Variable[] RunPhase(Phase phase, Variable[] outputs, RewriteOptions options, RewriteTrace trace, int budget)
    {
        int total = budget;
        var replaced = new Dictionary<Variable, (string Rule, Variable After)>(ReferenceEqualityComparer.Instance);
        var candidates = new Dictionary<string, IRewriter[]>(StringComparer.Ordinal);
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            var visitor = new Visitor(phase, options, trace, budget, replaced, candidates);
            var next = new Variable[outputs.Length];
            for (int i = 0; i < outputs.Length; i++) next[i] = visitor.Visit(outputs[i]);
            budget = visitor.Budget;
            if (visitor.Fired == 0) return next;
            outputs = next;
            if (budget <= 0)
            {
                trace.Note($"phase {phase.Name} spent its budget of {total} firings; the graph may not be at a fixpoint.");
                return outputs;
            }
            // A pass leaves every node it returns at a fixpoint of the phase's rules, its inputs first: rules
            // read a node and what it is computed from, and each node is rewritten only after its inputs are
            // final. Another pass could change something only where a replacement read a node still being
            // rewritten (a rule whose result contains the node it rewrote); only then is the graph walked again.
            if (!visitor.ReadUnfinished) return outputs;
        }
        trace.Note($"phase {phase.Name} still changed the graph after {MaxPasses} passes.");
        return outputs;
    }

    /// <summary>
    /// One pass over the graph, inputs first, with a stack of its own rather than the call stack, so that a
    /// chain of any length is visited. The order of visits and firings is that of a depth-first recursion:
    /// at a node, its inputs in order, then the rules on the rebuilt node, and each replacement visited in
    /// turn (its new inputs first) until no rule fires.
    /// </summary>
    /// <param name="replaced">
    /// Every node rewritten away in this phase, with the rule that did it and what it became. A rule that would
    /// bring one back closes a cycle only when that node's rewrites lead back to the node at hand; a node that
    /// merely appears again (log(1 + exp(x)) becoming log1p(exp(x)), which was rewritten to softplus elsewhere
    /// in the graph) is rewritten again like any other.
    /// </param>
    private sealed class Visitor(Phase phase, RewriteOptions options, RewriteTrace trace, int budget,
        Dictionary<Variable, (string Rule, Variable After)> replaced, Dictionary<string, IRewriter[]> candidates)
    {
        /// <summary>What each visited node became; a node being rewritten maps, for now, to its last replacement.</summary>
        private readonly Dictionary<Variable, Variable> memo = new(ReferenceEqualityComparer.Instance);

        /// <summary>Nodes rewritten whose replacement is still being visited (their memo entry is not final).</summary>
        private readonly HashSet<Variable> unfinished = new(ReferenceEqualityComparer.Instance);

        public int Fired { get; private set; }

        public int Budget { get; private set; } = budget;

        /// <summary>True when a replacement read a node whose rewriting had not finished, so the result may not be a fixpoint.</summary>
        public bool ReadUnfinished { get; private set; }

        private sealed class Frame(Variable v, Apply node)
        {
            public readonly Variable V = v;
            public readonly Apply Node = node;
            public readonly Variable[] Inputs = new Variable[node.Inputs.Count];
            public int Next;
            public bool Changed;
            public bool Rewriting;
            public Variable Cur = v;
            public List<Variable>? Seen;
        }

        /// <summary>The result for <paramref name="v"/> where it needs no visit of its own (visited already, or a leaf); otherwise null.</summary>
        private Variable? Known(Variable v)
        {
            if (memo.TryGetValue(v, out var done))
            {
                if (unfinished.Contains(v)) ReadUnfinished = true;
                return done;
            }
            if (v.Owner is not null) return null;
            memo[v] = v;
            return v;
        }

        public Variable Visit(Variable root)
        {
            if (Known(root) is { } known) return known;
            var stack = new Stack<Frame>();
            stack.Push(new Frame(root, root.Owner!));
            Variable? returned = null;
            while (true)
            {
                var f = stack.Peek();
                if (!f.Rewriting)
                {
                    if (returned is not null)
                    {
                        f.Inputs[f.Next] = returned;
                        f.Changed |= !ReferenceEquals(returned, f.Node.Inputs[f.Next]);
                        f.Next++;
                        returned = null;
                    }
                    Frame? child = null;
                    for (; f.Next < f.Inputs.Length; f.Next++)
                    {
                        var input = f.Node.Inputs[f.Next];
                        if (Known(input) is not { } r)
                        {
                            child = new Frame(input, input.Owner!);
                            break;
                        }
                        f.Inputs[f.Next] = r;
                        f.Changed |= !ReferenceEquals(r, input);
                    }
                    if (child is not null)
                    {
                        stack.Push(child);
                        continue;
                    }
                    f.Cur = f.Changed ? Apply.Make(f.Node.Op, f.Inputs) : f.V;
                    f.Rewriting = true;
                }
                else if (returned is not null)
                {
                    f.Cur = returned;
                    returned = null;
                }
                if (Budget > 0 && f.Cur.Owner is { } curNode && TryOnce(f.Cur, curNode) is { } step)
                {
                    (f.Seen ??= []).Add(f.Cur);
                    replaced[f.Cur] = (step.Rule, step.After);
                    trace.Add(step);
                    Fired++;
                    Budget--;
                    memo[f.Cur] = step.After; // guards against re-entry while the replacement is visited
                    unfinished.Add(f.Cur);
                    if (Known(step.After) is { } r) returned = r;
                    else stack.Push(new Frame(step.After, step.After.Owner!));
                    continue;
                }
                var cur = f.Cur;
                memo[f.V] = cur;
                memo[cur] = cur;
                if (f.Seen is not null)
                    foreach (var s in f.Seen)
                    {
                        memo[s] = cur;
                        unfinished.Remove(s);
                    }
                unfinished.Remove(cur);
                stack.Pop();
                if (stack.Count == 0) return cur;
                returned = cur;
            }
        }

        private IRewriter[] CandidatesOf(Apply node)
        {
            var name = Matcher.PatternName(node.Op);
            if (!candidates.TryGetValue(name, out var list))
                candidates[name] = list = phase.Candidates(name)
                    .Where(r => !options.ExcludedRules.Contains(r.Name) && !(options.ExcludeUnsafe && r.IsUnsafe))
                    .ToArray();
            return list;
        }

        private RewriteStep? TryOnce(Variable cur, Apply node)
        {
            foreach (var r in CandidatesOf(node))
            {
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
