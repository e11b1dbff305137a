using Symbolic.Ops;

namespace Symbolic.CodeGen;

/// <summary>What a row step computes along the last axis of its input <c>x</c>.</summary>
public enum RowForm
{
    /// <summary>
    /// The stable log-softmax T.LogSoftmax and the cross-entropy rules build:
    /// <c>s - log(sum(exp(s)))</c> with <c>s = x - stop_gradient(max(x))</c>.
    /// </summary>
    LogSoftmax,
    /// <summary>
    /// The gradient that reverse mode gives the logits through that log-softmax, for an incoming
    /// gradient <c>g</c> of the log-softmax: <c>g + (sum(-g) / sum(exp(s))) * exp(s)</c> (softmax
    /// minus one-hot, scaled, for a cross-entropy).
    /// </summary>
    LogSoftmaxGrad,
}

/// <summary>
/// A step of the kernel plan that computes rows of the last axis in two passes: the row's maximum
/// and the sum of its shifted exponentials together (online rescaling), then the result. It
/// replaces every node in its plan step's members, none of which is stored but the root; a node
/// two row steps share (the forward's exponentials and sum, read by the gradient) is computed by
/// both. <see cref="G"/> is -1 for the log-softmax.
/// </summary>
public sealed record RowStep(RowForm Form, int X, int G)
{
    /// <summary>The slots the step reads: g (for the gradient) then x.</summary>
    public IReadOnlyList<int> Operands => G < 0 ? new[] { X } : new[] { G, X };
}

/// <summary>Recognizes the row forms in the rewritten graph (see <see cref="RowForm"/>).</summary>
internal static class RowPatterns
{
    /// <summary>The row form whose root is <paramref name="root"/>: its step, and every node it computes (root included).</summary>
    public static (RowStep Row, List<Apply> Members)? Match(Apply root, Schedule schedule)
    {
        if (!root.Output.DType.IsFloat() || root.Output.NDim == 0) return null;
        var members = new List<Apply> { root };
        if (Is(root, "sub") && MatchLogSumExp(root.Inputs[1], root.Inputs[0], members) is { } x)
            return Same(root, x) ? (new RowStep(RowForm.LogSoftmax, schedule.SlotOf(x), -1), members) : null;
        if (!Is(root, "add")) return null;
        for (int side = 0; side < 2; side++)
        {
            var g = root.Inputs[side];
            members.RemoveRange(1, members.Count - 1);
            if (g.DType != root.Output.DType || g.NDim != root.Output.NDim) continue;
            if (MatchScaledSoftmax(root.Inputs[1 - side], g, members) is { } gx && Same(root, gx) && g != gx)
                return (new RowStep(RowForm.LogSoftmaxGrad, schedule.SlotOf(gx), schedule.SlotOf(g)), members);
        }
        return null;
    }

    /// <summary>The result has x's dtype and shape (rank and broadcast pattern).</summary>
    private static bool Same(Apply root, Variable x)
    {
        if (x.DType != root.Output.DType || x.NDim != root.Output.NDim) return false;
        for (int d = 0; d < x.NDim; d++)
            if (x.Type.IsBroadcastable(d) != root.Output.Type.IsBroadcastable(d)) return false;
        return true;
    }

    /// <summary><c>log(sum(exp(s)))</c> over the last axis, kept, with <paramref name="s"/> the shift of some x: that x.</summary>
    private static Variable? MatchLogSumExp(Variable l, Variable s, List<Apply> members)
    {
        if (l.Owner is not { } log || !Is(log, "log")) return null;
        if (MatchSumExp(log.Inputs[0], s, members) is not { } x) return null;
        members.Add(log);
        return x;
    }

    /// <summary><c>sum{last, keepdims}(exp(s))</c> with <paramref name="s"/> the shift of some x: that x.</summary>
    private static Variable? MatchSumExp(Variable v, Variable s, List<Apply> members)
    {
        if (v.Owner is not { } sum || !IsLastAxis(sum, ReduceKind.Sum)) return null;
        if (sum.Inputs[0].Owner is not { } exp || !Is(exp, "exp") || exp.Inputs[0] != s) return null;
        if (MatchShift(s, members) is not { } x) return null;
        members.Add(exp);
        members.Add(sum);
        return x;
    }

    /// <summary><c>x - stop_gradient(max{last, keepdims, empty=-inf}(x))</c>: x.</summary>
    private static Variable? MatchShift(Variable s, List<Apply> members)
    {
        if (s.Owner is not { } sub || !Is(sub, "sub")) return null;
        var x = sub.Inputs[0];
        if (sub.Inputs[1].Owner is not { Op: StopGradient } sg) return null;
        if (sg.Inputs[0].Owner is not { } max || !IsLastAxis(max, ReduceKind.Max) || !((Reduce)max.Op).EmptyIsIdentity) return null;
        if (max.Inputs[0] != x || x.DType != s.DType || x.NDim != s.NDim) return null;
        members.Add(max);
        members.Add(sg);
        members.Add(sub);
        return x;
    }

    /// <summary>
    /// <c>second(e, sum(-g) / sum(e)) * e</c> (either order; the <c>second</c> may be absent) with
    /// <c>e = exp(s)</c>, s the shift of some x: that x.
    /// </summary>
    private static Variable? MatchScaledSoftmax(Variable v, Variable g, List<Apply> members)
    {
        if (v.Owner is not { } mul || !Is(mul, "mul")) return null;
        for (int side = 0; side < 2; side++)
        {
            var e = mul.Inputs[side];
            var factor = mul.Inputs[1 - side];
            if (e.Owner is not { } exp || !Is(exp, "exp")) continue;
            int start = members.Count;
            Apply? second = null;
            if (factor.Owner is { } f && Is(f, "second") && f.Inputs[0] == e)
            {
                second = f;
                factor = f.Inputs[1];
            }
            if (factor.Owner is not { } div || !Is(div, "true_div")) continue;
            if (div.Inputs[0].Owner is not { } gs || !IsLastAxis(gs, ReduceKind.Sum)) continue;
            if (gs.Inputs[0].Owner is not { } neg || !Is(neg, "neg") || neg.Inputs[0] != g) continue;
            if (div.Inputs[1].Owner is not { } sum || sum.Inputs[0] != e) continue;
            if (MatchSumExp(div.Inputs[1], exp.Inputs[0], members) is not { } x)
            {
                members.RemoveRange(start, members.Count - start);
                continue;
            }
            members.Add(neg);
            members.Add(gs);
            members.Add(div);
            if (second is not null) members.Add(second);
            members.Add(mul);
            return x;
        }
        return null;
    }

    private static bool Is(Apply node, string scalar) => node.Op is Elemwise e && e.Scalar.Name == scalar;

    /// <summary>A float reduction of this kind over the last axis, keeping it, of a float input of the same dtype.</summary>
    private static bool IsLastAxis(Apply node, ReduceKind kind) =>
        node.Op is Reduce { KeepDims: true } r && r.Kind == kind && r.Axes.Count == 1 && r.Axes[0] == node.Inputs[0].NDim - 1
        && node.Inputs[0].DType == node.Output.DType;
}
