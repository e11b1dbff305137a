using Symbolic.Ops;
using Symbolic.Rewrite.Engine;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Specialize;

/// <summary>Specializations that need structure: the stable softmax composite as one softmax op.</summary>
public static class SpecializeRules
{
    public static IEnumerable<IRewriter> All() =>
    [
        new CodeRewriter("softmax-op", "true_div", SoftmaxOp),
    ];

    /// <summary>
    /// The composite the softmax op replaces, matched by the same matcher as the text rules, so that the
    /// code below reads only what the pattern bound and never casts a node the pattern did not check.
    /// </summary>
    private static readonly Pattern Composite = RuleParser.ParseExpression("exp(s) / sum{a}(exp(s))");

    /// <summary>
    /// exp(x - stop_gradient(max(x))) / sum(exp(x - stop_gradient(max(x)))) over one axis, with the
    /// max and the sum over that same axis and kept, is softmax along the axis. The shift may also be
    /// logsumexp's <c>switch(isfinite(m), m, 0)</c> with <c>m = max(x)</c>: both give the same quotient
    /// (the shift cancels), and the softmax op shifts by the max itself.
    /// </summary>
    public static Variable? SoftmaxOp(Variable v)
    {
        if (Matcher.Try(Composite, v) is not { } m) return null;
        var s = m.Vars["s"];
        if (!RuleCondition.IsShifted(s) || m.Params["a"] is not Reduce { Kind: ReduceKind.Sum, KeepDims: true, Axes.Count: 1 } sum) return null;
        if (RuleCondition.ShiftOf(s) is not { Op: Reduce { Kind: ReduceKind.Max, KeepDims: true } max } || !max.Axes.SequenceEqual(sum.Axes)) return null;
        var x = s.Owner!.Inputs[0];
        return Apply.Make(new SoftmaxOp(sum.Axes[0]), x);
    }
}
