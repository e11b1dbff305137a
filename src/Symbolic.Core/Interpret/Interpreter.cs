using Symbolic.Interpret;

namespace Symbolic;

/// <summary>
/// The reference interpreter: evaluates any graph node by node with each op's reference
/// evaluation, in float64 throughout (integer and boolean results are rounded to their types at
/// each node; float32 results are not rounded until the end). It is the oracle the backends are
/// tested against and the engine of constant folding.
/// </summary>
public static class Interpreter
{
    /// <summary>Evaluates <paramref name="outputs"/>. Inputs not given are read from shared variables; a missing plain input is an error naming it.</summary>
    public static NDArray[] Evaluate(IReadOnlyList<Variable> outputs, IReadOnlyDictionary<Variable, NDArray>? inputs = null)
    {
        var values = EvaluateRef(outputs, inputs);
        return outputs.Select(o => values[o].ToNDArray(o.DType)).ToArray();
    }

    public static NDArray Evaluate(Variable output, params (Variable Var, NDArray Value)[] inputs) =>
        Evaluate([output], inputs.ToDictionary(p => p.Var, p => p.Value, ReferenceEqualityComparer.Instance as IEqualityComparer<Variable>))[0];

    /// <summary>Evaluates to float64 values, by variable.</summary>
    public static Dictionary<Variable, RefTensor> EvaluateRef(IReadOnlyList<Variable> outputs, IReadOnlyDictionary<Variable, NDArray>? inputs)
    {
        var values = new Dictionary<Variable, RefTensor>(ReferenceEqualityComparer.Instance);
        RefTensor Leaf(Variable v)
        {
            if (values.TryGetValue(v, out var t)) return t;
            NDArray a = inputs is not null && inputs.TryGetValue(v, out var given) ? given
                : v switch
                {
                    Constant c => c.Value,
                    SharedVariable s => s.Value,
                    _ => throw new ArgumentException($"No value was given for the input {Ops.Op.Describe(v)}."),
                };
            if (a.DType != v.DType || a.NDim != v.NDim)
                throw new ArgumentException($"The value for {Ops.Op.Describe(v)} is a {a.DType.ShortName()} array of shape {NDArray.ShapeText(a.ShapeSpan)}.");
            t = RefTensor.FromNDArray(a);
            values[v] = t;
            return t;
        }
        foreach (var o in outputs)
            if (o.Owner is null) Leaf(o);
        foreach (var node in GraphWalk.TopologicalOrder(outputs))
        {
            var args = node.Inputs.Select(i => i.Owner is null ? Leaf(i) : values[i]).ToArray();
            var r = node.Op.Evaluate(node, args);
            var dt = node.Output.DType;
            if (!dt.IsFloat())
            {
                var d = new double[r.Size];
                for (int k = 0; k < d.Length; k++) d[k] = dt.Normalize(r.Data[k]);
                r = new RefTensor(r.Shape, d);
            }
            values[node.Output] = r;
        }
        return values;
    }
}
