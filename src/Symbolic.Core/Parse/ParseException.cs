using System.Text;

namespace Symbolic;

/// <summary>
/// Raised by <c>T.Parse</c> when the text does not name a graph: a syntax error, an unknown
/// variable or function, a wrong number of arguments, or operands the graph builder rejects. The
/// message says what went wrong and where, and shows the line of text with a caret under the spot.
/// </summary>
public sealed class ParseException : ArgumentException
{
    /// <summary>
    /// The message reads <paramref name="what"/>, the position, then <paramref name="detail"/>
    /// (such as <c>, found 'y'</c> or <c>; known: x, y</c>), then the line of text with a caret;
    /// <paramref name="offset"/> is where, as an index into <paramref name="text"/> (its length for the end).
    /// </summary>
    internal ParseException(string what, string text, int offset, string? detail = null, Exception? inner = null)
        : base(Format(what, text, offset, detail), inner)
    {
        Reason = what + detail;
        Text = text;
        Position = offset + 1;
        (Line, Column) = LineAndColumn(text, offset);
    }

    /// <summary>What went wrong, without the location: <c>expected ')', found the end of the text</c>.</summary>
    public string Reason { get; }

    /// <summary>The text that was parsed.</summary>
    public string Text { get; }

    /// <summary>
    /// Where it went wrong: the number of the character, counting from 1 as the message does (one
    /// past the last character for the end of the text); <c>Text[Position - 1]</c> is the character.
    /// </summary>
    public int Position { get; }

    /// <summary>The line of <see cref="Position"/>, from 1.</summary>
    public int Line { get; }

    /// <summary>The column of <see cref="Position"/> on its line, from 1.</summary>
    public int Column { get; }

    private static string Format(string what, string text, int position, string? detail)
    {
        var (line, column) = LineAndColumn(text, position);
        // Positions are told counting from 1, as lines and columns are.
        bool multiline = text.Contains('\n');
        var sb = new StringBuilder(what).Append(" at position ").Append(position + 1);
        if (multiline) sb.Append(" (line ").Append(line).Append(", column ").Append(column).Append(')');
        sb.Append(detail);
        sb.Append(":\n");
        // The line holding the position, then a caret under it. Tabs stay tabs so the caret lines up.
        int lineStart = position == 0 ? 0 : text.LastIndexOf('\n', Math.Min(position, text.Length) - 1) + 1;
        int lineEnd = text.IndexOf('\n', lineStart);
        if (lineEnd < 0) lineEnd = text.Length;
        var lineText = text[lineStart..lineEnd].TrimEnd('\r');
        sb.Append("  ").Append(Visible(lineText)).Append('\n').Append("  ");
        for (int i = lineStart; i < position && i < lineStart + lineText.Length; i++)
            sb.Append(text[i] == '\t' ? '\t' : ' ');
        sb.Append('^');
        return sb.ToString();
    }

    /// <summary>Control characters other than tabs shown as spaces, so the excerpt stays one line and the caret stays aligned.</summary>
    private static string Visible(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (char.IsControl(chars[i]) && chars[i] != '\t') chars[i] = ' ';
        return new string(chars);
    }

    internal static (int Line, int Column) LineAndColumn(string text, int position)
    {
        int line = 1, column = 1;
        for (int i = 0; i < position && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return (line, column);
    }
}
