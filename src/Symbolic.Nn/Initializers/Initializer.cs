namespace Symbolic.Nn;

/// <summary>Makes a parameter's first value. Draws only from the <see cref="Random"/> it is given, so a seeded generator gives the same values every run.</summary>
public abstract class Initializer
{
    /// <param name="shape">The array's shape.</param>
    /// <param name="fanIn">Inputs feeding each unit (for a dense weight, its rows).</param>
    /// <param name="fanOut">Units each input feeds (for a dense weight, its columns).</param>
    /// <param name="dtype">The array's dtype.</param>
    /// <param name="random">The generator to draw from.</param>
    public NDArray Create(int[] shape, int fanIn, int fanOut, DType dtype, Random random)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(random);
        var values = new double[NDArray.ShapeSize(shape)];
        for (int i = 0; i < values.Length; i++) values[i] = Sample(fanIn, fanOut, random);
        return NDArray.FromDoubles(dtype, shape, values);
    }

    /// <summary>One value.</summary>
    protected abstract double Sample(int fanIn, int fanOut, Random random);

    /// <summary>A standard normal draw (Box–Muller, two uniforms per value).</summary>
    protected static double Normal(Random random)
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)); variance 2 / (fanIn + fanOut).</summary>
public sealed class GlorotUniform : Initializer
{
    protected override double Sample(int fanIn, int fanOut, Random random)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        return (2 * random.NextDouble() - 1) * limit;
    }
}

/// <summary>He (Kaiming) normal: N(0, 2 / fanIn), for layers followed by a ReLU.</summary>
public sealed class HeNormal : Initializer
{
    protected override double Sample(int fanIn, int fanOut, Random random) => Normal(random) * Math.Sqrt(2.0 / fanIn);
}

/// <summary>N(0, stddev²).</summary>
public sealed class RandomNormal(double stddev = 0.05) : Initializer
{
    public double StdDev { get; } = stddev;

    protected override double Sample(int fanIn, int fanOut, Random random) => Normal(random) * StdDev;
}

/// <summary>All zeros (draws nothing).</summary>
public sealed class Zeros : Initializer
{
    protected override double Sample(int fanIn, int fanOut, Random random) => 0;
}
