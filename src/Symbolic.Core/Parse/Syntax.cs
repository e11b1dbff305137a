using System.Globalization;
using System.Text;

namespace Symbolic.Parsing;

/// <summary>
/// The tree the grammar makes of an expression's text, before any name is bound. Every node keeps
/// where it starts and ends in the text (end exclusive, trailing blanks left out), so that errors
/// found while building the graph can point at the piece of text that caused them.
/// <para>
/// Nodes are plain classes, not records: a record's generated equality, hash code and
/// <c>ToString</c> recurse into its members, and a tree 100,000 deep would overflow the stack in
/// any of them. Nodes compare by identity; <see cref="ToString"/> describes the node alone, and
/// <see cref="Dump"/> writes a whole tree with an explicit stack.
/// </para>
/// </summary>
internal abstract class Syntax(int start, int end)
{
    public int Start { get; } = start;

    public int End { get; } = end;

    /// <summary>The piece of <paramref name="text"/> this node was read from.</summary>
    public string TextIn(string text) => text[Start..End];

    /// <summary>The nodes directly under this one, left to right (an index entry's left-out bounds skipped).</summary>
    public abstract IReadOnlyList<Syntax> Children { get; }

    /// <summary>The node alone: its kind, what it holds besides its children, and its span.</summary>
    public override string ToString() => $"{Head()} [{Start}..{End})";

    /// <summary>The node's kind and what it holds besides its children, as <see cref="Dump"/> writes it.</summary>
    private protected abstract string Head();

    /// <summary>
    /// The whole tree as one line, <c>(+ x (* 2 y))</c>-style, with each node's span when
    /// <paramref name="spans"/>: two trees read from texts alike dump alike. Written with an
    /// explicit stack, so the depth of the tree is no question of the call stack.
    /// </summary>
    public static string Dump(Syntax root, bool spans = true)
    {
        var sb = new StringBuilder();
        // An entry is a node to open, or (Node null) a closing parenthesis to write.
        var work = new Stack<Syntax?>();
        work.Push(root);
        bool first = true;
        while (work.Count > 0)
        {
            var node = work.Pop();
            if (node is null)
            {
                sb.Append(')');
                continue;
            }
            if (!first && sb[^1] != '(') sb.Append(' ');
            first = false;
            sb.Append('(').Append(node.Head());
            if (spans) sb.Append('@').Append(node.Start).Append(':').Append(node.End);
            work.Push(null);
            var children = node.Children;
            for (int i = children.Count - 1; i >= 0; i--) work.Push(children[i]);
        }
        return sb.ToString();
    }

    private protected static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A number as written: an integer (<c>2</c>, <c>-3</c>) or a decimal (<c>2.5</c>, <c>1e-3</c>).</summary>
internal sealed class NumberSyntax(double value, bool isInteger, int start, int end) : Syntax(start, end)
{
    public double Value { get; } = value;

    public bool IsInteger { get; } = isInteger;

    public override IReadOnlyList<Syntax> Children => [];

    private protected override string Head() => (IsInteger ? "int " : "float ") + Number(Value);
}

/// <summary>A bare name: a variable, or one of the words <c>true</c> and <c>false</c>, or a dtype where a call asks for one.</summary>
internal sealed class NameSyntax(string name, int start, int end) : Syntax(start, end)
{
    public string Name { get; } = name;

    public override IReadOnlyList<Syntax> Children => [];

    private protected override string Head() => "name " + Name;
}

/// <summary>Unary minus.</summary>
internal sealed class NegateSyntax(Syntax operand, int start, int end) : Syntax(start, end)
{
    public Syntax Operand { get; } = operand;

    public override IReadOnlyList<Syntax> Children => [Operand];

    private protected override string Head() => "neg";
}

/// <summary>A binary operator: <c>+ - * / ** @ &lt; &lt;= &gt; &gt;= == !=</c>.</summary>
internal sealed class BinarySyntax(string op, Syntax left, Syntax right, int operatorPosition)
    : Syntax(left.Start, right.End)
{
    public string Operator { get; } = op;

    public Syntax Left { get; } = left;

    public Syntax Right { get; } = right;

    /// <summary>Where the operator stands in the text.</summary>
    public int OperatorPosition { get; } = operatorPosition;

    public override IReadOnlyList<Syntax> Children => [Left, Right];

    private protected override string Head() => Operator + "@" + OperatorPosition;
}

/// <summary>A call <c>name(arg, ...)</c>.</summary>
internal sealed class CallSyntax(string name, IReadOnlyList<Syntax> arguments, int start, int end) : Syntax(start, end)
{
    public string Name { get; } = name;

    public IReadOnlyList<Syntax> Arguments { get; } = arguments;

    public override IReadOnlyList<Syntax> Children => Arguments;

    private protected override string Head() => "call " + Name;
}

/// <summary>A bracketed list <c>[a, b]</c>, as the first argument of <c>concatenate</c> and <c>stack</c>.</summary>
internal sealed class ListSyntax(IReadOnlyList<Syntax> items, int start, int end) : Syntax(start, end)
{
    public IReadOnlyList<Syntax> Items { get; } = items;

    public override IReadOnlyList<Syntax> Children => Items;

    private protected override string Head() => "list";
}

/// <summary>Basic indexing <c>x[0, 1:3, :]</c>.</summary>
internal sealed class IndexSyntax(Syntax target, IReadOnlyList<IndexEntrySyntax> entries, int start, int end) : Syntax(start, end)
{
    public Syntax Target { get; } = target;

    public IReadOnlyList<IndexEntrySyntax> Entries { get; } = entries;

    public override IReadOnlyList<Syntax> Children => [Target, .. Entries];

    private protected override string Head() => "index";
}

/// <summary>One entry of an index: a single index (<see cref="IsSlice"/> false, in <see cref="Lower"/>) or a slice <c>lower:upper</c> where either bound may be left out.</summary>
internal sealed class IndexEntrySyntax(bool isSlice, Syntax? lower, Syntax? upper, int start, int end) : Syntax(start, end)
{
    public bool IsSlice { get; } = isSlice;

    public Syntax? Lower { get; } = lower;

    public Syntax? Upper { get; } = upper;

    public override IReadOnlyList<Syntax> Children =>
        Lower is null ? Upper is null ? [] : [Upper] : Upper is null ? [Lower] : [Lower, Upper];

    // Which bounds are present, so that dumps of x[1:] and x[:1] differ.
    private protected override string Head() =>
        !IsSlice ? "at" : "slice" + (Lower is null ? "" : " lower") + (Upper is null ? "" : " upper");
}
