using System.Globalization;
using System.Text;

namespace Symbolic.Parsing;

/// <summary>
/// The grammar of expressions, from lowest to highest precedence:
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
/// not at all, and a choice commits once its first token is read, so a failure is reported where
/// the text stops making sense, with what could have come there.
/// <para>
/// The reader is a loop over an explicit stack of open constructs (a parenthesis, a call, a list,
/// an index, a unary minus, an operator waiting for its right operand), never a recursion: text
/// nested 100,000 deep, or a sum of 100,000 terms, costs heap, not call stack. Operators are
/// placed by precedence climbing over that stack. The trees and the failures (position, message,
/// expectations) are those of the Sprache grammar this reader replaced, which the tests hold it to.
/// </para>
/// </summary>
internal static class ExpressionGrammar
{
    /// <summary>The expectation reported where an operand is missing.</summary>
    internal const string AnExpression = "an expression";

    /// <summary>The message of the failure where an argument is written as name=value.</summary>
    internal const string KeywordArgument = "keyword arguments are not supported";

    /// <summary>The message of the failure where a slice has a step.</summary>
    internal const string SliceStep = "slices with a step (x[a:b:c]) are not supported";

    /// <summary>The message of the failure where a second comparison follows a first.</summary>
    internal const string ChainedComparison = "comparisons do not chain";

    /// <summary>
    /// Why a text is no expression: where it stops making sense (an index into the text, its
    /// length for the end), a message, and what could have stood there (empty for the failures that
    /// <see cref="Message"/> alone describes: <see cref="KeywordArgument"/>, <see cref="SliceStep"/>,
    /// <see cref="ChainedComparison"/>).
    /// </summary>
    internal sealed record Failure(int Position, string Message, IReadOnlyList<string> Expectations);

    /// <summary>Parses <paramref name="text"/> into a syntax tree, or returns null and says why in <paramref name="failure"/>.</summary>
    public static Syntax? Parse(string text, out Failure? failure) => new Reader(text).Run(out failure);

    // ---- tokens ----------------------------------------------------------------------------

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

    /// <summary>The character (one char, or a surrogate pair) at <paramref name="p"/>; false for a lone surrogate or the end.</summary>
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

    // ---- the reader ------------------------------------------------------------------------

    /// <summary>What an open construct on the reader's stack is waiting for.</summary>
    private enum Kind
    {
        /// <summary>The whole text: an expression, then the end.</summary>
        Top,
        /// <summary>'(' read: an expression, then ')'.</summary>
        Parenthesis,
        /// <summary>name '(' read: arguments separated by ',', then ')'.</summary>
        Call,
        /// <summary>'[' read as an argument: expressions separated by ',', then ']'.</summary>
        List,
        /// <summary>'[' read after an operand: an index entry's first (or only) expression, optional.</summary>
        IndexLower,
        /// <summary>An index entry's ':' read: its upper bound, optional.</summary>
        IndexUpper,
        /// <summary>Unary '-' read: its operand, a unary.</summary>
        Negate,
        /// <summary>'**' read: its right operand, a unary.</summary>
        Power,
        /// <summary>A binary operator of <see cref="Frame.Level"/> read: its right operand.</summary>
        Binary,
    }

    /// <summary>One open construct. Which fields mean something depends on <see cref="Kind"/>.</summary>
    private sealed class Frame(Kind kind, int start)
    {
        public Kind Kind = kind;
        /// <summary>Where the construct's first token starts: the '-', '(', '[', the call's name, the operator.</summary>
        public readonly int Start = start;
        /// <summary>A binary operator's left operand, or the target of an index.</summary>
        public Syntax? Left;
        public string? Operator;
        /// <summary>1 for comparisons, 2 for + and -, 3 for * / @.</summary>
        public int Level;
        /// <summary>A call's name.</summary>
        public string? Name;
        /// <summary>A call's arguments or a list's items, as read so far.</summary>
        public List<Syntax>? Items;
        /// <summary>An index's entries, as read so far.</summary>
        public List<IndexEntrySyntax>? Entries;
        /// <summary>The entry being read: its lower bound (null when left out) and its ':'.</summary>
        public Syntax? Lower;
        public int ColonStart, ColonEnd;
    }

    /// <summary>Where the reader is: what it expects next at <see cref="Reader.pos"/>.</summary>
    private enum State
    {
        /// <summary>The start of a unary (an operand).</summary>
        Operand,
        /// <summary>The start of a call's argument: a keyword argument is refused here, a list is read here.</summary>
        Argument,
        /// <summary>A primary (or an indexed one) was read: '[' or '**' may follow.</summary>
        AfterPrimary,
        /// <summary>A unary was read: it completes waiting minus signs and powers, then meets the binary operators.</summary>
        AfterUnary,
        /// <summary>An expression was read: it goes to the construct that waits for one.</summary>
        AfterExpression,
        /// <summary>A call's argument was read: ',' or ')' follows.</summary>
        AfterArgument,
        /// <summary>An index entry's first expression was read, or left out (value null): ':' may follow.</summary>
        AfterLower,
        /// <summary>A slice's upper bound was read, or left out (value null).</summary>
        AfterUpper,
    }

    private sealed class Reader(string text)
    {
        private readonly List<Frame> stack = [];
        private int pos;

        private Frame Top => stack[^1];

        private Frame Pop()
        {
            var f = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return f;
        }

        private char At(int p) => p < text.Length ? text[p] : '\0';

        private bool Is(int p, char c) => p < text.Length && text[p] == c;

        /// <summary>The position after the blanks at <paramref name="p"/>.</summary>
        private int SkipBlanks(int p)
        {
            while (p < text.Length && char.IsWhiteSpace(text[p])) p++;
            return p;
        }

        /// <summary>A failure where a token of <paramref name="expected"/> was wanted at <paramref name="p"/>.</summary>
        private Failure Unexpected(int p, params string[] expected) =>
            new(p, "unexpected " + Found(text, p), expected);

        public Syntax? Run(out Failure? failure)
        {
            pos = SkipBlanks(0);
            stack.Add(new Frame(Kind.Top, pos));
            var state = State.Operand;
            Syntax? value = null;
            while (true)
            {
                switch (state)
                {
                    case State.Operand:
                    {
                        int p = pos;
                        if (Is(p, '-'))
                        {
                            stack.Add(new Frame(Kind.Negate, p));
                            pos = SkipBlanks(p + 1);
                            continue;
                        }
                        int n = ScanNumber(text, p);
                        if (n > 0)
                        {
                            var digits = text.Substring(p, n);
                            value = new NumberSyntax(
                                double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture),
                                digits.All(char.IsAsciiDigit), p, p + n);
                            pos = SkipBlanks(p + n);
                            state = State.AfterPrimary;
                            continue;
                        }
                        n = ScanIdentifier(text, p);
                        if (n > 0)
                        {
                            var name = text.Substring(p, n);
                            int q = SkipBlanks(p + n);
                            if (!Is(q, '('))
                            {
                                value = new NameSyntax(name, p, p + n);
                                pos = q;
                                state = State.AfterPrimary;
                                continue;
                            }
                            int r = SkipBlanks(q + 1);
                            if (Is(r, ')'))
                            {
                                value = new CallSyntax(name, [], p, r + 1);
                                pos = SkipBlanks(r + 1);
                                state = State.AfterPrimary;
                                continue;
                            }
                            stack.Add(new Frame(Kind.Call, p) { Name = name, Items = [] });
                            pos = r;
                            state = State.Argument;
                            continue;
                        }
                        if (Is(p, '('))
                        {
                            stack.Add(new Frame(Kind.Parenthesis, p));
                            pos = SkipBlanks(p + 1);
                            continue;
                        }
                        // No operand starts here. Where an optional expression was wanted (an
                        // index entry's bounds), it is left out; anywhere else that is the failure.
                        switch (Top.Kind)
                        {
                            case Kind.IndexLower:
                                value = null;
                                state = State.AfterLower;
                                continue;
                            case Kind.IndexUpper:
                                value = null;
                                state = State.AfterUpper;
                                continue;
                            case Kind.Call when Top.Items!.Count == 0:
                                // The first argument's place, where ')' could also have stood.
                                failure = Unexpected(p, "')'", AnExpression);
                                return null;
                            default:
                                failure = Unexpected(p, AnExpression);
                                return null;
                        }
                    }

                    case State.Argument:
                    {
                        int a = pos;
                        int n = ScanIdentifier(text, a);
                        if (n > 0)
                        {
                            int q = SkipBlanks(a + n);
                            if (Is(q, '=') && !Is(q + 1, '='))
                            {
                                // name=value, as Python writes a keyword argument. In the first
                                // argument's place the failure is told as a missing ')'.
                                failure = Top.Items!.Count == 0
                                    ? Unexpected(a, "')'")
                                    : new Failure(a, KeywordArgument, []);
                                return null;
                            }
                        }
                        if (Is(a, '['))
                        {
                            stack.Add(new Frame(Kind.List, a) { Items = [] });
                            pos = SkipBlanks(a + 1);
                        }
                        state = State.Operand;
                        continue;
                    }

                    case State.AfterPrimary:
                    {
                        int p = pos;
                        if (Is(p, '['))
                        {
                            stack.Add(new Frame(Kind.IndexLower, p) { Left = value, Entries = [] });
                            pos = SkipBlanks(p + 1);
                            state = State.Operand;
                            continue;
                        }
                        if (Is(p, '*') && Is(p + 1, '*'))
                        {
                            stack.Add(new Frame(Kind.Power, p) { Left = value });
                            pos = SkipBlanks(p + 2);
                            state = State.Operand;
                            continue;
                        }
                        state = State.AfterUnary;
                        continue;
                    }

                    case State.AfterUnary:
                    {
                        var top = Top;
                        if (top.Kind == Kind.Negate)
                        {
                            Pop();
                            // A minus written before a number makes a negative number, as -2 does in C#.
                            value = value is NumberSyntax number
                                ? new NumberSyntax(-number.Value, number.IsInteger, top.Start, number.End)
                                : new NegateSyntax(value!, top.Start, value!.End);
                            continue;
                        }
                        if (top.Kind == Kind.Power)
                        {
                            Pop();
                            value = new BinarySyntax("**", top.Left!, value!, top.Start);
                            continue;
                        }
                        int p = pos;
                        var (op, level) = BinaryOperatorAt(p);
                        // Operators of this level or tighter that wait on the left are complete now.
                        int reduceFrom = level == 0 ? 1 : Math.Max(level, 2);
                        value = Reduce(value!, reduceFrom);
                        if (level == 0)
                        {
                            state = State.AfterExpression;
                            continue;
                        }
                        if (level == 1 && Top is { Kind: Kind.Binary, Level: 1 })
                        {
                            failure = new Failure(p, ChainedComparison, []);
                            return null;
                        }
                        stack.Add(new Frame(Kind.Binary, p) { Left = value, Operator = op, Level = level });
                        pos = SkipBlanks(p + op!.Length);
                        state = State.Operand;
                        continue;
                    }

                    case State.AfterExpression:
                    {
                        var top = Top;
                        int p = pos;
                        switch (top.Kind)
                        {
                            case Kind.Top:
                                if (p < text.Length)
                                {
                                    failure = Unexpected(p, "an operator", "the end of the text");
                                    return null;
                                }
                                failure = null;
                                return value;
                            case Kind.Parenthesis:
                                if (!Is(p, ')'))
                                {
                                    failure = Unexpected(p, "')'");
                                    return null;
                                }
                                Pop();
                                pos = SkipBlanks(p + 1);
                                state = State.AfterPrimary;
                                continue;
                            case Kind.Call:
                                state = State.AfterArgument;
                                continue;
                            case Kind.List:
                                top.Items!.Add(value!);
                                if (Is(p, ','))
                                {
                                    pos = SkipBlanks(p + 1);
                                    state = State.Operand;
                                    continue;
                                }
                                if (!Is(p, ']'))
                                {
                                    failure = Unexpected(p, "',' or ']'");
                                    return null;
                                }
                                Pop();
                                value = new ListSyntax(top.Items, top.Start, p + 1);
                                pos = SkipBlanks(p + 1);
                                state = State.AfterArgument;
                                continue;
                            case Kind.IndexLower:
                                state = State.AfterLower;
                                continue;
                            case Kind.IndexUpper:
                                state = State.AfterUpper;
                                continue;
                            default:
                                throw new InvalidOperationException($"An expression ended inside {top.Kind}.");
                        }
                    }

                    case State.AfterArgument:
                    {
                        var top = Top;
                        int p = pos;
                        top.Items!.Add(value!);
                        if (Is(p, ','))
                        {
                            pos = SkipBlanks(p + 1);
                            state = State.Argument;
                            continue;
                        }
                        if (!Is(p, ')'))
                        {
                            failure = Unexpected(p, "',' or ')'");
                            return null;
                        }
                        Pop();
                        value = new CallSyntax(top.Name!, top.Items, top.Start, p + 1);
                        pos = SkipBlanks(p + 1);
                        state = State.AfterPrimary;
                        continue;
                    }

                    case State.AfterLower:
                    {
                        var top = Top;
                        int p = pos;
                        if (Is(p, ':'))
                        {
                            top.Kind = Kind.IndexUpper;
                            top.Lower = value;
                            top.ColonStart = p;
                            top.ColonEnd = p + 1;
                            pos = SkipBlanks(p + 1);
                            state = State.Operand;
                            continue;
                        }
                        if (value is null)
                        {
                            failure = Unexpected(p, "an index", "':'");
                            return null;
                        }
                        top.Entries!.Add(new IndexEntrySyntax(false, value, null, value.Start, value.End));
                        if (EndOfEntry(top, ref value, out failure) is not { } next) return null;
                        state = next;
                        continue;
                    }

                    case State.AfterUpper:
                    {
                        var top = Top;
                        int p = pos;
                        if (Is(p, ':'))
                        {
                            failure = new Failure(p, SliceStep, []);
                            return null;
                        }
                        var lower = top.Lower;
                        top.Entries!.Add(new IndexEntrySyntax(true, lower, value,
                            lower?.Start ?? top.ColonStart, value?.End ?? top.ColonEnd));
                        top.Kind = Kind.IndexLower;
                        top.Lower = null;
                        if (EndOfEntry(top, ref value, out failure) is not { } next) return null;
                        state = next;
                        continue;
                    }
                }
            }
        }

        /// <summary>
        /// After an index entry: ',' (the next entry's operand follows, <paramref name="index"/>
        /// still on top) or ']' (the index is popped and becomes <paramref name="value"/>, a primary
        /// that more brackets or '**' may follow). Null when neither follows, with the failure.
        /// </summary>
        private State? EndOfEntry(Frame index, ref Syntax? value, out Failure? failure)
        {
            int p = pos;
            failure = null;
            if (Is(p, ','))
            {
                pos = SkipBlanks(p + 1);
                return State.Operand;
            }
            if (!Is(p, ']'))
            {
                failure = Unexpected(p, "',' or ']'");
                return null;
            }
            Pop();
            var target = index.Left!;
            value = new IndexSyntax(target, index.Entries!, target.Start, p + 1);
            pos = SkipBlanks(p + 1);
            return State.AfterPrimary;
        }

        /// <summary>The binary operator at <paramref name="p"/> and its level (1 comparison, 2 additive, 3 multiplicative), or level 0 for none.</summary>
        private (string? Op, int Level) BinaryOperatorAt(int p)
        {
            switch (At(p))
            {
                case '*': return Is(p + 1, '*') ? (null, 0) : ("*", 3);
                case '/': return ("/", 3);
                case '@': return ("@", 3);
                case '+': return ("+", 2);
                case '-': return ("-", 2);
                case '<': return Is(p + 1, '=') ? ("<=", 1) : ("<", 1);
                case '>': return Is(p + 1, '=') ? (">=", 1) : (">", 1);
                case '=': return Is(p + 1, '=') ? ("==", 1) : (null, 0);
                case '!': return Is(p + 1, '=') ? ("!=", 1) : (null, 0);
                default: return (null, 0);
            }
        }

        /// <summary>Folds the binary operators of level <paramref name="minLevel"/> or above waiting on top of the stack, left to right, onto <paramref name="right"/>.</summary>
        private Syntax Reduce(Syntax right, int minLevel)
        {
            while (Top is { Kind: Kind.Binary } f && f.Level >= minLevel)
            {
                Pop();
                right = new BinarySyntax(f.Operator!, f.Left!, right, f.Start);
            }
            return right;
        }
    }
}
