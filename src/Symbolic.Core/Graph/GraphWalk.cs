namespace Symbolic;

/// <summary>Walks over graphs: topological order, free inputs, substitution.</summary>
public static class GraphWalk
{
    /// <summary>The nodes that compute <paramref name="outputs"/>, each after its inputs' nodes, in an order fixed by the graph alone.</summary>
    public static List<Apply> TopologicalOrder(IEnumerable<Variable> outputs)
    {
        var order = new List<Apply>();
        var done = new HashSet<Apply>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Apply Node, int Next)>();
        foreach (var o in outputs)
        {
            if (o.Owner is not { } root || done.Contains(root)) continue;
            stack.Push((root, 0));
            var onStack = new HashSet<Apply>(ReferenceEqualityComparer.Instance) { root };
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Inputs.Count)
                {
                    stack.Push((node, next + 1));
                    if (node.Inputs[next].Owner is { } child && !done.Contains(child) && onStack.Add(child))
                        stack.Push((child, 0));
                    continue;
                }
                done.Add(node);
                order.Add(node);
            }
        }
        return order;
    }

    /// <summary>Every variable of the graph: inputs, constants and node outputs, in topological order.</summary>
    public static List<Variable> Variables(IEnumerable<Variable> outputs)
    {
        var outs = outputs.ToList();
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        var r = new List<Variable>();
        foreach (var node in TopologicalOrder(outs))
        {
            foreach (var i in node.Inputs)
                if (i.Owner is null && seen.Add(i)) r.Add(i);
            if (seen.Add(node.Output)) r.Add(node.Output);
        }
        foreach (var o in outs)
            if (seen.Add(o)) r.Add(o);
        return r;
    }

    /// <summary>The variables the graph reads that have no owner and are not constants (inputs and shared variables).</summary>
    public static List<Variable> FreeInputs(IEnumerable<Variable> outputs) =>
        Variables(outputs).Where(v => v.Owner is null && v is not Constant).ToList();

    /// <summary>True when <paramref name="target"/> is <paramref name="from"/> or is computed from it.</summary>
    public static bool DependsOn(Variable target, Variable from)
    {
        if (ReferenceEquals(target, from)) return true;
        foreach (var node in TopologicalOrder([target]))
            foreach (var i in node.Inputs)
                if (ReferenceEquals(i, from)) return true;
        return false;
    }

    /// <summary>
    /// The graphs of <paramref name="outputs"/> rebuilt with each key of <paramref name="replacements"/>
    /// replaced by its value (of the same type); nodes that read no replaced variable stay as they are.
    /// </summary>
    public static Variable[] Replace(IReadOnlyList<Variable> outputs, IReadOnlyDictionary<Variable, Variable> replacements)
    {
        var map = new Dictionary<Variable, Variable>(replacements, ReferenceEqualityComparer.Instance);
        foreach (var node in TopologicalOrder(outputs))
        {
            if (map.ContainsKey(node.Output)) continue;
            var inputs = node.Inputs.Select(i => map.GetValueOrDefault(i, i)).ToArray();
            if (!inputs.SequenceEqual(node.Inputs, ReferenceEqualityComparer.Instance))
                map[node.Output] = Apply.Make(node.Op, inputs);
        }
        return outputs.Select(o => map.GetValueOrDefault(o, o)).ToArray();
    }
}
