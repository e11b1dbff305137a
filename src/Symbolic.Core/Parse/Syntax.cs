namespace Symbolic.Parsing;

/// <summary>
/// The tree the grammar makes of an expression's text, before any name is bound. Every node keeps
/// where it starts and ends in the text (end exclusive, trailing blanks left out), so that errors
/// found while building the graph can point at the piece of text that caused them.
/// </summary>
internal abstract record Syntax(int Start, int End)
{
    /// <summary>The piece of <paramref name="text"/> this node was read from.</summary>
    public string TextIn(string text) => text[Start..End];
}

/// <summary>A number as written: an integer (<c>2</c>, <c>-3</c>) or a decimal (<c>2.5</c>, <c>1e-3</c>).</summary>
internal sealed record NumberSyntax(double Value, bool IsInteger, int Start, int End) : Syntax(Start, End);

/// <summary>A bare name: a variable, or one of the words <c>true</c> and <c>false</c>, or a dtype where a call asks for one.</summary>
internal sealed record NameSyntax(string Name, int Start, int End) : Syntax(Start, End);

/// <summary>Unary minus.</summary>
internal sealed record NegateSyntax(Syntax Operand, int Start, int End) : Syntax(Start, End);

/// <summary>A binary operator: <c>+ - * / ** @ &lt; &lt;= &gt; &gt;= == !=</c>.</summary>
internal sealed record BinarySyntax(string Operator, Syntax Left, Syntax Right, int OperatorPosition)
    : Syntax(Left.Start, Right.End);

/// <summary>A call <c>name(arg, ...)</c>.</summary>
internal sealed record CallSyntax(string Name, IReadOnlyList<Syntax> Arguments, int Start, int End) : Syntax(Start, End);

/// <summary>A bracketed list <c>[a, b]</c>, as the first argument of <c>concatenate</c> and <c>stack</c>.</summary>
internal sealed record ListSyntax(IReadOnlyList<Syntax> Items, int Start, int End) : Syntax(Start, End);

/// <summary>Basic indexing <c>x[0, 1:3, :]</c>.</summary>
internal sealed record IndexSyntax(Syntax Target, IReadOnlyList<IndexEntrySyntax> Entries, int Start, int End) : Syntax(Start, End);

/// <summary>One entry of an index: a single index (<see cref="IsSlice"/> false, in <see cref="Lower"/>) or a slice <c>lower:upper</c> where either bound may be left out.</summary>
internal sealed record IndexEntrySyntax(bool IsSlice, Syntax? Lower, Syntax? Upper, int Start, int End) : Syntax(Start, End);
