namespace Symbolic;

/// <summary>Element types of tensors.</summary>
public enum DType
{
    Bool,
    Int32,
    Int64,
    Float32,
    Float64,
}

/// <summary>Facts about element types: promotion, names, ranges.</summary>
public static class DTypes
{
    public static bool IsFloat(this DType t) => t is DType.Float32 or DType.Float64;

    public static bool IsInteger(this DType t) => t is DType.Int32 or DType.Int64;

    /// <summary>A result of wrapping int64 arithmetic in this integer type's range (int32 keeps the low 32 bits), as NumPy and the generated code have it.</summary>
    public static long Wrap(this DType t, long v) => t == DType.Int32 ? unchecked((int)v) : v;

    /// <summary>Lower-case name as NumPy spells it (<c>float32</c>, <c>int64</c>, <c>bool</c>).</summary>
    public static string ShortName(this DType t) => t switch
    {
        DType.Bool => "bool",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static int SizeInBytes(this DType t) => t switch
    {
        DType.Bool => 1,
        DType.Int32 => 4,
        DType.Int64 => 8,
        DType.Float32 => 4,
        DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>
    /// The type two operands are computed in. Floats win over integers (as in PyTorch: an
    /// int64 tensor times a float32 tensor is float32); otherwise the wider type wins.
    /// </summary>
    public static DType Upcast(DType a, DType b)
    {
        if (a.IsFloat() || b.IsFloat())
        {
            if (!a.IsFloat()) return b;
            if (!b.IsFloat()) return a;
        }
        return (DType)Math.Max((int)a, (int)b);
    }

    public static DType Upcast(IEnumerable<DType> types)
    {
        DType? r = null;
        foreach (var t in types) r = r is null ? t : Upcast(r.Value, t);
        return r ?? throw new ArgumentException("Upcast of no types.");
    }

    /// <summary>The float type an integer or boolean is promoted to by float functions (exp, /).</summary>
    public static DType ToFloat(this DType t) => t.IsFloat() ? t : FloatXSetting.Value;

    public static Type ClrType(this DType t) => t switch
    {
        DType.Bool => typeof(bool),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static DType FromClr(Type t) =>
        t == typeof(float) ? DType.Float32 :
        t == typeof(double) ? DType.Float64 :
        t == typeof(int) ? DType.Int32 :
        t == typeof(long) ? DType.Int64 :
        t == typeof(bool) ? DType.Bool :
        throw new ArgumentException($"No DType holds elements of type {t.Name}; use float, double, int, long or bool.");

    /// <summary>
    /// Rounds a float64 value to what an element of type <paramref name="t"/> holds: integers are
    /// truncated toward zero and saturate at their range (NaN gives 0), booleans become 0 or 1,
    /// float32 rounds to the nearest float.
    /// </summary>
    public static double Normalize(this DType t, double v) => t switch
    {
        DType.Bool => v != 0 ? 1 : 0,
        DType.Int32 => double.IsNaN(v) ? 0 : Math.Clamp(Math.Truncate(v), int.MinValue, int.MaxValue),
        DType.Int64 => double.IsNaN(v) ? 0 : Math.Clamp(Math.Truncate(v), long.MinValue, long.MaxValue),
        DType.Float32 => (float)v,
        _ => v,
    };
}

internal static class FloatXSetting
{
    private static DType value = DType.Float32;

    public static DType Value
    {
        get => value;
        set
        {
            if (!value.IsFloat()) throw new ArgumentException($"FloatX must be Float32 or Float64, not {value}.", nameof(value));
            FloatXSetting.value = value;
        }
    }
}
