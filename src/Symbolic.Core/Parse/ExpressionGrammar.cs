using System.Globalization;
using System.Text;
using Sprache;

namespace Symbolic.Parsing;

/// <summary>
/// The grammar of expressions, in Sprache, from lowest to highest precedence:
/// <code>
/// expression := additive [ ('&lt;' | '&lt;=' | '&gt;' | '&gt;=' | '==' | '!=') additive ]   comparisons do not chain
/// additive   := multiplicative { ('+' | '-') multiplicative }                        left-associative
/// multiplicative := unary { ('*' | '/' | '@') unary }                                left-associative; @ is dot
/// unary      := '-' unary | power
/// power      := postfix [ '**' unary ]                                               right-associative; -x**2 is -(x**2)
/// postfix    := primary { '[' entry { ',' entry } ']' }                              entry := expr | [expr] ':' [expr]
/// primary    := number | name | name '(' [ argument { ',' argument } ] ')' | '(' expression ')'
/// argument   := expression | '[' expression { ',' expression } ']'
/// </code>
/// Blanks (spaces, tabs, newlines) may stand between any two tokens. Every token is read whole or
/// not at all, and a choice commits once its first token is read (Sprache's X combinators), so a
/// failure is reported where the text stops making sense, with what could have come there.
/// </summary>
internal static class ExpressionGrammar
{
    /// <summary>A token read from the text: its characters and where they are (end exclusive).</summary>
    internal readonly record struct Token(string Text, int Start, int End);

    /// <summary>The expectation reported where an operand is missing.</summary>
    internal const string AnExpression = "an expression";

    /// <summary>Parses <paramref name="text"/> into a syntax tree, or returns Sprache's failure.</summary>
    public static IResult<Syntax> Parse(string text) => WholeText(new Input(text));

    // ---- tokens ----------------------------------------------------------------------------

    private static readonly Parser<int> SkipBlanks = i =>
    {
        while (!i.AtEnd && char.IsWhiteSpace(i.Current)) i = i.Advance();
        return Result.Success(i.Position, i);
    };

    /// <summary>
    /// A token: <paramref name="scan"/> gives the length of the token at a position (0 for none).
    /// On success the blanks after the token are skipped too; on failure nothing is consumed.
    /// </summary>
    private static Parser<Token> Tok(Func<string, int, int> scan, string expected) => i =>
    {
        int n = i.AtEnd ? 0 : scan(i.Source, i.Position);
        if (n <= 0) return Result.Failure<Token>(i, "unexpected " + Found(i.Source, i.Position), [expected]);
        var r = i;
        for (int k = 0; k < n; k++) r = r.Advance();
        var token = new Token(i.Source.Substring(i.Position, n), i.Position, i.Position + n);
        return Result.Success(token, SkipBlanks(r).Remainder);
    };

    private static Parser<Token> Sym(string s) =>
        Tok((src, p) => string.CompareOrdinal(src, p, s, 0, s.Length) == 0 ? s.Length : 0, $"'{s}'");

    /// <summary>'*' that is not the start of '**'.</summary>
    private static readonly Parser<Token> Times =
        Tok((src, p) => src[p] == '*' && (p + 1 >= src.Length || src[p + 1] != '*') ? 1 : 0, "'*'");

    private static readonly Parser<Token> Identifier = Tok(ScanIdentifier, "a name");

    /// <summary>
    /// A name: a letter or '_', then letters, digits or '_'. Letters are Unicode's, those outside
    /// the Basic Multilingual Plane (a surrogate pair, such as U+1D465, mathematical italic x) included.
    /// </summary>
    internal static int ScanIdentifier(string s, int p)
    {
        if (!RuneAt(s, p, out var first, out int n) || !(Rune.IsLetter(first) || first.Value == '_')) return 0;
        int q = p + n;
        while (q < s.Length && RuneAt(s, q, out var r, out n) && (Rune.IsLetterOrDigit(r) || r.Value == '_')) q += n;
        return q - p;
    }

    /// <summary>The character (one char, or a surrogate pair) at <paramref name="p"/>; false for a lone surrogate.</summary>
    private static bool RuneAt(string s, int p, out Rune rune, out int length)
    {
        var status = Rune.DecodeFromUtf16(s.AsSpan(p), out rune, out length);
        return status == System.Buffers.OperationStatus.Done;
    }

    /// <summary>Digits with an optional fraction and exponent: <c>2</c>, <c>2.</c>, <c>2.5</c>, <c>.5</c>, <c>1e-3</c>, <c>2.5E+3</c>.</summary>
    internal static int ScanNumber(string s, int p)
    {
        int q = p;
        while (q < s.Length && char.IsAsciiDigit(s[q])) q++;
        bool intDigits = q > p;
        if (q < s.Length && s[q] == '.')
        {
            int f = q + 1;
            while (f < s.Length && char.IsAsciiDigit(s[f])) f++;
            if (!intDigits && f == q + 1) return 0;
            q = f;
        }
        else if (!intDigits) return 0;
        if (q < s.Length && (s[q] == 'e' || s[q] == 'E'))
        {
            int e = q + 1;
            if (e < s.Length && (s[e] == '+' || s[e] == '-')) e++;
            int d = e;
            while (d < s.Length && char.IsAsciiDigit(s[d])) d++;
            if (d > e) q = d;
        }
        return q - p;
    }

    /// <summary>How the text at <paramref name="p"/> is named in an error: the name or number there, or the character, or the end.</summary>
    internal static string Found(string s, int p)
    {
        if (p >= s.Length) return "the end of the text";
        int n = ScanIdentifier(s, p);
        if (n == 0) n = ScanNumber(s, p);
        if (n > 0) return $"'{Shorten(s.Substring(p, n))}'";
        if (!RuneAt(s, p, out var rune, out int length))
            return $"the character U+{(int)s[p]:X4} (half of a surrogate pair, alone)";
        return rune.Value switch
        {
            '\n' => "a line break",
            '\'' => "\"'\"",
            _ when Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                => $"the character U+{rune.Value:X4}",
            _ => $"'{s.Substring(p, length)}'",
        };
    }

    /// <summary>A name or number as an error names it: whole, or its start when it is very long.</summary>
    private static string Shorten(string token)
    {
        if (token.Length <= 40) return token;
        int cut = char.IsHighSurrogate(token[36]) ? 36 : 37;
        return token[..cut] + "...";
    }

    // ---- expressions -----------------------------------------------------------------------

    private static readonly Parser<Syntax> Number =
        from t in Tok(ScanNumber, "a number")
        select (Syntax)new NumberSyntax(
            double.Parse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
            t.Text.All(char.IsAsciiDigit), t.Start, t.End);

    private static readonly Parser<Syntax> Expression = Sprache.Parse.Ref(() => Comparison!);

    /// <summary>
    /// Every operand and every level of nesting passes here, so this is where deep nesting is
    /// stopped (with <see cref="InsufficientExecutionStackException"/>, which the parser reports)
    /// before it could overflow the stack.
    /// </summary>
    private static readonly Parser<Syntax> Unary = i =>
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        return UnaryRule!(i);
    };

    private static readonly Parser<Syntax> ListLiteral =
        from open in Sym("[")
        from items in Expression.XDelimitedBy(Sym(","))
        from close in Sym("]").Named("',' or ']'")
        select (Syntax)new ListSyntax(items.ToList(), open.Start, close.End);

    private static readonly Parser<Syntax> PlainArgument = ListLiteral.XOr(Expression).Named(AnExpression);

    /// <summary>
    /// An argument; <c>name=value</c> (Python's keyword argument, <c>sum(x, axis=1)</c>) fails with
    /// <see cref="KeywordArgument"/> at the name, since arguments are taken by position only.
    /// </summary>
    private static readonly Parser<Syntax> Argument = i =>
    {
        var name = Identifier(i);
        if (name.WasSuccessful && !name.Remainder.AtEnd && name.Remainder.Current == '='
            && !(name.Remainder.Position + 1 < i.Source.Length && i.Source[name.Remainder.Position + 1] == '='))
            return Result.Failure<Syntax>(i, KeywordArgument, []);
        return PlainArgument(i);
    };

    /// <summary>The message of the failure where an argument is written as name=value.</summary>
    internal const string KeywordArgument = "keyword arguments are not supported";

    /// <summary>'(' [ argument { ',' argument } ] ')': the arguments and the end of the closing parenthesis.</summary>
    private static readonly Parser<(IReadOnlyList<Syntax> Args, int End)> ArgumentList =
        from open in Sym("(")
        from rest in
            Sym(")").Select(close => ((IReadOnlyList<Syntax>)[], close.End))
            .XOr(
                from args in Argument.XDelimitedBy(Sym(","))
                from close in Sym(")").Named("',' or ')'")
                select ((IReadOnlyList<Syntax>)args.ToList(), close.End))
        select rest;

    private static readonly Parser<Syntax> NameOrCall =
        from name in Identifier
        from call in ArgumentList.XOptional()
        select call.IsDefined
            ? (Syntax)new CallSyntax(name.Text, call.Get().Args, name.Start, call.Get().End)
            : new NameSyntax(name.Text, name.Start, name.End);

    private static readonly Parser<Syntax> Parenthesized =
        from open in Sym("(")
        from e in Expression
        from close in Sym(")")
        select e;

    private static readonly Parser<Syntax> Primary = Number.XOr(NameOrCall).XOr(Parenthesized);

    /// <summary>One entry of an index: an expression, or a slice with optional bounds.</summary>
    private static readonly Parser<IndexEntrySyntax> IndexEntry = i =>
    {
        var lower = Expression.XOptional()(i);
        if (!lower.WasSuccessful) return Result.Failure<IndexEntrySyntax>(lower.Remainder, lower.Message, lower.Expectations);
        var colon = Sym(":")(lower.Remainder);
        if (!colon.WasSuccessful)
        {
            if (lower.Value.IsDefined)
            {
                var e = lower.Value.Get();
                return Result.Success(new IndexEntrySyntax(false, e, null, e.Start, e.End), lower.Remainder);
            }
            return Result.Failure<IndexEntrySyntax>(i, colon.Message, ["an index", "':'"]);
        }
        var upper = Expression.XOptional()(colon.Remainder);
        if (!upper.WasSuccessful) return Result.Failure<IndexEntrySyntax>(upper.Remainder, upper.Message, upper.Expectations);
        if (Sym(":")(upper.Remainder).WasSuccessful)
            return Result.Failure<IndexEntrySyntax>(upper.Remainder, SliceStep, []);
        int start = lower.Value.IsDefined ? lower.Value.Get().Start : colon.Value.Start;
        int end = upper.Value.IsDefined ? upper.Value.Get().End : colon.Value.End;
        return Result.Success(
            new IndexEntrySyntax(true, lower.Value.GetOrDefault(), upper.Value.GetOrDefault(), start, end),
            upper.Remainder);
    };

    private static readonly Parser<(IReadOnlyList<IndexEntrySyntax> Entries, int End)> Brackets =
        from open in Sym("[")
        from entries in IndexEntry.XDelimitedBy(Sym(","))
        from close in Sym("]").Named("',' or ']'")
        select ((IReadOnlyList<IndexEntrySyntax>)entries.ToList(), close.End);

    private static readonly Parser<Syntax> Postfix =
        from target in Primary
        from indexes in Brackets.XMany()
        select indexes.Aggregate(target, (t, b) => new IndexSyntax(t, b.Entries, target.Start, b.End));

    private static readonly Parser<Syntax> Power =
        from b in Postfix
        from exponent in (from op in Sym("**") from e in Unary select (op, e)).XOptional()
        select exponent.IsDefined
            ? new BinarySyntax("**", b, exponent.Get().e, exponent.Get().op.Start)
            : b;

    /// <summary>Unary minus; a minus written before a number makes a negative number, as <c>-2</c> does in C#.</summary>
    private static readonly Parser<Syntax> UnaryRule =
        (from minus in Sym("-")
         from operand in Unary
         select operand is NumberSyntax n
             ? new NumberSyntax(-n.Value, n.IsInteger, minus.Start, n.End)
             : (Syntax)new NegateSyntax(operand, minus.Start, operand.End))
        .XOr(Power)
        .Named(AnExpression);

    private static readonly Parser<Syntax> Multiplicative = LeftChain(Times.XOr(Sym("/")).XOr(Sym("@")), Unary);

    private static readonly Parser<Syntax> Additive = LeftChain(Sym("+").XOr(Sym("-")), Multiplicative);

    /// <summary>
    /// operand { op operand }, folded to the left. What Sprache's XChainOperator does, as a loop
    /// rather than a recursion, so that a sum of many thousand terms does not deepen the stack.
    /// An operator that is read commits: a missing operand after it is an error there.
    /// </summary>
    private static Parser<Syntax> LeftChain(Parser<Token> op, Parser<Syntax> operand) => i =>
    {
        var first = operand(i);
        if (!first.WasSuccessful) return first;
        var acc = first.Value;
        var rest = first.Remainder;
        while (true)
        {
            var o = op(rest);
            if (!o.WasSuccessful) return Result.Success(acc, rest);
            var next = operand(o.Remainder);
            if (!next.WasSuccessful) return next;
            acc = new BinarySyntax(o.Value.Text, acc, next.Value, o.Value.Start);
            rest = next.Remainder;
        }
    };

    private static readonly Parser<Token> ComparisonOperator =
        Sym("<=").XOr(Sym(">=")).XOr(Sym("==")).XOr(Sym("!=")).XOr(Sym("<")).XOr(Sym(">"));

    /// <summary>additive [ comparison additive ]; a second comparison is an error, since <c>a &lt; b &lt; c</c> would not mean what it says.</summary>
    private static readonly Parser<Syntax> Comparison = i =>
    {
        var left = Additive(i);
        if (!left.WasSuccessful) return left;
        var op = ComparisonOperator(left.Remainder);
        if (!op.WasSuccessful) return left;
        var right = Additive(op.Remainder);
        if (!right.WasSuccessful) return right;
        if (ComparisonOperator(right.Remainder).WasSuccessful)
            return Result.Failure<Syntax>(right.Remainder, ChainedComparison, []);
        return Result.Success<Syntax>(new BinarySyntax(op.Value.Text, left.Value, right.Value, op.Value.Start), right.Remainder);
    };

    /// <summary>The message of the failure where a slice has a step.</summary>
    internal const string SliceStep = "slices with a step (x[a:b:c]) are not supported";

    /// <summary>The message of the failure where a second comparison follows a first.</summary>
    internal const string ChainedComparison = "comparisons do not chain";

    private static readonly Parser<int> EndOfText = i =>
        i.AtEnd
            ? Result.Success(i.Position, i)
            : Result.Failure<int>(i, "unexpected " + Found(i.Source, i.Position), ["an operator", "the end of the text"]);

    private static readonly Parser<Syntax> WholeText =
        from blanks in SkipBlanks
        from e in Expression
        from end in EndOfText
        select e;
}
