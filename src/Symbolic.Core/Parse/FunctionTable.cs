using M = Symbolic.TensorMath;

namespace Symbolic.Parsing;

/// <summary>
/// The functions a parsed expression may call: the functions of <c>T</c> by their lower-case
/// names, with positional arguments. Where an argument is an axis, a size or a flag, it must be
/// written as a literal (<c>sum(x, -1, true)</c>); tensors may be any expression.
/// </summary>
internal static class FunctionTable
{
    private sealed record Function(string Name, string Signature, int MinArgs, int MaxArgs, Func<Arguments, Variable> Build);

    private static readonly Dictionary<string, Function> Functions = Create();

    /// <summary>The names of all functions, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Functions.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>How each function is called, as in <c>sum(x, axis?, keepdims?)</c>, sorted by name.</summary>
    public static IReadOnlyList<string> Signatures { get; } = Names.Select(n => Functions[n].Signature).ToArray();

    public static bool IsFunction(string name) => Functions.ContainsKey(name);

    public static Variable Call(ExpressionBuilder builder, CallSyntax call)
    {
        if (!Functions.TryGetValue(call.Name, out var f))
        {
            if (builder.IsVariable(call.Name))
                throw builder.Error(call, $"'{call.Name}' is a variable, not a function", $"; known functions: {string.Join(", ", Names)}");
            throw builder.Error(call, $"unknown function '{call.Name}'", $"; {Suggestion(call.Name)}known: {string.Join(", ", Names)}");
        }
        int n = call.Arguments.Count;
        if (n < f.MinArgs || n > f.MaxArgs)
        {
            string count = f.MaxArgs == int.MaxValue ? $"at least {Plural(f.MinArgs)}"
                : f.MinArgs == f.MaxArgs ? Plural(f.MinArgs)
                : $"{f.MinArgs} to {Plural(f.MaxArgs)}";
            int where = n > f.MaxArgs ? call.Arguments[f.MaxArgs].Start : call.End - 1;
            throw builder.Error(where, $"{f.Name} takes {count} but got {n}", $"; call it as {f.Signature}");
        }
        var args = new Arguments(builder, call);
        return builder.Guard(call, () => f.Build(args));
    }

    private static string Plural(int n) => n == 1 ? "1 argument" : $"{n} arguments";

    /// <summary>"did you mean 'exp'? " for a name one or two edits away from a function's.</summary>
    private static string Suggestion(string name)
    {
        var best = Names
            .Select(n => (Name: n, Distance: EditDistance(name.ToLowerInvariant(), n)))
            .Where(c => c.Distance <= Math.Min(2, Math.Max(1, name.Length / 3)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? "" : $"did you mean '{best.Name}'? ";
    }

    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>The arguments of one call, read as the function needs them.</summary>
    private sealed class Arguments(ExpressionBuilder builder, CallSyntax call)
    {
        public int Count => call.Arguments.Count;

        private string Fn => call.Name;

        /// <summary>Argument <paramref name="i"/> as a tensor (any expression).</summary>
        public Variable Tensor(int i) => builder.Build(call.Arguments[i]);

        /// <summary>Arguments from <paramref name="from"/> on, as tensors.</summary>
        public Variable[] Tensors(int from) => Enumerable.Range(from, Count - from).Select(Tensor).ToArray();

        /// <summary>Argument <paramref name="i"/> as an integer literal.</summary>
        public int Int(int i, string what) => builder.IntLiteral(call.Arguments[i], $"{Fn}: the {what}");

        public int Int(int i, string what, int absent) => i < Count ? Int(i, what) : absent;

        /// <summary>Arguments from <paramref name="from"/> on, as integer literals.</summary>
        public int[] Ints(int from, string what) => Enumerable.Range(from, Count - from).Select(i => Int(i, what)).ToArray();

        /// <summary>Argument <paramref name="i"/> as a flag: <c>true</c>, <c>false</c>, <c>1</c> or <c>0</c>.</summary>
        public bool Bool(int i, string what, bool absent)
        {
            if (i >= Count) return absent;
            var a = call.Arguments[i];
            switch (a)
            {
                case NameSyntax { Name: "true" }: return true;
                case NameSyntax { Name: "false" }: return false;
                case NumberSyntax { IsInteger: true, Value: 1 }: return true;
                case NumberSyntax { IsInteger: true, Value: 0 }: return false;
                default: throw builder.Error(a, $"{Fn}: {what} must be true or false", $" (or 1 or 0), not '{builder.Excerpt(a)}'");
            }
        }

        /// <summary>Argument <paramref name="i"/> as a dtype name.</summary>
        public DType DTypeOf(int i)
        {
            var a = call.Arguments[i];
            if (a is NameSyntax n)
                foreach (var t in Enum.GetValues<DType>())
                    if (t.ShortName() == n.Name) return t;
            throw builder.Error(a, $"{Fn}: the dtype must be a dtype name", $" ({string.Join(", ", Enum.GetValues<DType>().Select(t => t.ShortName()))}), not '{builder.Excerpt(a)}'");
        }

        /// <summary>Argument <paramref name="i"/> as a bracketed list of tensors.</summary>
        public Variable[] List(int i)
        {
            if (call.Arguments[i] is ListSyntax l) return l.Items.Select(builder.Build).ToArray();
            throw builder.Error(call.Arguments[i], $"{Fn}: the tensors must be given as a list in brackets", $", as in {Fn}([a, b], 0)");
        }
    }

    private static Dictionary<string, Function> Create()
    {
        var fs = new List<Function>();

        void Unary(string name, Func<Variable, Variable> f) =>
            fs.Add(new(name, $"{name}(x)", 1, 1, a => f(a.Tensor(0))));

        void Binary(string name, string p, string q, Func<Variable, Variable, Variable> f) =>
            fs.Add(new(name, $"{name}({p}, {q})", 2, 2, a => f(a.Tensor(0), a.Tensor(1))));

        void Reduction(string name, Func<Variable, Variable> all, Func<Variable, int[], bool, Variable> along) =>
            fs.Add(new(name, $"{name}(x, axis?, keepdims?)", 1, 3, a => a.Count == 1
                ? all(a.Tensor(0))
                : along(a.Tensor(0), [a.Int(1, "axis")], a.Bool(2, "keepdims", false))));

        // Elementwise.
        Unary("exp", M.Exp);
        Unary("log", M.Log);
        Unary("log1p", M.Log1p);
        Unary("expm1", M.Expm1);
        Unary("sqrt", M.Sqrt);
        Unary("sqr", M.Sqr);
        Unary("abs", M.Abs);
        Unary("sign", M.Sign);
        Unary("neg", M.Neg);
        Unary("tanh", M.Tanh);
        Unary("sigmoid", M.Sigmoid);
        Unary("softplus", M.Softplus);
        Unary("relu", M.Relu);
        Unary("log1mexp", M.Log1mexp);
        Unary("erf", M.Erf);
        Unary("erfc", M.Erfc);
        Unary("erfcx", M.Erfcx);
        Unary("sin", M.Sin);
        Unary("cos", M.Cos);
        Unary("floor", M.Floor);
        Unary("ceil", M.Ceil);
        Unary("not", M.Not);
        Binary("add", "a", "b", M.Add);
        Binary("sub", "a", "b", M.Sub);
        Binary("mul", "a", "b", M.Mul);
        Binary("div", "a", "b", M.Div);
        Binary("pow", "x", "y", M.Pow);
        Binary("maximum", "a", "b", M.Maximum);
        Binary("minimum", "a", "b", M.Minimum);
        Binary("eq", "a", "b", M.Eq);
        Binary("neq", "a", "b", M.Neq);
        Binary("lt", "a", "b", M.Lt);
        Binary("le", "a", "b", M.Le);
        Binary("gt", "a", "b", M.Gt);
        Binary("ge", "a", "b", M.Ge);
        Binary("and", "a", "b", M.And);
        Binary("or", "a", "b", M.Or);
        fs.Add(new("clip", "clip(x, lo, hi)", 3, 3, a => M.Clip(a.Tensor(0), a.Tensor(1), a.Tensor(2))));
        fs.Add(new("switch", "switch(cond, a, b)", 3, 3, a => M.Switch(a.Tensor(0), a.Tensor(1), a.Tensor(2))));
        fs.Add(new("cast", "cast(x, dtype)", 2, 2, a => M.Cast(a.Tensor(0), a.DTypeOf(1))));
        Unary("zeros_like", M.ZerosLike);
        Unary("ones_like", M.OnesLike);
        Unary("stop_gradient", M.StopGradient);

        // Reductions.
        Reduction("sum", M.Sum, M.Sum);
        Reduction("mean", M.Mean, M.Mean);
        Reduction("max", M.Max, M.Max);
        Reduction("min", M.Min, M.Min);
        Reduction("prod", M.Prod, M.Prod);
        Reduction("argmax", M.Argmax, M.Argmax);
        Reduction("argmin", M.Argmin, M.Argmin);

        // Linear algebra, shape, indexing.
        Binary("dot", "a", "b", M.Dot);
        fs.Add(new("transpose", "transpose(x, axis...)", 1, int.MaxValue, a => M.Transpose(a.Tensor(0), a.Ints(1, "axis"))));
        fs.Add(new("reshape", "reshape(x, size...)", 2, int.MaxValue, a => M.ReshapeTo(a.Tensor(0), a.Tensors(1))));
        fs.Add(new("flatten", "flatten(x, ndim?)", 1, 2, a => M.Flatten(a.Tensor(0), a.Int(1, "ndim", 1))));
        fs.Add(new("concatenate", "concatenate([x, ...], axis?)", 1, 2, a => M.Concatenate(a.List(0), a.Int(1, "axis", 0))));
        fs.Add(new("stack", "stack([x, ...], axis?)", 1, 2, a => M.Stack(a.List(0), a.Int(1, "axis", 0))));
        fs.Add(new("take", "take(x, index...)", 2, int.MaxValue, a => M.Take(a.Tensor(0), a.Tensors(1))));
        fs.Add(new("arange", "arange(n)", 1, 1, a => M.Arange(a.Tensor(0))));
        fs.Add(new("shape", "shape(x, axis)", 2, 2, a => M.ShapeOf(a.Tensor(0), a.Int(1, "axis"))));

        // Neural networks.
        fs.Add(new("softmax", "softmax(x, axis?)", 1, 2, a => M.Softmax(a.Tensor(0), a.Int(1, "axis", -1))));
        fs.Add(new("log_softmax", "log_softmax(x, axis?)", 1, 2, a => M.LogSoftmax(a.Tensor(0), a.Int(1, "axis", -1))));
        fs.Add(new("logsoftmax", "logsoftmax(x, axis?)", 1, 2, a => M.LogSoftmax(a.Tensor(0), a.Int(1, "axis", -1))));
        Binary("categorical_crossentropy", "probs", "targets", M.CategoricalCrossentropy);
        Binary("binary_crossentropy", "p", "t", M.BinaryCrossentropy);
        Binary("mean_squared_error", "prediction", "target", M.MeanSquaredError);

        return fs.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }
}
