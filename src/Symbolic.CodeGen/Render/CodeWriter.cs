using System.Text;

namespace Symbolic.CodeGen;

/// <summary>Indented text, one line at a time: how every renderer writes its source.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder sb = new();
    private int indent;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0) sb.Append(' ', indent * 4).Append(text);
        sb.Append('\n');
        return this;
    }

    public CodeWriter Open(string text)
    {
        Line(text);
        Line("{");
        indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => sb.ToString();
}
