using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// A value given to <see cref="Function.Invoke(InputValue[])"/>: an <see cref="NDArray"/>, or a plain
/// .NET number (<c>float double int long bool</c>), vector (<c>T[]</c>) or matrix (<c>T[,]</c>, or a
/// rectangular jagged <c>T[][]</c>) of those, converted implicitly. A plain value takes the dtype of
/// the input it is given for, where the conversion is exact: an <c>int</c> for a float64 input is
/// fine, a <c>double</c> 0.5 for an int64 input is an error naming the input. Floating-point values
/// convert between float32 and float64 by rounding, as a C# cast does, but never overflow to infinity.
/// </summary>
public readonly struct InputValue
{
    private readonly object? value;

    private InputValue(object? value) => this.value = value;

    /// <summary>What was given: an <see cref="NDArray"/>, a boxed number, or a .NET array.</summary>
    public object? Value => value;

    public static implicit operator InputValue(NDArray value) => new(value);
    public static implicit operator InputValue(float value) => new(value);
    public static implicit operator InputValue(double value) => new(value);
    public static implicit operator InputValue(int value) => new(value);
    public static implicit operator InputValue(long value) => new(value);
    public static implicit operator InputValue(bool value) => new(value);
    public static implicit operator InputValue(float[] value) => new(value);
    public static implicit operator InputValue(double[] value) => new(value);
    public static implicit operator InputValue(int[] value) => new(value);
    public static implicit operator InputValue(long[] value) => new(value);
    public static implicit operator InputValue(bool[] value) => new(value);
    public static implicit operator InputValue(float[,] value) => new(value);
    public static implicit operator InputValue(double[,] value) => new(value);
    public static implicit operator InputValue(int[,] value) => new(value);
    public static implicit operator InputValue(long[,] value) => new(value);
    public static implicit operator InputValue(bool[,] value) => new(value);
    public static implicit operator InputValue(float[][] value) => new(value);
    public static implicit operator InputValue(double[][] value) => new(value);
    public static implicit operator InputValue(int[][] value) => new(value);
    public static implicit operator InputValue(long[][] value) => new(value);
    public static implicit operator InputValue(bool[][] value) => new(value);

    public override string ToString() => value switch
    {
        null => "null",
        NDArray a => $"NDArray {a.DType.ShortName()}{NDArray.ShapeText(a.Shape)}",
        Array a => Describe(a),
        _ => $"{value.GetType().Name} {value}",
    };

    /// <summary>
    /// The array for input <paramref name="index"/> <paramref name="input"/>: an NDArray as it is
    /// (Invoke checks it), a plain value converted to the input's dtype, or an <see cref="ArgumentException"/>
    /// naming the input where the rank differs or an element cannot be converted exactly.
    /// </summary>
    internal NDArray ToNDArray(Variable input, int index)
    {
        if (value is NDArray array) return array;
        string Name() => $"Input {index} {Op.Describe(input)}";
        string param = $"args[{index}]";
        if (value is null) throw new ArgumentNullException(param, $"No value was given for input {index} {Op.Describe(input)}.");
        int[] shape;
        Func<int, object> element;
        int count;
        switch (value)
        {
            case Array { Rank: 1 } a when a.GetType().GetElementType()!.IsArray:
                {
                    var rows = (Array[])(object)a;
                    int width = rows.Length == 0 ? 0 : rows[0]?.Length ?? 0;
                    for (int r = 0; r < rows.Length; r++)
                    {
                        if (rows[r] is null) throw new ArgumentException($"{Name()} was given a jagged array whose row {r} is null.", param);
                        if (rows[r].Length != width)
                            throw new ArgumentException($"{Name()} was given a jagged array that is not rectangular: row 0 has {width} elements, row {r} has {rows[r].Length}.", param);
                    }
                    shape = [rows.Length, width];
                    count = rows.Length * width;
                    element = k => rows[k / width].GetValue(k % width)!;
                    break;
                }
            case Array { Rank: 1 } a:
                shape = [a.Length];
                count = a.Length;
                element = k => a.GetValue(k)!;
                break;
            case Array { Rank: 2 } a:
                {
                    int cols = a.GetLength(1);
                    shape = [a.GetLength(0), cols];
                    count = a.Length;
                    element = k => a.GetValue(k / cols, k % cols)!;
                    break;
                }
            default:
                var scalar = value;
                shape = [];
                count = 1;
                element = _ => scalar;
                break;
        }
        if (shape.Length != input.NDim)
            throw new ArgumentException(
                $"{Name()} expects a {input.DType.ShortName()} array of rank {input.NDim}{(input.NDim > 0 ? " with shape " + input.Type.ShapeText() : "")}, but got {ToString()} (rank {shape.Length}).", param);
        var dtype = input.DType;
        Array buffer = Array.CreateInstance(dtype.ClrType(), count);
        for (int k = 0; k < count; k++)
        {
            var e = element(k);
            if (!TryConvert(e, dtype, out var converted))
            {
                var where = shape.Length == 0 ? "" : $" at {string.Join(", ", Index(k, shape))}";
                throw new ArgumentException(
                    $"{Name()} cannot take {ToString()}: its element {Show(e)}{where} is not exactly a {dtype.ShortName()} value.", param);
            }
            buffer.SetValue(converted, k);
        }
        return NDArray.Wrap(buffer, shape);
    }

    private static int[] Index(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) continue;
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    private static string Show(object e) => e switch
    {
        bool b => b ? "true" : "false",
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => e.ToString() ?? "",
    };

    private static string Describe(Array a)
    {
        var elementType = a.GetType().GetElementType()!;
        if (elementType.IsArray) return $"a {elementType.GetElementType()!.Name.ToLowerInvariant() switch { "single" => "float", var n => n }}[][] of {a.Length} rows";
        var name = ClrName(elementType);
        return a.Rank == 1 ? $"a {name}[] of length {a.Length}" : $"a {name}[,] of shape ({a.GetLength(0)}, {a.GetLength(1)})";
    }

    private static string ClrName(Type t) =>
        t == typeof(float) ? "float" : t == typeof(double) ? "double" : t == typeof(int) ? "int" : t == typeof(long) ? "long" : t == typeof(bool) ? "bool" : t.Name;

    /// <summary>Converts one element to <paramref name="dtype"/>'s .NET type where nothing is lost (see the type's summary).</summary>
    private static bool TryConvert(object e, DType dtype, out object result)
    {
        result = e;
        if (dtype == DType.Bool)
        {
            if (e is bool) return true;
            return false;
        }
        if (e is bool) return false;
        switch (dtype)
        {
            case DType.Float64:
                switch (e)
                {
                    case double: return true;
                    case float f: result = (double)f; return true;
                    case int i: result = (double)i; return true;
                    case long l: return Exact(l, (double)l, out result, single: false);
                }
                break;
            case DType.Float32:
                switch (e)
                {
                    case float: return true;
                    case double d:
                        {
                            float f = (float)d;
                            result = f;
                            return !float.IsInfinity(f) || double.IsInfinity(d);
                        }
                    case int i: return Exact(i, (float)i, out result, single: true);
                    case long l: return Exact(l, (float)l, out result, single: true);
                }
                break;
            case DType.Int64:
                switch (e)
                {
                    case long: return true;
                    case int i: result = (long)i; return true;
                    case double d: return Integral(d, long.MinValue, 9.2233720368547758E18, v => (long)v, out result);
                    case float f: return Integral(f, long.MinValue, 9.2233720368547758E18, v => (long)v, out result);
                }
                break;
            case DType.Int32:
                switch (e)
                {
                    case int: return true;
                    case long l when l is >= int.MinValue and <= int.MaxValue: result = (int)l; return true;
                    case long: return false;
                    case double d: return Integral(d, int.MinValue, int.MaxValue + 1.0, v => (int)v, out result);
                    case float f: return Integral(f, int.MinValue, int.MaxValue + 1.0, v => (int)v, out result);
                }
                break;
        }
        return false;
    }

    /// <summary>An integer whose floating-point conversion <paramref name="converted"/> holds it exactly.</summary>
    private static bool Exact(long original, double converted, out object result, bool single)
    {
        result = single ? (object)(float)converted : converted;
        // 2^63 is the first float past long's range; below it the cast back is exact.
        return converted < 9.2233720368547758E18 && (long)converted == original;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    private static bool Integral(double d, double min, double maxExclusive, Func<double, object> cast, out object result)
    {
        result = 0;
        if (!double.IsFinite(d) || Math.Floor(d) != d || d < min || d >= maxExclusive) return false;
        result = cast(d);
        return true;
    }
}
