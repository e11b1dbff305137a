using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// Run-time shape inference over a graph without touching data: every node's shape from the
/// leaves' shapes, and the value of every integer scalar that follows from shapes and known
/// scalars (for Arange, Reshape and Map counts).
/// </summary>
public static class ShapeWalk
{
    /// <summary>
    /// Shapes of every variable of the graph of <paramref name="outputs"/>, given the shapes of its
    /// leaves (constants are read from their values) and the values of the integer scalar leaves
    /// that are known. Raises the ops' ArgumentExceptions where shapes do not agree.
    /// </summary>
    public static Dictionary<Variable, int[]> Shapes(IReadOnlyList<Variable> outputs,
        Dictionary<Variable, int[]> shapes, Dictionary<Variable, long?> known)
    {
        int[] ShapeOfLeaf(Variable v)
        {
            if (shapes.TryGetValue(v, out var s)) return s;
            s = v switch
            {
                Constant c => c.Value.Shape,
                SharedVariable sv => sv.Value.Shape,
                _ => throw new ArgumentException($"No shape was given for the input {Op.Describe(v)}."),
            };
            shapes[v] = s;
            return s;
        }
        long? Known(Variable v)
        {
            if (known.TryGetValue(v, out var k)) return k;
            k = v is Constant c && c.NDim == 0 && !c.DType.IsFloat() ? (long)c.ScalarValue : null;
            known[v] = k;
            return k;
        }
        foreach (var node in GraphWalk.TopologicalOrder(outputs))
        {
            var ins = node.Inputs;
            var args = new ShapeArgs(ins.Select(i => i.Owner is null ? ShapeOfLeaf(i) : shapes[i]).ToArray(), i => Known(ins[i]));
            try
            {
                shapes[node.Output] = node.Op.InferShape(node, args);
            }
            catch (ArgumentException e) when (e is not ShapeMismatchException)
            {
                throw new ShapeMismatchException(node, e.Message, e);
            }
            known[node.Output] = node.Op.KnownValue(node, args);
        }
        foreach (var o in outputs)
            if (o.Owner is null) ShapeOfLeaf(o);
        return shapes;
    }
}

/// <summary>Shapes that do not fit at a node, found by the shape pass before anything runs.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    public ShapeMismatchException(Apply node, string message, Exception inner)
        : base(message, inner)
    {
        Node = node;
    }

    /// <summary>The node whose operands' shapes do not fit.</summary>
    public Apply Node { get; }
}
