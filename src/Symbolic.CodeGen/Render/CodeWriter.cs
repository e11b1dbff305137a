using System.Text;

namespace Symbolic.CodeGen;

/// <summary>Indented text, one line at a time: how every renderer writes its source.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder sb = new();
    private int indent;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0) sb.Append(Indent(indent)).Append(text);
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

    /// <summary>The characters written so far: where the next line starts in <see cref="ToString"/>.</summary>
    public int Length => sb.Length;

    public override string ToString() => sb.ToString();

    private static readonly string[] Indents = ["", "    ", "        ", "            ", "                ", "                    ", "                        "];

    /// <summary>Four spaces a level (the common depths from a table: appending a repeated char JIT-compiles a generic fill in a fresh process).</summary>
    private static string Indent(int level) => level < Indents.Length ? Indents[level] : new string(' ', level * 4);
}
