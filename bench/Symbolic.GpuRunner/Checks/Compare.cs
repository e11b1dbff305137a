namespace Symbolic.GpuRunner.Checks;

/// <summary>Element-by-element comparison with a relative tolerance suited to the dtype (exact for integers and booleans).</summary>
public static class Compare
{
    public static void Close(NDArray expected, NDArray actual, string what, double tolerance = 0)
    {
        if (Mismatch(expected, actual, tolerance > 0 ? tolerance : expected.DType switch { DType.Float32 => 1e-4, DType.Float64 => 1e-10, _ => 0 }) is { } why)
            throw new GpuCheckException($"{what}: {why}");
    }

    /// <summary>
    /// Null where <paramref name="actual"/> has the dtype and shape of <paramref name="expected"/> and
    /// every element within <paramref name="tolerance"/> of it (relative, or absolute below 1; NaN
    /// matches NaN), else a sentence saying the first difference. The test suite asserts with it too.
    /// </summary>
    public static string? Mismatch(NDArray expected, NDArray actual, double tolerance)
    {
        if (expected.DType != actual.DType) return $"dtype {actual.DType}, expected {expected.DType}.";
        if (!expected.Shape.SequenceEqual(actual.Shape))
            return $"shape {NDArray.ShapeText(actual.Shape)}, expected {NDArray.ShapeText(expected.Shape)}.";
        var e = expected.ToArray<double>();
        var a = actual.ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            double err = Math.Abs(e[i] - a[i]) / Math.Max(1, Math.Abs(e[i]));
            if (!(err <= tolerance)) return $"element {i} is {a[i]}, expected {e[i]} (relative error {err:g3} > {tolerance:g3}).";
        }
        return null;
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
