namespace Symbolic.GpuRunner.Checks;

/// <summary>Element-by-element comparison with a relative tolerance suited to the dtype (exact for integers and booleans).</summary>
public static class Compare
{
    public static void Close(NDArray expected, NDArray actual, string what, double tolerance = 0)
    {
        if (expected.DType != actual.DType) throw new GpuCheckException($"{what}: dtype {actual.DType}, expected {expected.DType}.");
        if (!expected.Shape.SequenceEqual(actual.Shape))
            throw new GpuCheckException($"{what}: shape {NDArray.ShapeText(actual.Shape)}, expected {NDArray.ShapeText(expected.Shape)}.");
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        double tol = tolerance > 0 ? tolerance : expected.DType switch
        {
            DType.Float32 => 1e-4,
            DType.Float64 => 1e-10,
            _ => 0,
        };
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            double err = Math.Abs(e[i] - a[i]) / Math.Max(1, Math.Abs(e[i]));
            if (!(err <= tol)) throw new GpuCheckException($"{what}: element {i} is {a[i]}, expected {e[i]} (relative error {err:g3} > {tol:g3}).");
        }
    }

    /// <summary>Random values of a dtype and shape from a seeded generator: floats in [lo, hi), integers in [-5, 5), booleans half true.</summary>
    public static NDArray Random(Random rng, DType dtype, int[] shape, double lo = -2, double hi = 2)
    {
        int n = NDArray.ShapeSize(shape);
        var values = Enumerable.Range(0, n).Select(_ => dtype switch
        {
            DType.Bool => rng.Next(2),
            DType.Int32 or DType.Int64 => rng.Next(-5, 5),
            _ => lo + (hi - lo) * rng.NextDouble(),
        }).ToArray();
        return NDArray.FromDoubles(dtype, shape, values);
    }
}
