using System.Text;

namespace Symbolic.Print;

/// <summary>
/// Theano's debugprint layout: one node a line, children indented under their parent with
/// <c> |</c>, each node tagged <c>[id X]</c>; a node met again is printed by its id alone.
/// Ids are given in the order nodes are first printed, so the text depends on the graph alone.
/// </summary>
public static class DebugPrinter
{
    /// <summary>
    /// The most levels a tree is indented. A node met deeper, whose inputs would be indented further,
    /// ends its line with <c>...</c>, and its inputs are printed after the outputs' trees, under a line
    /// <c>label [id X] (continued)</c>: the text of a chain stays in proportion to its length, where
    /// indenting every level would make it grow with the square of the depth.
    /// </summary>
    public const int MaxDepth = 64;

    public static string Print(IReadOnlyList<Variable> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var sb = new StringBuilder();
        var ids = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        // Depth first, children in order, as a recursion would go, but with a stack of our own
        // so that a graph thousands of nodes deep prints instead of overflowing the call stack.
        var pending = new Stack<(Variable V, string Prefix, string ChildPrefix, int Depth)>();
        var continued = new Queue<Variable>();
        for (int o = outputs.Count - 1; o >= 0; o--)
            pending.Push((outputs[o] ?? throw new ArgumentNullException(nameof(outputs)), "", "", 0));
        while (true)
        {
            if (pending.Count == 0)
            {
                if (continued.Count == 0) break;
                var c = continued.Dequeue();
                sb.Append(Label(c)).Append(" [id ").Append(ids[c]).Append("] (continued)\n");
                PushInputs(pending, c, "", 1);
                continue;
            }
            var (v, prefix, childPrefix, depth) = pending.Pop();
            bool seen = ids.TryGetValue(v, out var id);
            if (!seen)
            {
                id = IdOf(ids.Count);
                ids[v] = id;
            }
            sb.Append(prefix).Append(Label(v)).Append(" [id ").Append(id).Append(']');
            if (seen)
            {
                sb.Append('\n');
                continue;
            }
            sb.Append(' ').Append('<').Append(v.DType.ShortName()).Append(' ').Append(v.Type.ShapeText()).Append('>');
            if (v.Owner is not null && v.Name is not null) sb.Append(" '").Append(Escape(v.Name)).Append('\'');
            if (v.Owner is null)
            {
                sb.Append('\n');
                continue;
            }
            if (depth >= MaxDepth && v.Owner.Inputs.Count > 0)
            {
                sb.Append(" ...\n");
                continued.Enqueue(v);
                continue;
            }
            sb.Append('\n');
            PushInputs(pending, v, childPrefix, depth + 1);
        }
        return sb.ToString();
    }

    private static void PushInputs(Stack<(Variable, string, string, int)> pending, Variable v, string childPrefix, int depth)
    {
        var inputs = v.Owner!.Inputs;
        for (int i = inputs.Count - 1; i >= 0; i--)
            pending.Push((inputs[i], childPrefix + " |", childPrefix + (i == inputs.Count - 1 ? "  " : " |"), depth));
    }

    /// <summary>How a variable is named on its line: the op for a computed variable, the value for a constant, the name for an input.</summary>
    public static string Label(Variable v) => v switch
    {
        { Owner: { } owner } => owner.Op.Name,
        Constant c => ConstantText(c),
        SharedVariable s => $"{NameText(s.Name)} (shared)",
        _ => NameText(v.Name),
    };

    /// <summary>Most elements a constant may have for its values to be printed; larger ones print as <c>constant</c>.</summary>
    private const int MaxPrintedElements = 8;

    /// <summary>
    /// A constant's value as its dtype holds it: <c>0.1</c> for a float32 0.1 (not the float64
    /// digits of its rounding), <c>true</c> for a boolean; small arrays nested in brackets.
    /// </summary>
    private static string ConstantText(Constant c)
    {
        var value = c.Value;
        if (value.Size > MaxPrintedElements) return "constant";
        var items = value.ToDoubles();
        if (value.NDim == 0) return ElementText(items[0], value.DType);
        var sb = new StringBuilder();
        int k = 0;
        void Write(int axis)
        {
            sb.Append('[');
            for (int i = 0; i < value.Shape[axis]; i++)
            {
                if (i > 0) sb.Append(", ");
                if (axis == value.NDim - 1) sb.Append(ElementText(items[k++], value.DType));
                else Write(axis + 1);
            }
            sb.Append(']');
        }
        Write(0);
        return sb.ToString();
    }

    private static string ElementText(double v, DType dtype) => dtype switch
    {
        DType.Bool => v != 0 ? "true" : "false",
        DType.Float32 => ((float)v).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string NameText(string? name) =>
        name is null ? "<unnamed>" : IsPlain(name) ? name : $"'{Escape(name)}'";

    private static bool IsPlain(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>Escapes quotes, backslashes and control characters so a name always stays on its line.</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\'': sb.Append("\\'"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (MustEscape(s, i)) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// True for a character a name may not show as itself: a control character, a line or paragraph
    /// separator (U+2028, U+2029: many readers start a new line there), a mark that reorders the
    /// text around it (bidirectional controls), or half of a surrogate pair alone.
    /// </summary>
    internal static bool MustEscape(string s, int i) => BreaksLayout(s[i]) || IsLoneSurrogate(s, i);

    /// <summary>A control character, a line or paragraph separator, or a bidirectional control: what a one-line text may not show as itself.</summary>
    internal static bool BreaksLayout(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or '\u200E' or '\u200F' or '\u061C'
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';

    /// <summary>True for half of a surrogate pair that has no other half (text that no UTF-8 output could hold).</summary>
    internal static bool IsLoneSurrogate(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])
        : char.IsLowSurrogate(s[i]) && (i == 0 || !char.IsHighSurrogate(s[i - 1]));

    /// <summary>A, B, ..., Z, BA, BB, ... as Theano numbers its ids.</summary>
    private static string IdOf(int n)
    {
        var s = new StringBuilder();
        do
        {
            s.Insert(0, (char)('A' + n % 26));
            n /= 26;
        } while (n > 0);
        return s.ToString();
    }
}
