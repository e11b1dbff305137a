namespace Symbolic.Parsing;

/// <summary>
/// Builds the graph a syntax tree names, through <see cref="TensorMath"/> (the functions behind
/// <c>T</c>), so that parsed text and the same expression written in C# give the very same nodes.
/// Names bind to the given variables; numbers become weakly typed constants, as bare C# numbers do.
/// Every error is a <see cref="ParseException"/> pointing at the text it concerns.
/// </summary>
internal sealed class ExpressionBuilder
{
    private readonly string text;
    private readonly Dictionary<string, List<Variable>> byName = new(StringComparer.Ordinal);
    private readonly List<string> knownNames = [];

    public ExpressionBuilder(string text, IReadOnlyList<Variable> variables)
    {
        this.text = text;
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        foreach (var v in variables)
        {
            if (v.Name is not { } name || !seen.Add(v)) continue;
            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = [];
                knownNames.Add(name);
            }
            list.Add(v);
        }
    }

    public string Text => text;

    /// <summary>
    /// What each syntax node built: its graph, or the error building it raised. Keyed by identity
    /// (syntax records compare by value, which for a deep tree would itself recurse).
    /// </summary>
    private readonly Dictionary<Syntax, (Variable? Value, Exception? Error)> built = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The graph for <paramref name="node"/>. Built bottom-up from an explicit work list, so the
    /// depth of the tree is no question of the call stack: every operand is built (or has failed)
    /// before the node over it, and a node's own code (here or in <see cref="FunctionTable"/>)
    /// then finds its operands ready through this same method.
    /// </summary>
    public Variable Build(Syntax node)
    {
        if (!built.ContainsKey(node)) BuildBelow(node);
        var (value, error) = built[node];
        if (error is not null) throw error;
        return value!;
    }

    /// <summary>
    /// Builds every node under <paramref name="root"/> not built yet, operands first, left to right.
    /// An operand's error is kept, not raised: a call may read that operand as a literal (a dtype
    /// name, an axis) and never ask for its graph. A node whose own code asks for a failed operand
    /// fails with that operand's error, as building it recursively would.
    /// </summary>
    private void BuildBelow(Syntax root)
    {
        var work = new Stack<(Syntax Node, bool OperandsReady)>();
        work.Push((root, false));
        while (work.Count > 0)
        {
            var (node, ready) = work.Pop();
            if (built.ContainsKey(node)) continue;
            if (!ready)
            {
                work.Push((node, true));
                var operands = Operands(node);
                for (int i = operands.Count - 1; i >= 0; i--)
                    if (!built.ContainsKey(operands[i])) work.Push((operands[i], false));
                continue;
            }
            // Unary and binary nodes ask for their operands first, in order: a failed one is this
            // node's error without raising it again (a 100,000-term sum would raise it at every term).
            if (node is NegateSyntax or BinarySyntax or IndexSyntax && FirstError(Operands(node)) is { } failed)
            {
                built[node] = (null, failed);
                continue;
            }
            try
            {
                built[node] = (BuildNode(node), null);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException))
            {
                built[node] = (null, e);
            }
        }
    }

    private Exception? FirstError(IReadOnlyList<Syntax> operands)
    {
        foreach (var o in operands)
            if (built[o].Error is { } e) return e;
        return null;
    }

    /// <summary>The syntax nodes whose graphs <paramref name="node"/>'s own code may ask for, in the order it asks.</summary>
    private static IReadOnlyList<Syntax> Operands(Syntax node) => node switch
    {
        NegateSyntax n => [n.Operand],
        BinarySyntax b => [b.Left, b.Right],
        CallSyntax c => c.Arguments,
        ListSyntax l => l.Items,
        IndexSyntax ix => [ix.Target], // index entries are integer literals, read as such
        _ => [],
    };

    /// <summary>One node's graph, its operands already built.</summary>
    private Variable BuildNode(Syntax node)
    {
        switch (node)
        {
            case NumberSyntax n:
                return NumberConstant(n);
            case NameSyntax n:
                return Lookup(n);
            case NegateSyntax n:
            {
                var operand = Build(n.Operand);
                return Guard(n, () => TensorMath.Neg(operand));
            }
            case BinarySyntax b:
            {
                var left = Build(b.Left);
                var right = Build(b.Right);
                return Guard(b, () => Binary(b.Operator, left, right));
            }
            case CallSyntax c:
                return FunctionTable.Call(this, c);
            case IndexSyntax ix:
            {
                var target = Build(ix.Target);
                var entries = ix.Entries.Select(IndexEntry).ToArray();
                return Guard(ix, () => TensorMath.Slice(target, entries));
            }
            case ListSyntax l:
                throw Error(l, "a list in brackets", " may only stand as the first argument of concatenate or stack");
            case IndexEntrySyntax e:
                throw Error(e, "an index entry", " cannot stand alone");
            default:
                throw new InvalidOperationException($"Unknown syntax node {node.GetType().Name}.");
        }
    }

    private static Variable Binary(string op, Variable a, Variable b) => op switch
    {
        "+" => TensorMath.Add(a, b),
        "-" => TensorMath.Sub(a, b),
        "*" => TensorMath.Mul(a, b),
        "/" => TensorMath.Div(a, b),
        "**" => TensorMath.Pow(a, b),
        "@" => TensorMath.Dot(a, b),
        "<" => TensorMath.Lt(a, b),
        "<=" => TensorMath.Le(a, b),
        ">" => TensorMath.Gt(a, b),
        ">=" => TensorMath.Ge(a, b),
        "==" => TensorMath.Eq(a, b),
        "!=" => TensorMath.Neq(a, b),
        _ => throw new InvalidOperationException($"Unknown operator '{op}'."),
    };

    private Variable NumberConstant(NumberSyntax n)
    {
        if (!n.IsInteger) return Constant.Weak(n.Value, isInteger: false);
        if (n.Value is < long.MinValue or >= 9.2233720368547758E18)
            throw Error(n, $"the integer {n.TextIn(text)} does not fit in 64 bits", "; write it with a decimal point to make it a float");
        return Constant.Weak(n.Value, isInteger: true);
    }

    private Variable Lookup(NameSyntax n)
    {
        if (byName.TryGetValue(n.Name, out var list))
        {
            if (list.Count > 1)
                throw Error(n, $"the name '{n.Name}' is ambiguous", $": {list.Count} of the given variables are called '{n.Name}'; give them distinct names");
            return list[0];
        }
        if (n.Name is "true" or "false") return Constant.Scalar(n.Name == "true" ? 1 : 0, DType.Bool);
        var hint = FunctionTable.IsFunction(n.Name) ? $" ('{n.Name}' is a function: call it as {n.Name}(...))" : "";
        throw Error(n, $"unknown variable '{n.Name}'", $"; known: {KnownList()}{hint}");
    }

    /// <summary>The given variables' names, in the order given, for error messages.</summary>
    public string KnownList() => knownNames.Count == 0 ? "none (no named variables were given)" : string.Join(", ", knownNames);

    /// <summary>True when a given variable has this name.</summary>
    public bool IsVariable(string name) => byName.ContainsKey(name);

    private object IndexEntry(IndexEntrySyntax e)
    {
        if (!e.IsSlice) return IntLiteral(e.Lower!, "an index");
        var lower = e.Lower is null ? Index.Start : AsIndex(IntLiteral(e.Lower, "a slice bound"));
        var upper = e.Upper is null ? Index.End : AsIndex(IntLiteral(e.Upper, "a slice bound"));
        return new Range(lower, upper);
    }

    private static Index AsIndex(int i) => i >= 0 ? new Index(i) : new Index(-i, fromEnd: true);

    /// <summary>The value of an integer literal (possibly negative), or an error saying that <paramref name="what"/> must be one.</summary>
    public int IntLiteral(Syntax node, string what)
    {
        if (node is NumberSyntax { IsInteger: true } n && n.Value is >= int.MinValue and <= int.MaxValue)
            return (int)n.Value;
        throw Error(node, $"{what} must be an integer literal", $", such as 0 or -1, not '{Excerpt(node)}'");
    }

    /// <summary>Runs a graph-building call, turning the <see cref="ArgumentException"/> it may raise into a <see cref="ParseException"/> at <paramref name="node"/>.</summary>
    public Variable Guard(Syntax node, Func<Variable> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e) when (e is not ParseException)
        {
            var reason = e.Message.TrimEnd();
            if (e.ParamName is { } p && reason.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal))
                reason = reason[..^$" (Parameter '{p}')".Length];
            reason = reason.TrimEnd('.');
            throw new ParseException($"{reason}, in '{Excerpt(node)}'", text, node.Start, inner: e);
        }
    }

    /// <summary>The text of <paramref name="node"/>, shortened when long.</summary>
    public string Excerpt(Syntax node)
    {
        var s = node.TextIn(text).ReplaceLineEndings(" ");
        return s.Length <= 60 ? s : s[..(char.IsHighSurrogate(s[56]) ? 56 : 57)] + "...";
    }

    /// <summary>An error at <paramref name="node"/>: <paramref name="what"/>, the position, then <paramref name="detail"/>.</summary>
    public ParseException Error(Syntax node, string what, string? detail = null) => new(what, text, node.Start, detail);

    public ParseException Error(int position, string what, string? detail = null) => new(what, text, position, detail);
}
