namespace Symbolic.Tests.Gradients;

/// <summary>Checks symbolic gradients against central finite differences, in float64, with the interpreter and the compiled function.</summary>
public static class GradientCheck
{
    public static void Check(Variable[] wrt, Func<Variable[], Variable> cost, NDArray[] values, double tolerance = 1e-6, Variable[]? extra = null, NDArray[]? extraValues = null)
    {
        extra ??= [];
        extraValues ??= [];
        var c = cost(wrt);
        if (c.NDim != 0) c = T.Sum(c);
        var grads = T.Grad(c, wrt);
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < wrt.Length; i++) given[wrt[i]] = values[i];
        for (int i = 0; i < extra.Length; i++) given[extra[i]] = extraValues[i];
        var symbolic = Interpreter.Evaluate(grads, given);
        var compiled = Function.Compile([.. wrt, .. extra], grads).Invoke([.. values, .. extraValues]);
        for (int i = 0; i < wrt.Length; i++)
        {
            var numeric = Numeric(c, given, wrt[i]);
            var s = symbolic[i].ToArray<double>();
            var k = compiled[i].ToArray<double>();
            Assert.Equal(values[i].Shape, symbolic[i].Shape);
            for (int j = 0; j < numeric.Length; j++)
            {
                double scale = Math.Max(1, Math.Abs(numeric[j]));
                Assert.True(Math.Abs(s[j] - numeric[j]) <= tolerance * scale, $"d/d{wrt[i].Name}[{j}]: symbolic {s[j]}, numeric {numeric[j]}");
                Assert.True(Math.Abs(k[j] - numeric[j]) <= tolerance * scale, $"d/d{wrt[i].Name}[{j}]: compiled {k[j]}, numeric {numeric[j]}");
            }
        }
    }

    private static double[] Numeric(Variable cost, Dictionary<Variable, NDArray> given, Variable wrt)
    {
        var x0 = given[wrt];
        var data = x0.ToArray<double>();
        var r = new double[data.Length];
        const double h = 1e-6;
        for (int j = 0; j < data.Length; j++)
        {
            double keep = data[j];
            data[j] = keep + h;
            given[wrt] = NDArray.From(data, x0.Shape);
            double plus = Interpreter.Evaluate([cost], given)[0].Item<double>();
            data[j] = keep - h;
            given[wrt] = NDArray.From(data, x0.Shape);
            double minus = Interpreter.Evaluate([cost], given)[0].Item<double>();
            data[j] = keep;
            r[j] = (plus - minus) / (2 * h);
        }
        given[wrt] = x0;
        return r;
    }

    public static NDArray Rand(int seed, int[] shape, double lo = -1.5, double hi = 1.5)
    {
        var rng = new Random(seed);
        return NDArray.From(Enumerable.Range(0, NDArray.ShapeSize(shape)).Select(_ => lo + (hi - lo) * rng.NextDouble()).ToArray(), shape);
    }
}
