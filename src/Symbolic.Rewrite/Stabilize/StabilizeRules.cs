using Symbolic.Ops;
using Symbolic.Rewrite.Engine;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Stabilize;

/// <summary>Stabilizations that need structure: the log of a softmax seen through any chain of views.</summary>
public static class StabilizeRules
{
    public static IEnumerable<IRewriter> All() =>
    [
        new CodeRewriter("log-softmax-view", "log", LogSoftmaxThroughViews),
    ];

    /// <summary>The stable softmax composite, matched by the same matcher as the text rules.</summary>
    private static readonly Pattern Softmax = RuleParser.ParseExpression("exp(s) / sum{a}(exp(s))");

    /// <summary>
    /// log(view(softmax(x))), where the view is any chain of indexing, slicing, take, reshape and dimshuffle
    /// (<c>log(softmax(x)[0])</c>, <c>log(softmax(x).reshape(...))</c>), is the same chain of views of the stable
    /// log-softmax <c>s - log(sum(exp(s)))</c>: log is elementwise, so it commutes with every view, and the log of
    /// the softmax itself is then the log-softmax rule's. The naive form takes the log of a probability that
    /// underflowed to 0 (-inf, and NaN gradients) where the log-softmax is finite.
    /// </summary>
    public static Variable? LogSoftmaxThroughViews(Variable v)
    {
        var views = new List<Apply>();
        var inner = v.Owner!.Inputs[0];
        while (inner.Owner is { Op: Subtensor or Reshape or DimShuffle or Take } view)
        {
            views.Add(view);
            inner = view.Inputs[0];
        }
        if (views.Count == 0) return null;
        if (Matcher.Try(Softmax, inner) is not { } m || !RuleCondition.IsShifted(m.Vars["s"])) return null;
        var s = m.Vars["s"];
        Variable result = TensorMath.Sub(s, TensorMath.Log(Apply.Make(m.Params["a"], TensorMath.Exp(s))));
        for (int i = views.Count - 1; i >= 0; i--)
            result = Apply.Make(views[i].Op, [result, .. views[i].Inputs.Skip(1)]);
        return result;
    }
}
