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
        var budget = new Budget(options.FiringBudget, current);
        var work = new Workspace(); // one for every pass: cleared, not remade
        foreach (var phase in Phases)
        {
            if (options.ExcludedPhases.Contains(phase.Name)) continue;
            current = RunPhase(phase, current, options, trace, budget, work);
        }
        return (current, trace);
    }

    /// <summary>
    /// The firings a phase may make: the one given, or by default <see cref="RewriteOptions.FiringsPerNode"/> for
    /// each node of the graph as given, and at least <see cref="RewriteOptions.MinimumBudget"/>. The graph is
    /// counted only once a phase has fired the minimum, which few graphs do, so that rewriting does not walk
    /// every graph once more just to size a limit it will not reach.
    /// </summary>
    private sealed class Budget(int? given, Variable[] graph)
    {
        private int? total = given;

        /// <summary>The phase's whole budget where it is known; otherwise the minimum, which may grow.</summary>
        public int Provisional => total ?? RewriteOptions.MinimumBudget;

        /// <summary>The whole budget, the graph counted where it was not.</summary>
        public int Total => total ??= (int)Math.Clamp(
            (long)RewriteOptions.FiringsPerNode * GraphWalk.TopologicalOrder(graph).Count, RewriteOptions.MinimumBudget, int.MaxValue);
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

    private static Variable[] RunPhase(Phase phase, Variable[] outputs, RewriteOptions options, RewriteTrace trace, Budget budget, Workspace work)
    {
        var replaced = new VariableMap<(string Rule, Variable After)>();
        var candidates = new Dictionary<string, IRewriter[]>(StringComparer.Ordinal);
        var left = new PhaseBudget(budget);
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            work.Memo.Clear();
            var visitor = new Visitor(phase, options, trace, left, replaced, candidates, work);
            var next = new Variable[outputs.Length];
            for (int i = 0; i < outputs.Length; i++) next[i] = visitor.Visit(outputs[i]);
            if (visitor.Fired == 0) return next;
            outputs = next;
            if (left.Spent)
            {
                trace.Note($"phase {phase.Name} spent its budget of {budget.Total} firings; the graph may not be at a fixpoint.");
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

    /// <summary>What is left of the budget in one phase, over all its passes.</summary>
    private sealed class PhaseBudget(Budget budget)
    {
        private int fired;
        private int limit = budget.Provisional;

        /// <summary>True when one more firing is allowed.</summary>
        public bool Allows
        {
            get
            {
                if (fired < limit) return true;
                limit = budget.Total; // the minimum reached: now the graph is counted, once
                return fired < limit;
            }
        }

        public bool Spent => !Allows;

        public void Spend() => fired++;
    }

    /// <summary>The room a pass works in, made once for all the phases of a run and its size kept between passes.</summary>
    private sealed class Workspace
    {
        /// <summary>
        /// What each visited node became; a node being rewritten maps, for now, to its last replacement, and is
        /// marked unfinished until that replacement is final. Cleared at the start of each pass.
        /// </summary>
        public readonly VariableMap<(Variable Result, bool Unfinished)> Memo = new();

        /// <summary>The frames of the nodes being visited, innermost last (structs: no object a node). Empty between visits.</summary>
        public Visitor.Frame[] Frames = new Visitor.Frame[64];
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
    /// <param name="work">The tables a pass works in, empty at its start, kept from pass to pass.</param>
    private sealed class Visitor(Phase phase, RewriteOptions options, RewriteTrace trace, PhaseBudget budget,
        VariableMap<(string Rule, Variable After)> replaced, Dictionary<string, IRewriter[]> candidates, Workspace work)
    {
        private readonly VariableMap<(Variable Result, bool Unfinished)> memo = work.Memo;

        public int Fired { get; private set; }

        /// <summary>True when a replacement read a node whose rewriting had not finished, so the result may not be a fixpoint.</summary>
        public bool ReadUnfinished { get; private set; }

        internal struct Frame
        {
            public Variable V;
            public Apply Node;

            /// <summary>The rebuilt inputs, made only once one of them differs from the node's own.</summary>
            public Variable[]? Inputs;

            public int Next;
            public bool Rewriting;
            public Variable Cur;

            /// <summary>The forms this node went through before its current one (null until a rule fires).</summary>
            public List<Variable>? Seen;

            public Frame(Variable v)
            {
                V = v;
                Node = v.Owner!;
                Cur = v;
            }

            /// <summary>Records the visited input <see cref="Next"/> as <paramref name="r"/>.</summary>
            public void SetInput(Variable r)
            {
                var own = Node.InputArray;
                if (Inputs is null)
                {
                    if (ReferenceEquals(r, own[Next])) return;
                    Inputs = new Variable[own.Length];
                    Array.Copy(own, Inputs, Next);
                }
                Inputs[Next] = r;
            }
        }

        /// <summary>The result for <paramref name="v"/> where it needs no visit of its own (visited already, or a leaf); otherwise null.</summary>
        private Variable? Known(Variable v)
        {
            ref var entry = ref memo.GetValueRefOrNullRef(v);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
            {
                if (entry.Unfinished) ReadUnfinished = true;
                return entry.Result;
            }
            if (v.Owner is not null) return null;
            memo[v] = (v, false);
            return v;
        }

        public Variable Visit(Variable root)
        {
            if (Known(root) is { } known) return known;
            int depth = 0;
            Push(ref depth, root);
            Variable? returned = null;
            while (true)
            {
                ref var f = ref work.Frames[depth - 1];
                if (!f.Rewriting)
                {
                    if (returned is not null)
                    {
                        f.SetInput(returned);
                        f.Next++;
                        returned = null;
                    }
                    var own = f.Node.InputArray;
                    Variable? child = null;
                    for (; f.Next < own.Length; f.Next++)
                    {
                        var input = own[f.Next];
                        if (Known(input) is not { } r)
                        {
                            child = input;
                            break;
                        }
                        f.SetInput(r);
                    }
                    if (child is not null)
                    {
                        Push(ref depth, child);
                        continue;
                    }
                    f.Cur = f.Inputs is { } rebuilt ? Apply.Make(f.Node.Op, rebuilt) : f.V;
                    f.Rewriting = true;
                }
                else if (returned is not null)
                {
                    f.Cur = returned;
                    returned = null;
                }
                if (f.Cur.Owner is { } curNode && budget.Allows && TryOnce(f.Cur, curNode) is { } step)
                {
                    (f.Seen ??= []).Add(f.Cur);
                    replaced[f.Cur] = (step.Rule, step.After);
                    trace.Add(step);
                    Fired++;
                    budget.Spend();
                    memo[f.Cur] = (step.After, true); // guards against re-entry while the replacement is visited
                    if (Known(step.After) is { } r) returned = r;
                    else Push(ref depth, step.After);
                    continue;
                }
                var cur = f.Cur;
                memo[f.V] = (cur, false);
                memo[cur] = (cur, false);
                if (f.Seen is not null)
                    foreach (var s in f.Seen)
                        memo[s] = (cur, false);
                f = default; // let go of what the frame held
                if (--depth == 0) return cur;
                returned = cur;
            }
        }

        private void Push(ref int depth, Variable v)
        {
            if (depth == work.Frames.Length) Array.Resize(ref work.Frames, work.Frames.Length * 2);
            work.Frames[depth++] = new Frame(v);
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
