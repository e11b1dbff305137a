using Symbolic.Ops;

namespace Symbolic.Rewrite.Differentiate;

/// <summary>
/// Reverse-mode differentiation: one sweep over the graph in reverse topological order, asking
/// each op's gradient rule for its inputs' gradients, summing gradients that meet at a variable,
/// and reducing each over the dimensions its input was broadcast along (the one place where
/// broadcasting is undone).
/// </summary>
public static class Gradient
{
    /// <summary>
    /// The gradients of the scalar <paramref name="cost"/> with respect to each of <paramref name="wrt"/>. A
    /// <c>wrt</c> the cost does not depend on raises, naming it, unless <paramref name="disconnected"/> is
    /// <see cref="DisconnectedInputs.Zero"/>, which gives it zeros. Dependence is read from the graph as built:
    /// a path through an op without a gradient (argmax, a comparison, stop_gradient) is a dependence, whose gradient is 0.
    /// </summary>
    public static Variable[] Grad(Variable cost, IReadOnlyList<Variable> wrt, DisconnectedInputs disconnected = DisconnectedInputs.Raise)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (cost.NDim != 0)
            throw new ArgumentException($"Grad: the cost must be a scalar, but {Op.Describe(cost)} has rank {cost.NDim}. Reduce it first (Sum or Mean).", nameof(cost));
        if (!cost.DType.IsFloat())
            throw new ArgumentException($"Grad: the cost {Op.Describe(cost)} is not a float; its gradient is undefined.", nameof(cost));
        foreach (var w in wrt)
        {
            ArgumentNullException.ThrowIfNull(w, nameof(wrt));
            if (!w.DType.IsFloat())
                throw new ArgumentException($"Grad: cannot differentiate with respect to {Op.Describe(w)}, which is not a float.", nameof(wrt));
        }
        if (disconnected == DisconnectedInputs.Raise && wrt.Count > 0)
        {
            var inGraph = new HashSet<Variable>(ReferenceEqualityComparer.Instance) { cost };
            foreach (var node in GraphWalk.TopologicalOrder([cost]))
                foreach (var i in node.Inputs) inGraph.Add(i);
            for (int k = 0; k < wrt.Count; k++)
                if (!inGraph.Contains(wrt[k]))
                    throw new ArgumentException(
                        $"Grad: the cost {Op.Describe(cost)} does not depend on {Op.Describe(wrt[k])} (wrt {k}), so its gradient is not defined. " +
                        "Pass DisconnectedInputs.Zero to get zeros for it.", nameof(wrt));
        }
        return StableBackward(cost, wrt);
    }

    private static readonly Engine.RewriteOptions StabilizeOnly = new()
    {
        ExcludedPhases = new HashSet<string> { "specialize" },
        ExcludeUnsafe = true,
    };

    /// <summary>
    /// Differentiates the cost in its stable form (canonicalize and stabilize phases, no unsafe
    /// rules), so that the gradient is built from the stable formula: the gradient of a naive
    /// cross-entropy of a softmax is then finite where the naive formula's would be NaN. Rewriting
    /// could remove a computed <paramref name="wrt"/>, so each one is first cut out of the graph,
    /// replaced by a leaf of its type, and put back into the gradients afterwards. Where one
    /// computed <c>wrt</c> is computed from another <c>wrt</c>, cutting would lose the paths through
    /// it, and the cost is differentiated as written.
    /// </summary>
    private static Variable[] StableBackward(Variable cost, IReadOnlyList<Variable> wrt)
    {
        var computed = wrt.Where(w => w.Owner is not null).Distinct<Variable>(ReferenceEqualityComparer.Instance).ToList();
        var seed = Constant.Scalar(1, cost.DType);
        if (computed.Any(c => wrt.Any(w => !ReferenceEquals(w, c) && GraphWalk.DependsOn(c, w))))
            return Backward(cost, seed, wrt);
        var cuts = new Dictionary<Variable, Variable>(ReferenceEqualityComparer.Instance);
        var back = new Dictionary<Variable, Variable>(ReferenceEqualityComparer.Instance);
        foreach (var c in computed)
        {
            cuts[c] = Variable.Input(c.Type, c.Name);
            back[cuts[c]] = c;
        }
        var cutCost = cuts.Count == 0 ? cost : GraphWalk.Replace([cost], cuts)[0];
        var stable = Engine.Rulebook.Engine.Run([cutCost], StabilizeOnly).Outputs[0];
        var grads = Backward(stable, seed, wrt.Select(w => cuts.GetValueOrDefault(w, w)).ToArray());
        return cuts.Count == 0 ? grads : GraphWalk.Replace(grads, back);
    }

    /// <summary>The vector-Jacobian product: gradients of <paramref name="output"/> with respect to <paramref name="wrt"/>, seeded with <paramref name="seed"/> (same type as the output).</summary>
    public static Variable[] Backward(Variable output, Variable seed, IReadOnlyList<Variable> wrt)
    {
        var order = GraphWalk.TopologicalOrder([output]);
        var wrtSet = new HashSet<Variable>(wrt, ReferenceEqualityComparer.Instance);
        var reaches = new HashSet<Variable>(wrt, ReferenceEqualityComparer.Instance);
        foreach (var node in order)
            if (node.Inputs.Any(reaches.Contains)) reaches.Add(node.Output);

        var grads = new Dictionary<Variable, Variable>(ReferenceEqualityComparer.Instance);
        if (reaches.Contains(output)) grads[output] = SumToType(seed, output.Type);
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var node = order[n];
            if (!grads.TryGetValue(node.Output, out var g)) continue;
            var inputGrads = GradientRules.TryGet(node.Op, out var rule) ? rule.Apply(node, g) : node.Op.Grad(node, g);
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                var input = node.Inputs[i];
                if (inputGrads[i] is not { } gi || !reaches.Contains(input) || !input.DType.IsFloat()) continue;
                gi = SumToType(gi, input.Type);
                grads[input] = grads.TryGetValue(input, out var acc) ? TensorMath.Add(acc, gi) : gi;
            }
        }
        return wrt.Select(w => grads.TryGetValue(w, out var g) ? g : TensorMath.ZerosLike(w)).ToArray();
    }

    /// <summary>Sums <paramref name="g"/> over the dimensions it has beyond <paramref name="type"/> (leading ones, and ones where the type has static size 1) and casts it to the type's dtype.</summary>
    public static Variable SumToType(Variable g, TensorType type)
    {
        int lead = g.NDim - type.NDim;
        if (lead < 0)
            throw new InvalidOperationException($"A gradient of rank {g.NDim} cannot be reduced to {type}.");
        var axes = Enumerable.Range(0, lead)
            .Concat(Enumerable.Range(0, type.NDim).Where(d => type.Shape[d] == 1 && g.Type.Shape[lead + d] != 1).Select(d => lead + d))
            .ToArray();
        if (axes.Length > 0)
        {
            g = TensorMath.Sum(g, axes, keepDims: true);
            if (lead > 0) g = TensorMath.DimShuffle(g, Enumerable.Range(lead, type.NDim).Select(d => (object)d).ToArray());
        }
        return g.DType == type.DType ? g : TensorMath.Cast(g, type.DType);
    }
}
