using Symbolic.Ops;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Text;

/// <summary>
/// Builds the graph an expression text names (<c>T.Parse</c>): names bind to the given variables,
/// numbers are bare numbers (weak constants), operators and calls of the T functions by lower-case
/// name build nodes through the same functions T uses. The syntax is the rule language's.
/// </summary>
internal static class ExpressionReader
{
    /// <summary>A function callable from text: its argument count range and how it builds.</summary>
    private sealed record Function(int Min, int Max, Func<Arg[], Variable> Build);

    /// <summary>An argument: a built tensor, or a bare number (which some functions read as an integer).</summary>
    private sealed record Arg(Variable? Tensor, double? Number, string Text)
    {
        public Variable V => Tensor ?? (Variable)Number!.Value;

        public int Int(string function, int position) =>
            Number is { } n && n == Math.Floor(n) ? (int)n
                : throw new ParseException($"Argument {position + 1} of '{function}' must be an integer literal (an axis or a size), not '{Text}'.");

        public bool Bool(string function, int position) =>
            Number is 0 or 1 ? Number == 1
                : Text is "true" or "false" ? Text == "true"
                : throw new ParseException($"Argument {position + 1} of '{function}' must be true or false, not '{Text}'.");
    }

    private static readonly Dictionary<string, Function> Functions = BuildTable();

    private static Dictionary<string, Function> BuildTable()
    {
        var t = new Dictionary<string, Function>();
        foreach (var op in ScalarOps.All)
        {
            var o = op;
            t[op.Name] = new Function(op.Arity, op.Arity, a => TensorMath.Elem(o, a.Select(x => x.V).ToArray()));
        }
        t["div"] = t["true_div"];
        foreach (var kind in Enum.GetValues<ReduceKind>())
        {
            var k = kind;
            var name = kind.ToString().ToLowerInvariant();
            t[name] = new Function(1, 3, a => a.Length == 1
                ? TensorMath.Reduce(k, a[0].V, null, false)
                : TensorMath.Reduce(k, a[0].V, [a[1].Int(name, 1)], a.Length > 2 && a[2].Bool(name, 2)));
        }
        t["dot"] = new Function(2, 2, a => TensorMath.Dot(a[0].V, a[1].V));
        t["transpose"] = new Function(1, 8, a => TensorMath.Transpose(a[0].V, a.Skip(1).Select((x, i) => x.Int("transpose", i + 1)).ToArray()));
        t["reshape"] = new Function(2, 9, a => TensorMath.Reshape(a[0].V, a.Skip(1).Select((x, i) => x.Int("reshape", i + 1)).ToArray()));
        t["flatten"] = new Function(1, 2, a => TensorMath.Flatten(a[0].V, a.Length > 1 ? a[1].Int("flatten", 1) : 1));
        t["softmax"] = new Function(1, 2, a => TensorMath.Softmax(a[0].V, a.Length > 1 ? a[1].Int("softmax", 1) : -1));
        t["log_softmax"] = new Function(1, 2, a => TensorMath.LogSoftmax(a[0].V, a.Length > 1 ? a[1].Int("log_softmax", 1) : -1));
        t["logsoftmax"] = t["log_softmax"];
        t["categorical_crossentropy"] = new Function(2, 2, a => TensorMath.CategoricalCrossentropy(a[0].V, a[1].V));
        t["binary_crossentropy"] = new Function(2, 2, a => TensorMath.BinaryCrossentropy(a[0].V, a[1].V));
        t["mean_squared_error"] = new Function(2, 2, a => TensorMath.MeanSquaredError(a[0].V, a[1].V));
        t["take"] = new Function(2, 8, a => TensorMath.Take(a[0].V, a.Skip(1).Select(x => x.V).ToArray()));
        t["arange"] = new Function(1, 1, a => TensorMath.Arange(a[0].Tensor ?? Constant.Scalar(a[0].Int("arange", 0), DType.Int64)));
        t["zeros_like"] = new Function(1, 1, a => TensorMath.ZerosLike(a[0].V));
        t["ones_like"] = new Function(1, 1, a => TensorMath.OnesLike(a[0].V));
        t["stop_gradient"] = new Function(1, 1, a => TensorMath.StopGradient(a[0].V));
        return t;
    }

    public static IEnumerable<string> FunctionNames => Functions.Keys.Order(StringComparer.Ordinal);

    public static Variable Read(string text, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(text);
        var byName = new Dictionary<string, Variable>();
        var ambiguous = new HashSet<string>();
        foreach (var v in variables)
        {
            if (v.Name is not { } n) continue;
            if (byName.TryGetValue(n, out var other) && !ReferenceEquals(other, v)) ambiguous.Add(n);
            byName[n] = v;
        }
        Pattern tree;
        try
        {
            tree = RuleParser.ParseExpression(text);
        }
        catch (FormatException e)
        {
            throw new ParseException(e.Message, e);
        }
        var root = Evaluate(tree, byName, ambiguous);
        return root.V;
    }

    private static Arg Evaluate(Pattern p, Dictionary<string, Variable> names, HashSet<string> ambiguous)
    {
        switch (p)
        {
            case PatternNumber n:
                return new Arg(null, n.Value, n.ToString());
            case PatternVar v when v.Name is "true" or "false":
                return new Arg(null, v.Name == "true" ? 1 : 0, v.Name);
            case PatternVar v:
                if (ambiguous.Contains(v.Name))
                    throw new ParseException($"The name '{v.Name}' is ambiguous: more than one of the given variables is called that.");
                return names.TryGetValue(v.Name, out var bound)
                    ? new Arg(bound, null, v.Name)
                    : throw new ParseException($"Unknown variable '{v.Name}'; known: {(names.Count == 0 ? "none" : string.Join(", ", names.Keys.Order(StringComparer.Ordinal)))}.");
            case PatternCall c:
            {
                if (c.Param is not null) throw new ParseException($"'{c.Op}{{{c.Param}}}': parameters in braces belong to rules, not expressions.");
                if (!Functions.TryGetValue(c.Op, out var f))
                    throw new ParseException($"Unknown function '{c.Op}'; known: {string.Join(", ", FunctionNames)}.");
                if (c.Args.Count < f.Min || c.Args.Count > f.Max)
                    throw new ParseException(
                        $"'{c.Op}' takes {(f.Min == f.Max ? $"{f.Min}" : $"{f.Min} to {f.Max}")} argument{(f.Max == 1 ? "" : "s")}, got {c.Args.Count}.");
                var args = c.Args.Select(a => Evaluate(a, names, ambiguous)).ToArray();
                return new Arg(f.Build(args), null, c.ToString());
            }
            default:
                throw new ParseException($"Cannot read {p}.");
        }
    }
}
