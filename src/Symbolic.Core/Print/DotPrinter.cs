using System.Text;

namespace Symbolic.Print;

/// <summary>
/// A graph in Graphviz's DOT language: a box per input, constant and shared variable, an ellipse
/// per computed variable (labelled with its op), an edge from each input of a node to it,
/// numbered by argument position where the node has several. Outputs get a double border.
/// Node ids come from positions in the graph's topological order (<c>n0</c>, <c>n1</c>, ...), so
/// the same graph always prints the same text; every label is quoted and escaped, so no name can
/// break the DOT syntax. Render with <c>dot -Tsvg</c>.
/// </summary>
public static class DotPrinter
{
    public static string Print(IReadOnlyList<Variable> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var o in outputs) ArgumentNullException.ThrowIfNull(o, nameof(outputs));
        var variables = GraphWalk.Variables(outputs);
        var ids = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        var isOutput = new HashSet<Variable>(outputs, ReferenceEqualityComparer.Instance);
        var sb = new StringBuilder();
        sb.Append("digraph symbolic {\n");
        sb.Append("  node [fontname=\"Helvetica\", fontsize=11];\n");
        sb.Append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        foreach (var v in variables)
        {
            var id = "n" + ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ids[v] = id;
            sb.Append("  ").Append(id).Append(" [label=").Append(Quote(LabelOf(v)));
            sb.Append(", shape=").Append(v.Owner is null ? "box" : "ellipse");
            if (v is Constant) sb.Append(", style=dashed");
            else if (v is SharedVariable) sb.Append(", style=filled, fillcolor=\"#e8f0ff\"");
            if (isOutput.Contains(v)) sb.Append(", peripheries=2");
            sb.Append("];\n");
            if (v.Owner is not { } node) continue;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                sb.Append("  ").Append(ids[node.Inputs[i]]).Append(" -> ").Append(id);
                if (node.Inputs.Count > 1) sb.Append(" [label=\"").Append(i).Append("\"]");
                sb.Append(";\n");
            }
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>The lines of a node's label: what it is (as debugprint names it), its user name for a computed variable, its type.</summary>
    private static string[] LabelOf(Variable v)
    {
        var lines = new List<string> { DebugPrinter.Label(v) };
        if (v.Owner is not null && v.Name is not null) lines.Add($"'{DebugPrinter.Escape(v.Name)}'");
        lines.Add($"{v.DType.ShortName()} {v.Type.ShapeText()}");
        return lines.ToArray();
    }

    /// <summary>Lines as one DOT string: quoted, with backslashes, quotes and control characters escaped, the lines joined by DOT's <c>\n</c>.</summary>
    private static string Quote(string[] lines) => "\"" + string.Join("\\n", lines.Select(Escape)) + "\"";

    /// <summary>
    /// Escapes text for the inside of a DOT double-quoted string: a backslash or a quote gets a
    /// backslash before it (so DOT shows it as written), and any control character, newlines
    /// included, is written as visible text (<c>\n</c>, <c>\u0007</c>) instead of breaking the line.
    /// </summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\\\n"); break;
                case '\r': sb.Append("\\\\r"); break;
                case '\t': sb.Append("\\\\t"); break;
                default:
                    if (DebugPrinter.MustEscape(s, i)) sb.Append($"\\\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
