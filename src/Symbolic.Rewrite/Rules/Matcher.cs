using System.Runtime.CompilerServices;
using Symbolic.Ops;

namespace Symbolic.Rewrite.Rules;

/// <summary>The bindings of a successful match: pattern variables to graph variables, op parameters to ops.</summary>
public sealed class Match
{
    public Dictionary<string, Variable> Vars { get; } = new();

    public Dictionary<string, Op> Params { get; } = new();

    public Match Clone()
    {
        var m = new Match();
        foreach (var kv in Vars) m.Vars[kv.Key] = kv.Value;
        foreach (var kv in Params) m.Params[kv.Key] = kv.Value;
        return m;
    }
}

/// <summary>Matches patterns against graphs. <c>add</c> and <c>mul</c> match their arguments in either order.</summary>
public static class Matcher
{
    internal static readonly HashSet<string> Commutative = ["add", "mul", "maximum", "minimum", "eq", "neq", "and", "or"];

    private static readonly ConditionalWeakTable<Pattern, CompiledPattern> Compiled = new();

    /// <summary>The name an op has in patterns: its printed name without parameters (<c>sum</c>, <c>cast</c>, <c>dimshuffle</c>).</summary>
    public static string PatternName(Op op) => op.Stem;

    /// <summary>
    /// The match of <paramref name="pattern"/> at <paramref name="v"/>, or null. A commutative op's operands are
    /// paired as written first, then swapped; the first pairing whose operands match is kept (a later mismatch
    /// elsewhere does not go back to try the other pairing: see <see cref="TryWhere"/> for that).
    /// </summary>
    public static Match? Try(Pattern pattern, Variable v)
    {
        var p = Compile(pattern);
        var b = Bindings.Rent(p);
        var m = p.TryGreedy(v, b) ? b.ToMatch(p) : null;
        b.Release();
        return m;
    }

    /// <summary>
    /// The first match, over every way the commutative ops' operands can be paired, that <paramref name="accept"/>
    /// takes; null where none does. <see cref="Try"/> stops at the first pairing, so that a rule such as
    /// <c>x * z => ... if value(z, 0)</c> would miss <c>0 * x</c>, whose first pairing binds z to x: a rule whose
    /// conditions reject the first match is tried again through this.
    /// </summary>
    public static Match? TryWhere(Pattern pattern, Variable v, Func<Match, bool> accept)
    {
        var p = Compile(pattern);
        var b = Bindings.Rent(p); // taken while in use: a match that accept makes rents its own
        var m = p.TryEach(v, b, bound => accept(bound.ToMatch(p))) ? b.ToMatch(p) : null;
        b.Release();
        return m;
    }

    /// <summary>The pattern as the matcher runs it (made once per pattern and kept while the pattern lives).</summary>
    internal static CompiledPattern Compile(Pattern pattern) => Compiled.GetValue(pattern, p => new CompiledPattern(p));

    /// <summary>True when every element of the constant equals <paramref name="value"/>.</summary>
    public static bool AllEqual(Constant c, double value)
    {
        if (c.Value.Size == 0) return false;
        for (int i = 0; i < c.Value.Size; i++)
            if (c.Value.GetDouble(i) != value) return false;
        return true;
    }
}

/// <summary>
/// The bindings of a match in progress: one slot per pattern variable and per op parameter, numbered by
/// the <see cref="CompiledPattern"/>, with a trail of the slots bound so that a failed trial is undone in
/// place rather than matched on a copy. Empty between matches, so one can serve every pattern in turn.
/// </summary>
internal sealed class Bindings
{
    private int[] trail = [];
    private int trailLength;

    public Variable?[] Vars { get; private set; } = [];

    public Op?[] Params { get; private set; } = [];

    /// <summary>One set of bindings each thread reuses (taken while in use, so a nested match makes its own).</summary>
    [ThreadStatic]
    private static Bindings? spare;

    /// <summary>Empty bindings with room for <paramref name="p"/>'s slots; give them back with <see cref="Release"/>.</summary>
    public static Bindings Rent(CompiledPattern p)
    {
        var b = spare ?? new Bindings();
        spare = null;
        if (b.Vars.Length < p.VarNames.Length) b.Vars = new Variable?[p.VarNames.Length];
        if (b.Params.Length < p.ParamNames.Length) b.Params = new Op?[p.ParamNames.Length];
        if (b.trail.Length < b.Vars.Length + b.Params.Length) b.trail = new int[b.Vars.Length + b.Params.Length];
        return b;
    }

    public void Release()
    {
        Clear();
        spare = this;
    }

    public int Mark => trailLength;

    public void BindVar(int slot, Variable v)
    {
        Vars[slot] = v;
        trail[trailLength++] = slot;
    }

    public void BindParam(int slot, Op op)
    {
        Params[slot] = op;
        trail[trailLength++] = ~slot;
    }

    /// <summary>Unbinds every slot bound since <paramref name="mark"/>.</summary>
    public void Undo(int mark)
    {
        while (trailLength > mark)
        {
            int s = trail[--trailLength];
            if (s >= 0) Vars[s] = null;
            else Params[~s] = null;
        }
    }

    public void Clear() => Undo(0);

    /// <summary>The bindings as a <see cref="Match"/>, by the names <paramref name="p"/> gives the slots.</summary>
    public Match ToMatch(CompiledPattern p)
    {
        var m = new Match();
        for (int i = 0; i < p.VarNames.Length; i++)
            if (Vars[i] is { } v) m.Vars[p.VarNames[i]] = v;
        for (int i = 0; i < p.ParamNames.Length; i++)
            if (Params[i] is { } op) m.Params[p.ParamNames[i]] = op;
        return m;
    }
}

/// <summary>
/// A pattern flattened for matching: its nodes in pre-order, each variable and op parameter numbered, so
/// that a match binds array slots and allocates nothing until it succeeds. The result of every match is
/// that of the pattern tree walked as written (see <see cref="Matcher.Try"/> and <see cref="Matcher.TryWhere"/>).
/// </summary>
internal sealed class CompiledPattern
{
    private enum Kind : byte { Var, Number, Call }

    private readonly struct Node(Kind kind, int slot, string? op, int[]? args, double value, int choice)
    {
        public readonly Kind Kind = kind;

        /// <summary>A variable's slot; for a call, its parameter's slot, or -1.</summary>
        public readonly int Slot = slot;

        public readonly string? Op = op;
        public readonly int[]? Args = args;
        public readonly double Value = value;

        /// <summary>For a commutative call of two operands, its number among them in pre-order; otherwise -1.</summary>
        public readonly int Choice = choice;
    }

    private readonly Node[] nodes;

    /// <summary>How many commutative calls the pattern has (each can pair its operands two ways).</summary>
    private readonly int choices;

    public CompiledPattern(Pattern pattern)
    {
        var vars = new List<string>();
        var pars = new List<string>();
        var list = new List<Node>();
        // Pre-order numbering with a stack of our own: children are numbered after their parent, in order.
        var pending = new Stack<(Pattern P, int[]? ParentArgs, int Index)>();
        pending.Push((pattern, null, 0));
        while (pending.Count > 0)
        {
            var (p, parentArgs, index) = pending.Pop();
            int at = list.Count;
            if (parentArgs is not null) parentArgs[index] = at;
            switch (p)
            {
                case PatternVar v:
                    int slot = vars.IndexOf(v.Name);
                    if (slot < 0) { slot = vars.Count; vars.Add(v.Name); }
                    list.Add(new Node(Kind.Var, slot, null, null, 0, -1));
                    break;
                case PatternNumber n:
                    list.Add(new Node(Kind.Number, -1, null, null, n.Value, -1));
                    break;
                case PatternCall c:
                    int param = -1;
                    if (c.Param is { } name)
                    {
                        param = pars.IndexOf(name);
                        if (param < 0) { param = pars.Count; pars.Add(name); }
                    }
                    int choice = c.Args.Count == 2 && Matcher.Commutative.Contains(c.Op) ? choices++ : -1;
                    var args = new int[c.Args.Count];
                    list.Add(new Node(Kind.Call, param, c.Op, args, 0, choice));
                    for (int i = c.Args.Count - 1; i >= 0; i--) pending.Push((c.Args[i], args, i));
                    break;
                default:
                    throw new InvalidOperationException($"Cannot match {p}.");
            }
        }
        nodes = list.ToArray();
        VarNames = vars.ToArray();
        ParamNames = pars.ToArray();
    }

    public string[] VarNames { get; }

    public string[] ParamNames { get; }

    /// <summary>The slot of a pattern variable, or -1.</summary>
    public int VarSlot(string name) => Array.IndexOf(VarNames, name);

    /// <summary>The slot of an op parameter, or -1.</summary>
    public int ParamSlot(string name) => Array.IndexOf(ParamNames, name);

    /// <summary>
    /// Matches as <see cref="Matcher.Try"/> does: at a commutative call, the operands as written, else swapped,
    /// keeping the first pairing whose operands match. On failure the bindings are as they were.
    /// </summary>
    public bool TryGreedy(Variable v, Bindings b)
    {
        int mark = b.Mark;
        if (Greedy(0, v, b)) return true;
        b.Undo(mark);
        return false;
    }

    private bool Greedy(int at, Variable v, Bindings b)
    {
        ref readonly var n = ref nodes[at];
        switch (n.Kind)
        {
            case Kind.Var:
                if (b.Vars[n.Slot] is { } bound) return ReferenceEquals(bound, v);
                b.BindVar(n.Slot, v);
                return true;
            case Kind.Number:
                return v is Constant c && Matcher.AllEqual(c, n.Value);
            default:
            {
                if (!Head(in n, v, b, out var node)) return false;
                var args = n.Args!;
                var inputs = node.InputArray;
                if (n.Choice >= 0)
                {
                    int mark = b.Mark;
                    if (Greedy(args[0], inputs[0], b) && Greedy(args[1], inputs[1], b)) return true;
                    b.Undo(mark);
                    if (Greedy(args[0], inputs[1], b) && Greedy(args[1], inputs[0], b)) return true;
                    b.Undo(mark);
                    return false;
                }
                for (int i = 0; i < args.Length; i++)
                    if (!Greedy(args[i], inputs[i], b)) return false;
                return true;
            }
        }
    }

    /// <summary>
    /// Matches as <see cref="Matcher.TryWhere"/> does: every pairing of the commutative calls' operands, in the
    /// order a depth-first search over the pattern meets them (the first call's pairing as written before its
    /// swap, and so on inward), until <paramref name="accept"/> takes one. On success the bindings hold that match;
    /// on failure they are empty.
    /// </summary>
    public bool TryEach(Variable v, Bindings b, Func<Bindings, bool> accept)
    {
        // The pairings in the order of a depth-first search: the first commutative call in pre-order is the
        // most significant choice. (A search that backtracks visits them in this order; pairings that fail
        // before a later call is reached are tried again here, and fail again, at no other cost.)
        int count = 1 << choices;
        for (int mask = 0; mask < count; mask++)
        {
            b.Clear();
            if (Fixed(0, v, b, mask) && accept(b)) return true;
        }
        b.Clear();
        return false;
    }

    private bool Fixed(int at, Variable v, Bindings b, int mask)
    {
        ref readonly var n = ref nodes[at];
        switch (n.Kind)
        {
            case Kind.Var:
                if (b.Vars[n.Slot] is { } bound) return ReferenceEquals(bound, v);
                b.BindVar(n.Slot, v);
                return true;
            case Kind.Number:
                return v is Constant c && Matcher.AllEqual(c, n.Value);
            default:
            {
                if (!Head(in n, v, b, out var node)) return false;
                var args = n.Args!;
                var inputs = node.InputArray;
                bool swap = n.Choice >= 0 && (mask >> (choices - 1 - n.Choice) & 1) != 0;
                for (int i = 0; i < args.Length; i++)
                    if (!Fixed(args[i], inputs[swap ? 1 - i : i], b, mask)) return false;
                return true;
            }
        }
    }

    /// <summary>The call's own test: an owner with the op's name and arity, and its parameter bound or equal to the one bound.</summary>
    private static bool Head(in Node n, Variable v, Bindings b, out Apply node)
    {
        node = v.Owner!;
        if (node is null || node.InputArray.Length != n.Args!.Length || !ReferenceEquals(node.Op.Stem, n.Op) && node.Op.Stem != n.Op) return false;
        if (n.Slot >= 0)
        {
            if (b.Params[n.Slot] is { } op) return op.Equals(node.Op);
            b.BindParam(n.Slot, node.Op);
        }
        return true;
    }
}
