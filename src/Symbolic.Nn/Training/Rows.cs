namespace Symbolic.Nn;

/// <summary>Picks rows (entries of the first dimension) of an array, keeping its dtype.</summary>
internal abstract class Rows
{
    public static Rows Of(NDArray a) => a.DType switch
    {
        DType.Float32 => new Rows<float>(a),
        DType.Float64 => new Rows<double>(a),
        DType.Int32 => new Rows<int>(a),
        DType.Int64 => new Rows<long>(a),
        DType.Bool => new Rows<bool>(a),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public abstract NDArray Take(int[] rows);
}

internal sealed class Rows<TElem>(NDArray a) : Rows where TElem : unmanaged
{
    private readonly TElem[] data = a.ToArray<TElem>();
    private readonly int[] shape = a.Shape;

    public override NDArray Take(int[] rows)
    {
        int width = shape.Length == 0 || shape[0] == 0 ? 0 : data.Length / shape[0];
        var result = new TElem[rows.Length * width];
        for (int i = 0; i < rows.Length; i++)
            Array.Copy(data, (long)rows[i] * width, result, (long)i * width, width);
        var s = (int[])shape.Clone();
        s[0] = rows.Length;
        return NDArray.Wrap(result, s);
    }
}
