namespace Symbolic.Interpret;

/// <summary>
/// The reference interpreter's value: a contiguous float64 tensor. Every op evaluates on these,
/// whatever its declared dtype, and the interpreter rounds results to that dtype's values.
/// </summary>
public sealed class RefTensor
{
    public RefTensor(int[] shape, double[] data)
    {
        if (data.Length != NDArray.ShapeSize(shape))
            throw new ArgumentException($"{data.Length} values do not fill shape {NDArray.ShapeText(shape)}.");
        Shape = shape;
        Data = data;
    }

    public int[] Shape { get; }

    public double[] Data { get; }

    public int NDim => Shape.Length;

    public int Size => Data.Length;

    public static RefTensor Scalar(double v) => new([], [v]);

    public static RefTensor Zeros(int[] shape) => new(shape, new double[NDArray.ShapeSize(shape)]);

    public static RefTensor FromNDArray(NDArray a) => new(a.Shape, a.ToDoubles());

    public NDArray ToNDArray(DType dtype) => NDArray.FromDoubles(dtype, Shape, Data);

    /// <summary>Row-major strides in elements, with 0 where the dimension has size 1 (so it broadcasts).</summary>
    public int[] BroadcastStrides()
    {
        var s = new int[Shape.Length];
        int acc = 1;
        for (int i = Shape.Length - 1; i >= 0; i--)
        {
            s[i] = Shape[i] == 1 ? 0 : acc;
            acc *= Shape[i];
        }
        return s;
    }

    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>Calls <paramref name="body"/> with each multi-index of <paramref name="shape"/> in row-major order.</summary>
    public static void ForEachIndex(int[] shape, Action<int[]> body)
    {
        int n = NDArray.ShapeSize(shape);
        var idx = new int[shape.Length];
        for (int k = 0; k < n; k++)
        {
            body(idx);
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
    }

    public double this[int[] index]
    {
        get
        {
            int flat = 0;
            for (int i = 0; i < index.Length; i++) flat = flat * Shape[i] + index[i];
            return Data[flat];
        }
    }
}
