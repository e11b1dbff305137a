using Sprache;
using Symbolic.Ops;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Rewrite.Differentiate;

/// <summary>
/// The elementwise ops' gradient rules, written in the rule language (embedded
/// <c>gradients.rules</c>): <c>exp(x): g * out</c>. The reverse sweep asks here first and falls
/// back to the op's own rule in code.
/// </summary>
public static class GradientRules
{
    /// <summary>One op's rule: operand names and, per operand, a template or null (no gradient).</summary>
    public sealed record Rule(string Op, IReadOnlyList<string> Operands, IReadOnlyList<Pattern?> Gradients)
    {
        public Variable?[] Apply(Apply node, Variable gOut)
        {
            var m = new Match();
            for (int i = 0; i < Operands.Count; i++) m.Vars[Operands[i]] = node.Inputs[i];
            m.Vars["out"] = node.Output;
            m.Vars["g"] = gOut;
            return Gradients.Select(t => t is null ? null : TemplateBuilder.Build(t, m)).ToArray();
        }
    }

    private static readonly Lazy<IReadOnlyDictionary<string, Rule>> Table = new(Load);

    public static IReadOnlyDictionary<string, Rule> All => Table.Value;

    public static bool TryGet(Op op, out Rule rule)
    {
        rule = null!;
        return op is Elemwise e && Table.Value.TryGetValue(e.Scalar.Name, out rule!);
    }

    private static readonly Parser<(string Op, List<string> Operands)> Head =
        from op in RuleParser.Identifier.Token()
        from open in Parse.Char('(').Token()
        from operands in RuleParser.Identifier.Token().DelimitedBy(Parse.Char(',').Token())
        from close in Parse.Char(')').Token()
        from colon in Parse.Char(':').Token()
        select (op, operands.ToList());

    /// <summary>Parses a rules text; raises FormatException naming the line for anything malformed.</summary>
    public static IReadOnlyDictionary<string, Rule> ParseText(string text, string source)
    {
        var rules = new Dictionary<string, Rule>();
        foreach (var (number, line) in RuleParser.Lines(text))
        {
            var head = Head.TryParse(line);
            if (!head.WasSuccessful)
                throw new FormatException($"{source}:{number}: expected 'op(operands):' at column {head.Remainder.Column}.\n  {line}");
            var (op, operands) = head.Value;
            var body = line[(head.Remainder.Position)..];
            var parts = SplitTopLevel(body);
            if (parts.Count != operands.Count)
                throw new FormatException($"{source}:{number}: {op} has {operands.Count} operands but {parts.Count} gradients.");
            var grads = new List<Pattern?>();
            foreach (var part in parts)
            {
                if (part.Trim() == "_") { grads.Add(null); continue; }
                Pattern p;
                try { p = RuleParser.ParseExpression(part); }
                catch (FormatException e) { throw new FormatException($"{source}:{number}: {e.Message}", e); }
                var unknown = Names(p).Except(operands).Except(["out", "g"]).ToList();
                if (unknown.Count > 0)
                    throw new FormatException($"{source}:{number}: the gradient of {op} names '{unknown[0]}', which is not an operand, out or g.");
                grads.Add(p);
            }
            if (ScalarOps.ByName(op) is not { } scalar || scalar.Arity != operands.Count)
                throw new FormatException($"{source}:{number}: '{op}' is not an elementwise op of {operands.Count} operands.");
            if (!rules.TryAdd(op, new Rule(op, operands, grads)))
                throw new FormatException($"{source}:{number}: a second rule for '{op}'.");
        }
        return rules;
    }

    private static IEnumerable<string> Names(Pattern p) => p switch
    {
        PatternVar v => [v.Name],
        PatternCall c => c.Args.SelectMany(Names),
        _ => [],
    };

    /// <summary>Splits at commas outside parentheses.</summary>
    private static List<string> SplitTopLevel(string s)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    private static IReadOnlyDictionary<string, Rule> Load()
    {
        var asm = typeof(GradientRules).Assembly;
        using var stream = asm.GetManifestResourceStream("gradients.rules")
            ?? throw new InvalidOperationException("The embedded gradients.rules is missing.");
        using var reader = new StreamReader(stream);
        return ParseText(reader.ReadToEnd(), "gradients.rules");
    }
}
