using System.Collections.Concurrent;

namespace Symbolic;

/// <summary>
/// A variable with a fixed value. Equal constants (same dtype, shape, values and weakness) are one
/// node. A <em>weak</em> constant comes from a bare C# number: it takes the dtype of the tensor it
/// meets, so <c>x * 2</c> stays float32 when <c>x</c> is float32.
/// </summary>
public sealed class Constant : Variable
{
    private static readonly ConcurrentDictionary<string, WeakReference<Constant>> Interned = new();
    private static int insertsSinceSweep;
    private static int entriesAfterSweep;

    private Constant(NDArray value, bool weak, double exact, string? name)
        : base(new TensorType(value.DType, value.Shape.Select(d => (int?)d).ToArray()), name, null)
    {
        Value = value;
        IsWeak = weak;
        this.exact = exact;
    }

    /// <summary>For a weak constant, the number as written (its Value may be rounded to FloatX).</summary>
    private readonly double exact;

    public NDArray Value { get; }

    /// <summary>The text constants are interned by (dtype, weakness, shape and every value): equal keys, one constant.</summary>
    internal string Key { get; private init; } = "";

    /// <summary>True for a constant written as a bare number, whose dtype yields to the tensors it meets.</summary>
    public bool IsWeak { get; }

    /// <summary>The value as one float64, for scalars (and any one-element constant).</summary>
    public double ScalarValue => Value.Size == 1 ? Value.GetDouble(0) : throw new InvalidOperationException("Not a one-element constant.");

    public static Constant Create(NDArray value) => Create(value, false, 0);

    private static Constant Create(NDArray value, bool weak, double exact)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = KeyOf(value, weak) + (weak ? "=" + BitConverter.DoubleToInt64Bits(exact) : "");
        if (Interned.TryGetValue(key, out var w) && w.TryGetTarget(out var c)) return c;
        lock (Interned)
        {
            if (Interned.TryGetValue(key, out w) && w.TryGetTarget(out c)) return c;
            c = new Constant(value, weak, exact, null) { Key = key };
            Interned[key] = new WeakReference<Constant>(c);
            // Swept when the inserts since the last sweep reach half the entries then left, so the table stays
            // proportional to the live constants at amortized constant cost. (ConcurrentDictionary.Count takes
            // every lock of the dictionary, so it is not asked on each insert.)
            if (++insertsSinceSweep >= Math.Max(4096, entriesAfterSweep / 2))
            {
                foreach (var kv in Interned)
                    if (!kv.Value.TryGetTarget(out _)) Interned.TryRemove(kv.Key, out _);
                insertsSinceSweep = 0;
                entriesAfterSweep = Interned.Count;
            }
            return c;
        }
    }

    public static Constant Scalar(double value, DType dtype) => Create(NDArray.Scalar(value, dtype));

    internal static Constant Weak(double value, bool isInteger) =>
        Create(NDArray.Scalar(value, isInteger ? DType.Int64 : FloatXSetting.Value), weak: true, value);

    /// <summary>This constant as a strong constant of <paramref name="dtype"/> (a weak one from the number as written, not its FloatX rounding).</summary>
    internal Constant As(DType dtype) =>
        dtype == DType && !IsWeak ? this
        : IsWeak ? Create(NDArray.Scalar(exact, dtype))
        : Create(NDArray.FromDoubles(dtype, Value.Shape, Value.ToDoubles()));

    private static string KeyOf(NDArray v, bool weak)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(v.DType).Append(weak ? "w" : "s").Append(NDArray.ShapeText(v.ShapeSpan)).Append(':');
        // int64 values past 2^53 have no exact double: key them by their own value, so they stay apart.
        if (v.Buffer is long[] longs) foreach (var l in longs) sb.Append(l).Append(',');
        else foreach (var d in v.ToDoubles()) sb.Append(BitConverter.DoubleToInt64Bits(d)).Append(',');
        return sb.ToString();
    }

    public override string ToString()
    {
        if (Value.Size == 1)
            return Value.DType == DType.Bool
                ? (Value.GetDouble(0) != 0 ? "true" : "false")
                : Value.GetDouble(0).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (Value.Size <= 8 && Value.NDim == 1)
            return "[" + string.Join(", ", Value.ToDoubles().Select(d => Value.DType == DType.Bool ? (d != 0 ? "true" : "false") : d.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        return $"Constant{{{Value.DType.ShortName()}{NDArray.ShapeText(Value.ShapeSpan)}}}";
    }
}
