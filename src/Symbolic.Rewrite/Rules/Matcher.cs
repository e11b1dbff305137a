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
    private static readonly HashSet<string> Commutative = ["add", "mul", "maximum", "minimum", "eq", "neq", "and", "or"];

    /// <summary>The name an op has in patterns: its printed name without parameters (<c>sum</c>, <c>cast</c>, <c>dimshuffle</c>).</summary>
    public static string PatternName(Op op)
    {
        var n = op.Name;
        int brace = n.IndexOf('{');
        return brace < 0 ? n : n[..brace];
    }

    public static Match? Try(Pattern pattern, Variable v)
    {
        var m = new Match();
        return Unify(pattern, v, m) ? m : null;
    }

    private static bool Unify(Pattern p, Variable v, Match m)
    {
        switch (p)
        {
            case PatternVar pv:
                if (m.Vars.TryGetValue(pv.Name, out var bound)) return ReferenceEquals(bound, v);
                m.Vars[pv.Name] = v;
                return true;
            case PatternNumber pn:
                return v is Constant c && AllEqual(c, pn.Value);
            case PatternCall call:
            {
                if (v.Owner is not { } node || PatternName(node.Op) != call.Op || node.Inputs.Count != call.Args.Count) return false;
                if (call.Param is { } param)
                {
                    if (m.Params.TryGetValue(param, out var op)) { if (!op.Equals(node.Op)) return false; }
                    else m.Params[param] = node.Op;
                }
                if (call.Args.Count == 2 && Commutative.Contains(call.Op))
                {
                    var trial = m.Clone();
                    if (Unify(call.Args[0], node.Inputs[0], trial) && Unify(call.Args[1], node.Inputs[1], trial))
                    {
                        Adopt(m, trial);
                        return true;
                    }
                    trial = m.Clone();
                    if (Unify(call.Args[0], node.Inputs[1], trial) && Unify(call.Args[1], node.Inputs[0], trial))
                    {
                        Adopt(m, trial);
                        return true;
                    }
                    return false;
                }
                for (int i = 0; i < call.Args.Count; i++)
                    if (!Unify(call.Args[i], node.Inputs[i], m)) return false;
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>
    /// The first match, over every way the commutative ops' operands can be paired, that <paramref name="accept"/>
    /// takes; null where none does. <see cref="Try"/> stops at the first pairing, so that a rule such as
    /// <c>x * z => ... if value(z, 0)</c> would miss <c>0 * x</c>, whose first pairing binds z to x: a rule whose
    /// conditions reject the first match is tried again through this.
    /// </summary>
    public static Match? TryWhere(Pattern pattern, Variable v, Func<Match, bool> accept)
    {
        Match? found = null;
        UnifyAll(pattern, v, new Match(), m =>
        {
            if (!accept(m)) return false;
            found = m.Clone();
            return true;
        });
        return found;
    }

    /// <summary>Unifies, then calls <paramref name="rest"/>; on its refusal, tries the other pairings of commutative operands.</summary>
    private static bool UnifyAll(Pattern p, Variable v, Match m, Func<Match, bool> rest)
    {
        switch (p)
        {
            case PatternVar pv:
                if (m.Vars.TryGetValue(pv.Name, out var bound)) return ReferenceEquals(bound, v) && rest(m);
                m.Vars[pv.Name] = v;
                if (rest(m)) return true;
                m.Vars.Remove(pv.Name);
                return false;
            case PatternNumber pn:
                return v is Constant c && AllEqual(c, pn.Value) && rest(m);
            case PatternCall call:
            {
                if (v.Owner is not { } node || PatternName(node.Op) != call.Op || node.Inputs.Count != call.Args.Count) return false;
                bool boundHere = false;
                if (call.Param is { } param)
                {
                    if (m.Params.TryGetValue(param, out var op)) { if (!op.Equals(node.Op)) return false; }
                    else { m.Params[param] = node.Op; boundHere = true; }
                }
                var inputs = node.Inputs;
                bool ok = UnifyArgs(call.Args, [.. inputs], 0, m, rest)
                    || call.Args.Count == 2 && Commutative.Contains(call.Op) && UnifyArgs(call.Args, [inputs[1], inputs[0]], 0, m, rest);
                if (!ok && boundHere) m.Params.Remove(call.Param!);
                return ok;
            }
            default:
                return false;
        }
    }

    private static bool UnifyArgs(IReadOnlyList<Pattern> args, Variable[] inputs, int i, Match m, Func<Match, bool> rest) =>
        i == args.Count ? rest(m) : UnifyAll(args[i], inputs[i], m, mm => UnifyArgs(args, inputs, i + 1, mm, rest));

    private static void Adopt(Match into, Match from)
    {
        foreach (var kv in from.Vars) into.Vars[kv.Key] = kv.Value;
        foreach (var kv in from.Params) into.Params[kv.Key] = kv.Value;
    }

    /// <summary>True when every element of the constant equals <paramref name="value"/>.</summary>
    public static bool AllEqual(Constant c, double value)
    {
        if (c.Value.Size == 0) return false;
        for (int i = 0; i < c.Value.Size; i++)
            if (c.Value.GetDouble(i) != value) return false;
        return true;
    }
}
