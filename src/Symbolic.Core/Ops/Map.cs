using System.Security.Cryptography;
using System.Text;
using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>
/// A loop in the graph: evaluates an inner graph once for each index 0 .. n-1 and stacks the
/// results along a new first axis. The inner graph reads an int64 scalar <see cref="Index"/> and
/// the node's other inputs (the outer variables it captures); it is what Theano builds with scan
/// for jacobians. The node's inputs are n followed by the captured variables.
/// </summary>
public sealed class Map : Op
{
    private readonly string name;

    public Map(Variable index, Variable body, IReadOnlyList<Variable> captured)
    {
        if (index.Owner is not null || index.NDim != 0 || index.DType != DType.Int64)
            throw new ArgumentException("Map: the index must be an int64 scalar input variable.", nameof(index));
        Index = index;
        Body = body;
        Captured = captured.ToArray();
        name = $"map{{{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Fingerprint(index, body, Captured))))[..12].ToLowerInvariant()}}}";
    }

    /// <summary>
    /// The inner graph as text that names everything it computes with: each node's op and inputs by
    /// position, the index, the captured variables by their place among the node's inputs, and
    /// constants by dtype, shape and every value. Two maps with the same fingerprint compute the
    /// same function of their inputs, so the op's name (and with it op equality and hash-consing)
    /// can rest on it. (A printed graph cannot: it shows large constants as <c>constant</c>.)
    /// </summary>
    private static string Fingerprint(Variable index, Variable body, IReadOnlyList<Variable> captured)
    {
        var ids = new Dictionary<Variable, int>(ReferenceEqualityComparer.Instance);
        string Ref(Variable v)
        {
            if (ReferenceEquals(v, index)) return "i";
            if (ids.TryGetValue(v, out var id)) return $"n{id}";
            if (v is Constant c) return $"k[{c.Key}]";
            for (int k = 0; k < captured.Count; k++)
                if (ReferenceEquals(captured[k], v)) return $"c{k}:{v.Type}";
            throw new InvalidOperationException($"Map: the body reads {Describe(v)}, which is neither the index nor captured.");
        }
        var sb = new StringBuilder();
        foreach (var node in GraphWalk.TopologicalOrder([body]))
        {
            sb.Append(node.Op.GetType().Name).Append(' ').Append(node.Op.Name).Append('(')
                .AppendJoin(',', node.Inputs.Select(Ref)).Append(")\n");
            ids[node.Output] = ids.Count;
        }
        sb.Append("=> ").Append(Ref(body));
        return sb.ToString();
    }

    /// <summary>The inner graph's loop index.</summary>
    public Variable Index { get; }

    /// <summary>The inner graph's result for one index.</summary>
    public Variable Body { get; }

    /// <summary>The outer variables the inner graph reads, in the order they follow n among the node's inputs.</summary>
    public IReadOnlyList<Variable> Captured { get; }

    public override string Name => name;

    /// <summary>Builds the node: the body is evaluated for each index below <paramref name="n"/>.</summary>
    public static Variable Make(Variable n, Variable index, Variable body)
    {
        var captured = GraphWalk.FreeInputs([body]).Where(v => !ReferenceEquals(v, index)).ToArray();
        return Apply.Make(new Map(index, body, captured), [n, .. captured]);
    }

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var n = inputs[0];
        if (n.NDim != 0 || !n.DType.IsInteger())
            throw new ArgumentException($"Map needs an integer scalar count, got {Describe(n)}.");
        int? count = n is Constant c ? (int)c.ScalarValue : null;
        return new TensorType(Body.DType, [count, .. Body.Type.Shape]);
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        long n = args.ScalarValue(0) ?? throw new ArgumentException("Map: the count depends on computed data and cannot be known before running.");
        var inner = InnerShape(args);
        return [(int)n, .. inner];
    }

    /// <summary>The body's shape, found by evaluating shapes only (the body's shape may not depend on the index's value).</summary>
    private int[] InnerShape(ShapeArgs args)
    {
        var shapes = new Dictionary<Variable, int[]>(ReferenceEqualityComparer.Instance) { [Index] = [] };
        var known = new Dictionary<Variable, long?>(ReferenceEqualityComparer.Instance) { [Index] = 0 };
        for (int i = 0; i < Captured.Count; i++)
        {
            shapes[Captured[i]] = args.Shapes[i + 1];
            known[Captured[i]] = args.ScalarValue(i + 1);
        }
        return ShapeWalk.Shapes([Body], shapes, known)[Body];
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        int n = (int)inputs[0].Data[0];
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Captured.Count; i++) given[Captured[i]] = inputs[i + 1].ToNDArray(Captured[i].DType);
        var shape = InferShape(node, new ShapeArgs(inputs.Select(t => t.Shape).ToArray(), i => inputs[i].NDim == 0 ? (long)inputs[i].Data[0] : null));
        var data = new double[NDArray.ShapeSize(shape)];
        int block = n == 0 ? 0 : data.Length / n;
        for (int k = 0; k < n; k++)
        {
            given[Index] = NDArray.Scalar(k, DType.Int64);
            var r = Interpreter.EvaluateRef([Body], given)[Body];
            Array.Copy(r.Data, 0, data, k * block, block);
        }
        return new RefTensor(shape, data);
    }

    public override Variable?[] Grad(Apply node, Variable gOut) =>
        throw new InvalidOperationException("A map (the loop inside a jacobian or hessian) has no gradient rule yet: differentiate before taking the jacobian.");
}
