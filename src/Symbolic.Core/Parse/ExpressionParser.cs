namespace Symbolic.Parsing;

/// <summary>
/// Reads an expression such as <c>log(1 + exp(x))</c> or <c>mean(categorical_crossentropy(softmax(x @ w), y))</c>
/// and builds its graph, binding names to the given variables. The text is Python-like:
/// <list type="bullet">
/// <item>operators <c>+ - * /</c>, unary <c>-</c>, <c>**</c> (right-associative and tighter than unary
/// minus: <c>-x**2</c> is <c>-(x**2)</c>), <c>@</c> (dot), and the comparisons
/// <c>&lt; &lt;= &gt; &gt;= == !=</c> (lowest, and they do not chain);</item>
/// <item>numbers: integers become weak int constants, decimals and exponent forms weak float
/// constants, exactly as bare C# numbers do;</item>
/// <item>calls of <c>T</c>'s functions by lower-case name, axes and flags as literals:
/// <c>sum(x, 1, true)</c>, <c>softmax(x, -1)</c>, <c>cast(x, float64)</c>, <c>concatenate([a, b], 0)</c>;</item>
/// <item>basic indexing <c>x[0]</c>, <c>x[1:-1, :]</c> with integer literals; <c>true</c> and <c>false</c>.</item>
/// </list>
/// The graph is built through the same functions as <c>T</c>'s, so with hash-consing
/// <c>Parse("exp(x)", x)</c> is the very node <c>T.Exp(x)</c> is.
/// </summary>
public static class ExpressionParser
{
    /// <summary>Builds the graph that <paramref name="text"/> names; raises <see cref="ParseException"/> where it names none.</summary>
    public static Variable Parse(string text, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        for (int i = 0; i < variables.Count; i++)
            if (variables[i] is null) throw new ArgumentNullException(nameof(variables), $"Variable {i} of the {variables.Count} given is null.");
        var tree = ParseTree(text);
        return new ExpressionBuilder(text, variables).Build(tree);
    }

    /// <summary>The names of the functions the text may call, sorted.</summary>
    /// <summary>True for a name the text can write: a letter or '_', then letters, digits or '_' (Unicode's letters, those outside the Basic Multilingual Plane included).</summary>
    public static bool IsName(string text) => text.Length > 0 && ExpressionGrammar.ScanIdentifier(text, 0) == text.Length;

    public static IReadOnlyList<string> FunctionNames => FunctionTable.Names;

    /// <summary>How each function is called, as in <c>sum(x, axis?, keepdims?)</c>, sorted by name.</summary>
    public static IReadOnlyList<string> FunctionSignatures => FunctionTable.Signatures;

    internal static Syntax ParseTree(string text)
    {
        if (ExpressionGrammar.Parse(text, out var r) is { } tree) return tree;
        int position = r!.Position;
        var expected = r.Expectations.Distinct().ToList();
        if (r.Message == ExpressionGrammar.ChainedComparison)
            throw new ParseException(r.Message, text, position, ": add parentheses, as in (a < b) == c, or write and(a < b, b < c)");
        if (r.Message == ExpressionGrammar.KeywordArgument)
        {
            var name = ExpressionGrammar.Found(text, position);
            throw new ParseException(r.Message, text, position,
                $": write the value of {name} alone, in its place among the arguments, as in sum(x, 1, true) for sum(x, axis=1, keepdims=true)");
        }
        if (expected.Count == 0) throw new ParseException(r.Message, text, position);
        throw new ParseException($"expected {JoinAlternatives(expected)}", text, position, ", found " + ExpressionGrammar.Found(text, position));
    }

    /// <summary>"a", "a or b", "a, b or c".</summary>
    private static string JoinAlternatives(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";
}
