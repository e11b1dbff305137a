namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>The small table that differs between CUDA C and the other renderers: type names, conversions, literals, comment text.</summary>
public static class CudaTypes
{
    /// <summary>The C type of an element: bool is one byte, int64 is <c>long long</c>.</summary>
    public static string Name(DType t) => t switch
    {
        DType.Bool => "bool",
        DType.Int32 => "int",
        DType.Int64 => "long long",
        DType.Float32 => "float",
        DType.Float64 => "double",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>A short name for kernel suffixes: f32, i64, ...</summary>
    public static string Short(DType t) => t switch
    {
        DType.Bool => "b8",
        DType.Int32 => "i32",
        DType.Int64 => "i64",
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>
    /// An expression converting <paramref name="expr"/> from one element type to another as the
    /// reference interpreter does: anything to bool is "not zero"; bool is 0 or 1; int64 to int32
    /// saturates; floats to integers truncate and saturate (NaN gives 0), which is what CUDA's
    /// conversion instructions do.
    /// </summary>
    public static string Convert(string expr, DType from, DType to)
    {
        if (from == to) return expr;
        if (to == DType.Bool) return $"({expr} != 0)";
        if (from == DType.Bool) return $"(({Name(to)})({expr} ? 1 : 0))";
        if (from == DType.Int64 && to == DType.Int32) return $"sym_sat_i32({expr})";
        if (from.IsFloat() && !to.IsFloat()) return $"sym_{(from == DType.Float32 ? "f" : "d")}2{Short(to)}({expr})";
        return $"(({Name(to)}){expr})";
    }

    /// <summary>A literal of a dtype: <c>1.5f</c>, <c>-3.0</c>, <c>7LL</c>; infinities and NaN through CUDA's constants.</summary>
    public static string Literal(double v, DType t)
    {
        if (t == DType.Bool) return v != 0 ? "true" : "false";
        if (!t.IsFloat()) return t == DType.Int64 ? $"{(long)v}LL" : ((int)v).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string suffix = t == DType.Float32 ? "f" : "";
        if (double.IsNaN(v)) return t == DType.Float32 ? "__int_as_float(0x7fc00000)" : "__longlong_as_double(0x7ff8000000000000LL)";
        if (double.IsPositiveInfinity(v)) return t == DType.Float32 ? "__int_as_float(0x7f800000)" : "__longlong_as_double(0x7ff0000000000000LL)";
        if (double.IsNegativeInfinity(v)) return t == DType.Float32 ? "__int_as_float(0xff800000)" : "__longlong_as_double(0xfff0000000000000LL)";
        var text = t == DType.Float32 ? ((float)v).ToString("R", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        return text + suffix;
    }

    /// <summary>
    /// Text that stays inside a one-line <c>//</c> comment whatever it holds: every control
    /// character and line separator becomes '?', and so does a backslash (a line continuation
    /// would join the next line to the comment). No <c>*/</c> can end anything in a line comment.
    /// </summary>
    public static string CommentText(string text) =>
        new(text.Select(c => char.IsControl(c) || c is '\\' or '\u0085' or '\u2028' or '\u2029' || c > '\u007e' ? '?' : c).ToArray());
}
