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
