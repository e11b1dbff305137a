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
    private static readonly Parser<string> Identifier =
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

    private static readonly Parser<Pattern> Call =
        from name in Identifier
        from param in (from open in Parse.Char('{').Token()
                       from p in Identifier.Token()
                       from close in Parse.Char('}').Token()
                       select p).Optional()
        from open in Parse.Char('(').Token()
        from args in Parse.Ref(() => Expr).DelimitedBy(Parse.Char(',').Token())
        from close in Parse.Char(')').Token().Named("')'")
        select (Pattern)new PatternCall(name, param.GetOrDefault(), args.ToList());

    private static readonly Parser<Pattern> Atom =
        Call
            .Or(Number.Select(n => (Pattern)new PatternNumber(n)))
            .Or(Identifier.Select(n => (Pattern)new PatternVar(n)))
            .Or(from open in Parse.Char('(').Token()
                from e in Parse.Ref(() => Expr)
                from close in Parse.Char(')').Token().Named("')'")
                select e)
            .Token();

    private static readonly Parser<Pattern> Power =
        from a in Atom
        from rest in (from op in Parse.String("**").Token()
                      from b in Parse.Ref(() => Unary)
                      select b).Optional()
        select rest.IsDefined ? new PatternCall("pow", null, [a, rest.Get()]) : a;

    private static readonly Parser<Pattern> Unary =
        (from minus in Parse.Char('-').Token()
         from x in Parse.Ref(() => Unary)
         select x is PatternNumber n ? new PatternNumber(-n.Value) : (Pattern)new PatternCall("neg", null, [x]))
        .Or(Power);

    private static Parser<string> Op(string symbol, string name) => Parse.String(symbol).Token().Return(name);

    private static readonly Parser<Pattern> Term =
        Parse.ChainOperator(Op("*", "mul").Or(Op("/", "true_div")), Unary, (op, a, b) => new PatternCall(op, null, [a, b]));

    private static readonly Parser<Pattern> Expr =
        Parse.ChainOperator(Op("+", "add").Or(Op("-", "sub")), Term, (op, a, b) => new PatternCall(op, null, [a, b]));

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
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            if (string.IsNullOrWhiteSpace(line)) continue;
            var rule = ParseRule(line.TrimEnd(), source, i + 1);
            if (!names.Add(rule.Name)) throw new FormatException($"{source}:{i + 1}: the rule name '{rule.Name}' is used twice.");
            rules.Add(rule);
        }
        return rules;
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
            if (!bound.Contains(c.Variable))
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
