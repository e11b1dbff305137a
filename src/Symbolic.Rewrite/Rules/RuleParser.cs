using System.Globalization;
using Sprache;

namespace Symbolic.Rewrite.Rules;

/// <summary>
/// Parses rules files with Sprache. One rule a line; <c>#</c> starts a comment; blank lines are
/// skipped. A rule is <c>name [tag, ...]: pattern => template if cond, cond</c>, where patterns use
/// <c>+ - * / **</c>, unary minus, parentheses, numbers, pattern variables and calls
/// <c>op(args)</c> or <c>op{p}(args)</c> (binding the op's parameters to <c>p</c>).
/// </summary>
public static class RuleParser
{
    internal static readonly Parser<string> Identifier =
        from first in Parse.Letter.Or(Parse.Char('_'))
        from rest in Parse.LetterOrDigit.Or(Parse.Char('_')).Many().Text()
        select first + rest;

    private static readonly Parser<string> RuleName =
        Parse.LetterOrDigit.Or(Parse.Char('_')).Or(Parse.Char('-')).AtLeastOnce().Text().Token().Named("rule name");

    private static readonly Parser<double> Number =
        (from digits in Parse.Decimal
         from exp in (from e in Parse.Chars('e', 'E')
                      from sign in Parse.Chars('+', '-').Optional()
                      from d in Parse.Number
                      select "e" + (sign.IsDefined ? sign.Get().ToString() : "") + d).Optional()
         select double.Parse(digits + (exp.IsDefined ? exp.Get() : ""), CultureInfo.InvariantCulture)).Named("number");

    /// <summary>Runs <paramref name="p"/>, reporting a failure as if nothing was read, so that optional parts can be tried safely.</summary>
    private static Parser<T> Atomic<T>(Parser<T> p) => i =>
    {
        var r = p(i);
        return r.WasSuccessful ? r : Result.Failure<T>(i, r.Message, r.Expectations);
    };

    private static readonly Parser<(string? Param, List<Pattern> Args)> CallSuffix =
        from param in Atomic(from open in Parse.Char('{')
                             from p in Identifier.Token()
                             from close in Parse.Char('}')
                             select p).XOptional()
        from ws in Parse.WhiteSpace.Many()
        from open in Parse.Char('(')
        from args in Parse.Ref(() => Expr).XDelimitedBy(Parse.Char(',').Token())
        from close in Parse.Char(')').Token().Named("')'")
        select (param.GetOrDefault(), args.ToList());

    /// <summary>A name, or a call when an argument list follows it (once '(' is read, errors inside are reported, not backtracked over).</summary>
    private static readonly Parser<Pattern> NameOrCall =
        from name in Identifier
        from ws in Parse.WhiteSpace.Many()
        from suffix in CallSuffix.XOptional()
        select suffix.IsDefined ? new PatternCall(name, suffix.Get().Param, suffix.Get().Args) : (Pattern)new PatternVar(name);

    private static readonly Parser<Pattern> Atom =
        NameOrCall
            .XOr(Number.Select(n => (Pattern)new PatternNumber(n)))
            .XOr(from open in Parse.Char('(').Token()
                 from e in Parse.Ref(() => Expr)
                 from close in Parse.Char(')').Token().Named("')'")
                 select e)
            .Token();

    private static readonly Parser<Pattern> Power =
        from a in Atom
        from rest in (from op in Atomic(Parse.String("**").Token())
                      from b in Parse.Ref(() => Unary)
                      select b).XOptional()
        select rest.IsDefined ? new PatternCall("pow", null, [a, rest.Get()]) : a;

    private static readonly Parser<Pattern> Unary =
        (from minus in Atomic(Parse.Char('-').Token())
         from x in Parse.Ref(() => Unary)
         select x is PatternNumber n ? new PatternNumber(-n.Value) : (Pattern)new PatternCall("neg", null, [x]))
        .XOr(Power);

    private static Parser<string> Op(string symbol, string name) => Atomic(Parse.String(symbol).Token()).Return(name);

    private static readonly Parser<Pattern> Term =
        Parse.XChainOperator(Op("*", "mul").Or(Op("/", "true_div")), Unary, (op, a, b) => new PatternCall(op, null, [a, b]));

    private static readonly Parser<Pattern> Expr =
        Parse.XChainOperator(Op("+", "add").Or(Op("-", "sub")), Term, (op, a, b) => new PatternCall(op, null, [a, b]));

    private static readonly Parser<double> SignedNumber =
        from minus in Parse.Char('-').Optional()
        from n in Number
        select minus.IsDefined ? -n : n;

    private static readonly Parser<RuleCondition> Condition =
        from not in Parse.String("not").Then(_ => Parse.WhiteSpace.AtLeastOnce()).Optional()
        from pred in Identifier.Token()
        from open in Parse.Char('(').Token()
        from v in Identifier.Token()
        from nums in (from comma in Parse.Char(',').Token() from n in SignedNumber.Token() select n).Many()
        from close in Parse.Char(')').Token()
        select new RuleCondition(pred, v, nums.ToList(), not.IsDefined);

    private static readonly Parser<string[]> Tags =
        from open in Parse.Char('[').Token()
        from tags in Identifier.Token().DelimitedBy(Parse.Char(',').Token())
        from close in Parse.Char(']').Token()
        select tags.ToArray();

    private static readonly Parser<Rule> RuleLine =
        from name in RuleName
        from tags in Tags.Optional()
        from colon in Parse.Char(':').Token()
        from lhs in Expr
        from arrow in Parse.String("=>").Token()
        from rhs in Expr
        from conds in (from kw in Parse.String("if").Token()
                       from cs in Condition.DelimitedBy(Parse.Char(',').Token())
                       select cs.ToList()).Optional()
        from end in Parse.LineEnd.Or(Parse.Return("")).End()
        select new Rule(name, lhs, rhs, conds.GetOrElse([]), new HashSet<string>(tags.GetOrElse([])));

    private static readonly Parser<Pattern> WholeExpression =
        from lead in Parse.WhiteSpace.Many()
        from e in Expr
        from end in Parse.WhiteSpace.Many().End()
        select e;

    /// <summary>
    /// Parses an expression in the rule language (the syntax T.Parse reads): numbers, names, calls,
    /// <c>+ - * / **</c>, unary minus, parentheses. Raises <see cref="FormatException"/> saying what
    /// was expected and where, with the text and a caret under the place.
    /// </summary>
    public static Pattern ParseExpression(string text)
    {
        var r = WholeExpression.TryParse(text);
        if (r.WasSuccessful) return r.Value;
        var expected = string.Join(" or ", r.Expectations.Distinct());
        int column = r.Remainder.Column;
        var found = r.Remainder.AtEnd ? "the end of the text" : $"'{r.Remainder.Current}'";
        throw new FormatException(
            $"{(expected.Length > 0 ? $"Expected {expected}" : r.Message)} at position {column}, found {found}.\n  {text}\n  {new string(' ', Math.Max(0, column - 1))}^");
    }

    /// <summary>Parses one rule; raises <see cref="FormatException"/> saying what was expected and where.</summary>
    public static Rule ParseRule(string line, string source = "rule", int lineNumber = 1)
    {
        var r = RuleLine.TryParse(line);
        if (!r.WasSuccessful)
        {
            var expected = string.Join(" or ", r.Expectations);
            throw new FormatException(
                $"{source}:{lineNumber}:{r.Remainder.Column}: {r.Message}{(expected.Length > 0 ? $"; expected {expected}" : "")}\n  {line}\n  {new string(' ', Math.Max(0, r.Remainder.Column - 1))}^");
        }
        var rule = r.Value;
        Validate(rule, source, lineNumber);
        return rule;
    }

    /// <summary>Parses a rules file: one rule a line, # comments, blank lines.</summary>
    public static IReadOnlyList<Rule> ParseFile(string text, string source)
    {
        var rules = new List<Rule>();
        var names = new HashSet<string>();
        foreach (var (number, line) in Lines(text))
        {
            var rule = ParseRule(line, source, number);
            if (!names.Add(rule.Name)) throw new FormatException($"{source}:{number}: the rule name '{rule.Name}' is used twice.");
            rules.Add(rule);
        }
        return rules;
    }

    /// <summary>The lines of a rules text that hold something, with their numbers, comments (from #) and trailing spaces removed.</summary>
    internal static IEnumerable<(int Number, string Text)> Lines(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            if (!string.IsNullOrWhiteSpace(line)) yield return (i + 1, line.TrimEnd());
        }
    }

    private static void Validate(Rule rule, string source, int line)
    {
        var bound = new HashSet<string>();
        var parameters = new HashSet<string>();
        Collect(rule.Pattern, bound, parameters);
        var used = new HashSet<string>();
        var usedParams = new HashSet<string>();
        Collect(rule.Template, used, usedParams);
        foreach (var v in used.Except(bound))
            throw new FormatException($"{source}:{line}: rule '{rule.Name}' uses '{v}' on its right side, but its pattern does not bind it.");
        foreach (var p in usedParams.Except(parameters))
            throw new FormatException($"{source}:{line}: rule '{rule.Name}' uses the parameters '{{{p}}}' on its right side, but its pattern does not bind them.");
        foreach (var c in rule.Conditions)
        {
            if (!RuleCondition.Known.Contains(c.Predicate))
                throw new FormatException($"{source}:{line}: rule '{rule.Name}': unknown condition '{c.Predicate}'; known: {string.Join(", ", RuleCondition.Known)}.");
            if (RuleCondition.OnParameters.Contains(c.Predicate))
            {
                if (!parameters.Contains(c.Variable))
                    throw new FormatException($"{source}:{line}: rule '{rule.Name}': the condition {c} names '{c.Variable}', which the pattern does not bind as an op parameter ({{{c.Variable}}}).");
            }
            else if (!bound.Contains(c.Variable))
                throw new FormatException($"{source}:{line}: rule '{rule.Name}': the condition {c} names '{c.Variable}', which the pattern does not bind.");
        }
    }

    private static void Collect(Pattern p, HashSet<string> vars, HashSet<string> parameters)
    {
        switch (p)
        {
            case PatternVar v: vars.Add(v.Name); break;
            case PatternCall c:
                if (c.Param is { } prm) parameters.Add(prm);
                foreach (var a in c.Args) Collect(a, vars, parameters);
                break;
        }
    }
}
