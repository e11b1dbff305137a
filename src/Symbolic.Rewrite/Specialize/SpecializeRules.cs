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
    /// exp(x - stop_gradient(max(x))) / sum(exp(x - stop_gradient(max(x)))) over one axis, with the
    /// max and the sum over that same axis and kept, is softmax along the axis.
    /// </summary>
    public static Variable? SoftmaxOp(Variable v)
    {
        var div = v.Owner!;
        if (div.Inputs[0].Owner is not { Op: Elemwise { Scalar.Name: "exp" } } exp) return null;
        var s = exp.Inputs[0];
        if (!RuleCondition.IsShifted(s)) return null;
        if (div.Inputs[1].Owner is not { Op: Reduce { Kind: ReduceKind.Sum, KeepDims: true, Axes.Count: 1 } sum } sumNode
            || !ReferenceEquals(sumNode.Inputs[0], div.Inputs[0])) return null;
        var max = (Reduce)s.Owner!.Inputs[1].Owner!.Inputs[0].Owner!.Op;
        if (!max.KeepDims || !max.Axes.SequenceEqual(sum.Axes)) return null;
        var x = s.Owner.Inputs[0];
        return Apply.Make(new SoftmaxOp(sum.Axes[0]), x);
    }
}
