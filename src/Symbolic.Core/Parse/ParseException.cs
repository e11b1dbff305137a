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
        int at = Math.Min(position, lineStart + lineText.Length) - lineStart;
        // A long line is shown as the part around the position, so that the message stays short.
        int from = 0, to = lineText.Length;
        if (lineText.Length > MaxExcerpt)
        {
            from = Math.Clamp(at - MaxExcerpt / 2, 0, lineText.Length - MaxExcerpt);
            to = from + MaxExcerpt;
            if (from > 0 && char.IsLowSurrogate(lineText[from])) from++;
            if (to < lineText.Length && char.IsLowSurrogate(lineText[to])) to--;
        }
        sb.Append("  ");
        if (from > 0) sb.Append("...");
        sb.Append(Visible(lineText[from..to]));
        if (to < lineText.Length) sb.Append("...");
        sb.Append('\n').Append("  ");
        if (from > 0) sb.Append("   ");
        for (int i = from; i < at; i++)
        {
            // One column a character: the second half of a surrogate pair adds none.
            if (char.IsLowSurrogate(lineText[i]) && i > from && char.IsHighSurrogate(lineText[i - 1])) continue;
            sb.Append(lineText[i] == '\t' ? '\t' : ' ');
        }
        sb.Append('^');
        return sb.ToString();
    }

    /// <summary>Most characters of the line shown under the message; a longer line is cut around the position.</summary>
    private const int MaxExcerpt = 100;

    /// <summary>
    /// The excerpt as it can be shown on one line with the caret aligned: control characters other
    /// than tabs, line and paragraph separators and the marks that reorder text (bidirectional
    /// controls) become spaces; half a surrogate pair alone becomes U+FFFD.
    /// </summary>
    private static string Visible(string s)
    {
        var chars = s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] != '\t' && Print.DebugPrinter.BreaksLayout(chars[i])) chars[i] = ' ';
            else if (Print.DebugPrinter.IsLoneSurrogate(s, i)) chars[i] = '\uFFFD';
        }
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
