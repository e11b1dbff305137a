using System.Globalization;
using System.Text;

namespace Symbolic;

/// <summary>
/// A dense, row-major, immutable n-dimensional array. Its data is copied in at construction and
/// copied out by <see cref="ToArray{T}"/>, so an NDArray can be shared between threads and
/// functions freely.
/// </summary>
public sealed class NDArray
{
    private readonly int[] shape;

    internal NDArray(DType dtype, int[] shape, Array buffer)
    {
        DType = dtype;
        this.shape = shape;
        Buffer = buffer;
        if (buffer.Length != ShapeSize(shape))
            throw new ArgumentException($"Data of {buffer.Length} elements does not fill shape {ShapeText(shape)} ({ShapeSize(shape)} elements).");
        if (buffer.GetType().GetElementType() != dtype.ClrType())
            throw new ArgumentException($"A {dtype} array needs {dtype.ClrType().Name}[] data, not {buffer.GetType().Name}.");
    }

    public DType DType { get; }

    /// <summary>The sizes of the dimensions (a copy).</summary>
    public int[] Shape => (int[])shape.Clone();

    public int NDim => shape.Length;

    public int Size => Buffer.Length;

    /// <summary>The typed, contiguous storage (float[], double[], int[], long[] or bool[]). Never mutate it.</summary>
    internal Array Buffer { get; }

    internal ReadOnlySpan<int> ShapeSpan => shape;

    /// <summary>Wraps a buffer without copying: the caller gives up the array.</summary>
    public static NDArray Wrap(Array buffer, int[] shape) =>
        new(DTypes.FromClr(buffer.GetType().GetElementType()!), (int[])shape.Clone(), buffer);

    /// <summary>A vector of <c>data.Length</c> elements, whatever that length (one element included).
    /// Scalars come from <see cref="Scalar"/>, or from an explicit empty shape: <c>From(data, [])</c>.</summary>
    public static NDArray From<T>(T[] data) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return From(data, [data.Length]);
    }

    /// <summary>An array of the given shape holding <paramref name="data"/> row-major. An explicit
    /// empty shape is a scalar (one element); with no shape written at all, <see cref="From{T}(T[])"/>
    /// makes a vector.</summary>
    public static NDArray From<T>(T[] data, params int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        CheckShape(shape);
        return new NDArray(DTypes.FromClr(typeof(T)), (int[])shape.Clone(), (T[])data.Clone());
    }

    public static NDArray From(float[,] data) => From2D(data);

    public static NDArray From(double[,] data) => From2D(data);

    private static NDArray From2D<T>(T[,] data) where T : unmanaged
    {
        var flat = new T[data.Length];
        int k = 0;
        foreach (var v in data) flat[k++] = v;
        return new NDArray(DTypes.FromClr(typeof(T)), [data.GetLength(0), data.GetLength(1)], flat);
    }

    public static NDArray Scalar(double value, DType dtype) => FromDoubles(dtype, [], [value]);

    /// <summary>An array of the given type and shape holding <paramref name="value"/> everywhere.</summary>
    public static NDArray Full(double value, DType dtype, params int[] shape)
    {
        CheckShape(shape);
        var d = new double[ShapeSize(shape)];
        Array.Fill(d, value);
        return FromDoubles(dtype, shape, d);
    }

    public static NDArray Zeros(DType dtype, params int[] shape) => Full(0, dtype, shape);

    /// <summary>Converts float64 values to an array of <paramref name="dtype"/> (see <see cref="DTypes.Normalize"/>).</summary>
    public static NDArray FromDoubles(DType dtype, int[] shape, double[] values)
    {
        Array buf = dtype switch
        {
            DType.Float32 => values.Select(v => (float)v).ToArray(),
            DType.Float64 => (double[])values.Clone(),
            DType.Int32 => values.Select(v => (int)DType.Int32.Normalize(v)).ToArray(),
            DType.Int64 => values.Select(v => (long)DType.Int64.Normalize(v)).ToArray(),
            DType.Bool => values.Select(v => v != 0).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
        return new NDArray(dtype, (int[])shape.Clone(), buf);
    }

    /// <summary>The elements as float64, row-major.</summary>
    public double[] ToDoubles()
    {
        var r = new double[Size];
        switch (Buffer)
        {
            case float[] f: for (int i = 0; i < f.Length; i++) r[i] = f[i]; break;
            case double[] d: Array.Copy(d, r, d.Length); break;
            case int[] n: for (int i = 0; i < n.Length; i++) r[i] = n[i]; break;
            case long[] l: for (int i = 0; i < l.Length; i++) r[i] = l[i]; break;
            case bool[] b: for (int i = 0; i < b.Length; i++) r[i] = b[i] ? 1 : 0; break;
        }
        return r;
    }

    internal double GetDouble(int flat) => Buffer switch
    {
        float[] f => f[flat],
        double[] d => d[flat],
        int[] n => n[flat],
        long[] l => l[flat],
        bool[] b => b[flat] ? 1 : 0,
        _ => throw new InvalidOperationException(),
    };

    /// <summary>A flat row-major copy, converted to <typeparamref name="T"/> where the dtype differs.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (Buffer is T[] same) return (T[])same.Clone();
        var target = DTypes.FromClr(typeof(T));
        return (T[])FromDoubles(target, shape, ToDoubles()).Buffer;
    }

    /// <summary>One element, by its index in each dimension (negative counts from the end).</summary>
    public T Item<T>(params int[] index) where T : unmanaged
    {
        if (index.Length != shape.Length)
            throw new ArgumentException($"Item needs {shape.Length} indices for shape {ShapeText(shape)}, got {index.Length}.", nameof(index));
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (k < 0 || k >= shape[i])
                throw new IndexOutOfRangeException($"Index {index[i]} is out of range for dimension {i} of size {shape[i]}.");
            flat = flat * shape[i] + k;
        }
        if (Buffer is T[] same) return same[flat];
        var one = FromDoubles(DTypes.FromClr(typeof(T)), [], [GetDouble(flat)]);
        return ((T[])one.Buffer)[0];
    }

    public static int ShapeSize(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n > Array.MaxLength) throw new ArgumentException($"Shape {ShapeText(shape)} has more elements ({n}) than an array can hold.");
        return (int)n;
    }

    public static string ShapeText(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        if (shape.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }

    private static void CheckShape(int[] shape)
    {
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"Shape {ShapeText(shape)} has a negative dimension.", nameof(shape));
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("NDArray<").Append(DType.ShortName()).Append(">").Append(ShapeText(shape)).Append(' ');
        Format(sb, 0, 0, 6);
        return sb.ToString();
    }

    private int Format(StringBuilder sb, int dim, int flat, int limit)
    {
        if (dim == shape.Length)
        {
            sb.Append(Buffer switch
            {
                bool[] b => b[flat] ? "true" : "false",
                _ => GetDouble(flat).ToString("G6", CultureInfo.InvariantCulture),
            });
            return flat + 1;
        }
        sb.Append('[');
        int stride = ShapeSize(shape.AsSpan(dim + 1));
        for (int i = 0; i < shape[dim]; i++)
        {
            if (i > 0) sb.Append(", ");
            if (i == limit && shape[dim] > limit + 1)
            {
                sb.Append("...");
                flat += (shape[dim] - i) * stride;
                break;
            }
            flat = Format(sb, dim + 1, flat, limit);
        }
        sb.Append(']');
        return flat;
    }
}
