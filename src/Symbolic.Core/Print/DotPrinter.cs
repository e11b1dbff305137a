using System.Text;

namespace Symbolic.Print;

/// <summary>Graphs in Graphviz DOT: one box per node, one ellipse per input or constant, node ids from positions.</summary>
public static class DotPrinter
{
    public static string Print(IReadOnlyList<Variable> outputs)
    {
        var sb = new StringBuilder("digraph symbolic {\n  rankdir=BT;\n");
        var ids = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        string Id(Variable v)
        {
            if (ids.TryGetValue(v, out var id)) return id;
            id = "n" + ids.Count;
            ids[v] = id;
            var shape = v.Owner is null ? "ellipse" : "box";
            sb.Append($"  {id} [shape={shape}, label=\"{Escape(DebugPrinter.Label(v))}\\n{v.DType.ShortName()} {v.Type.ShapeText()}\"];\n");
            return id;
        }
        foreach (var node in GraphWalk.TopologicalOrder(outputs))
        {
            // Declarations are written as ids are first given out, so every id is taken before an edge line starts.
            var sources = node.Inputs.Select(Id).ToArray();
            var target = Id(node.Output);
            for (int i = 0; i < sources.Length; i++)
                sb.Append($"  {sources[i]} -> {target} [label=\"{i}\"];\n");
        }
        foreach (var o in outputs) Id(o);
        return sb.Append("}\n").ToString();
    }

    /// <summary>Text safe inside a DOT double-quoted string.</summary>
    public static string Escape(string s) =>
        s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r");
}
