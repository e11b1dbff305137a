using System.Text;

namespace Symbolic;

/// <summary>
/// The type of a tensor variable: its element type and its static shape, where each dimension is
/// a known size or unknown (null). A dimension of static size 1 is <em>broadcastable</em>: it
/// stretches to match the other operands of an elementwise operation, as in Theano.
/// </summary>
public sealed class TensorType : IEquatable<TensorType>
{
    private readonly int?[] shape;

    public TensorType(DType dtype, IReadOnlyList<int?> shape)
    {
        DType = dtype;
        this.shape = shape.ToArray();
        foreach (var d in this.shape)
            if (d is < 0) throw new ArgumentException($"A static dimension cannot be negative ({d}).", nameof(shape));
    }

    public static TensorType Of(DType dtype, int ndim) => new(dtype, new int?[ndim]);

    public static TensorType Of(DType dtype, bool[] broadcastable) =>
        new(dtype, broadcastable.Select(b => b ? (int?)1 : null).ToArray());

    public static TensorType Scalar(DType dtype) => new(dtype, Array.Empty<int?>());

    public DType DType { get; }

    public int NDim => shape.Length;

    /// <summary>Static sizes, null where unknown until run time.</summary>
    public IReadOnlyList<int?> Shape => shape;

    /// <summary>Per dimension: whether the size is statically 1, so that it broadcasts.</summary>
    public bool[] Broadcastable => shape.Select(d => d == 1).ToArray();

    public bool IsBroadcastable(int axis) => shape[axis] == 1;

    public TensorType WithDType(DType dtype) => new(dtype, shape);

    public bool Equals(TensorType? other) =>
        other is not null && other.DType == DType && other.shape.AsSpan().SequenceEqual(shape);

    public override bool Equals(object? obj) => obj is TensorType t && Equals(t);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(DType);
        foreach (var d in shape) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Shape as text, <c>(?, 5)</c>.</summary>
    public string ShapeText()
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]?.ToString() ?? "?");
        }
        if (shape.Length == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }

    public override string ToString() => $"{DType.ShortName()}{ShapeText()}";
}
