namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>The small table that differs between C# and the other renderers: type names and conversions.</summary>
internal static class CSharpNames
{
    public static string Type(DType t) => t switch
    {
        DType.Bool => "bool",
        DType.Int32 => "int",
        DType.Int64 => "long",
        DType.Float32 => "float",
        DType.Float64 => "double",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>An expression converting <paramref name="expr"/> from one element type to another, as the reference interpreter does.</summary>
    public static string Convert(string expr, DType from, DType to)
    {
        if (from == to) return expr;
        if (to == DType.Bool) return $"({expr} != 0)";
        if (from == DType.Bool) return $"({expr} ? ({Type(to)})1 : ({Type(to)})0)";
        if (from == DType.Int64 && to == DType.Int32) return $"Sm.SaturateToInt32({expr})";
        return $"(({Type(to)}){expr})";
    }

    /// <summary>Text safe inside a <c>//</c> comment: every character C# could read as a line break (or any other control character) becomes '?'.</summary>
    public static string CommentText(string text)
    {
        // A loop, not LINQ over chars: generic code over a value type is JIT-compiled in every fresh process.
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (char.IsControl(chars[i]) || chars[i] is '\u0085' or '\u2028' or '\u2029') chars[i] = '?';
        return new string(chars);
    }

    /// <summary>
    /// <paramref name="item"/> of 0 .. n-1, joined by <paramref name="separator"/>: what
    /// <c>string.Concat(Enumerable.Range(0, n).Select(...))</c> would give, without the generic
    /// code over int that a fresh process JIT-compiles before it can render.
    /// </summary>
    public static string Each(int n, Func<int, string> item, string separator = "")
    {
        var b = new System.Text.StringBuilder();
        for (int j = 0; j < n; j++)
        {
            if (j > 0) b.Append(separator);
            b.Append(item(j));
        }
        return b.ToString();
    }

    /// <summary>An identifier-safe form of an op name, for kernel names.</summary>
    public static string Ident(string opName)
    {
        int end = opName.IndexOf('{');
        var chars = (end < 0 ? opName : opName[..end]).ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (!char.IsAsciiLetterOrDigit(chars[i])) chars[i] = '_';
        return new string(chars);
    }
}
