namespace Symbolic.Bench;

/// <summary>Deterministic inputs: every workload draws from its own seeded generator.</summary>
public static class SeededData
{
    public static float[] Uniform(int seed, int n, float lo, float hi)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return a;
    }

    /// <summary>Standard normal (Box-Muller) times <paramref name="scale"/>.</summary>
    public static float[] Normal(int seed, int n, float scale)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = scale * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return a;
    }

    public static long[] Labels(int seed, int n, int classes)
    {
        var rng = new Random(seed);
        var a = new long[n];
        for (int i = 0; i < n; i++) a[i] = rng.Next(classes);
        return a;
    }
}
