namespace Symbolic.Tests.Backend;

/// <summary>Compiles graphs with the C# backend and compares them against the reference interpreter.</summary>
public static class BackendHarness
{
    /// <summary>Random values of a dtype and shape, from a fixed seed: floats in [lo, hi), ints in [-5, 5), bools half true.</summary>
    public static NDArray Random(Random rng, DType dtype, int[] shape, double lo = -2, double hi = 2) =>
        Symbolic.GpuRunner.Checks.Compare.Random(rng, dtype, shape, lo, hi);

    /// <summary>
    /// Compiles <paramref name="outputs"/> (without and with rewriting), runs them on <paramref name="values"/>,
    /// and asserts each output matches the interpreter: same dtype and shape, values within a
    /// tolerance suited to the dtype (exact for integers and booleans). <paramref name="vectorBits"/>
    /// sets the C# kernels' vector width (null: the machine's).
    /// </summary>
    public static void AgreesWithInterpreter(Variable[] inputs, Variable[] outputs, NDArray[] values, double tolerance = 0, int? vectorBits = null)
    {
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Length; i++) given[inputs[i]] = values[i];
        var expected = Interpreter.Evaluate(outputs, given);
        foreach (var optimize in new[] { false, true })
        {
            var f = Function.Compile(inputs, outputs, options: new CompileOptions { Optimize = optimize, VectorBits = vectorBits });
            var got = f.Invoke(values);
            for (int o = 0; o < outputs.Length; o++) AssertClose(expected[o], got[o], tolerance, $"output {o} (optimize={optimize})\n{f.Source}");
        }
    }

    public static void AssertClose(NDArray expected, NDArray actual, double tolerance = 0, string context = "")
    {
        var why = Symbolic.GpuRunner.Checks.Compare.Mismatch(expected, actual,
            tolerance > 0 ? tolerance : expected.DType switch { DType.Float32 => 2e-5, DType.Float64 => 1e-12, _ => 0 });
        Assert.True(why is null, $"{why} {(context.Length > 2000 ? context[..2000] : context)}");
    }

    public static int[] Shape(string text) =>
        text.Length == 0 ? [] : text.Split('x').Select(int.Parse).ToArray();
}
