using Symbolic.Rewrite.Engine;
using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Fuzz;

/// <summary>
/// Properties over a few hundred random graphs each (see <see cref="ExprGenerator"/>): compiled code,
/// optimized or not, agrees with the float64 interpreter on the graph as built; rewriting keeps the
/// interpreter's values; symbolic gradients agree with finite differences; and building a graph twice
/// gives the same source. A failure names the seed and the expression, and prints its graph.
/// </summary>
public class FuzzPropertyTests
{
    private const int PerBatch = 25;

    private static IEnumerable<int> Seeds(int first, int count) => Enumerable.Range(first, count);

    [Fact]
    public void OptimizedFloat32AgreesWithInterpreter()
    {
        foreach (int seed in Seeds(1, 4))
            CompiledAgrees(FuzzBatch.Build(seed, DType.Float32, count: PerBatch), CompileOptions.Default, 1e-4);
    }

    [Fact]
    public void OptimizedFloat64AgreesWithInterpreter()
    {
        foreach (int seed in Seeds(101, 5))
            CompiledAgrees(FuzzBatch.Build(seed, DType.Float64, count: PerBatch), CompileOptions.Default, 1e-9);
    }

    [Fact]
    public void UnoptimizedAgreesWithInterpreter()
    {
        var options = new CompileOptions { Optimize = false };
        foreach (int seed in Seeds(201, 3))
            CompiledAgrees(FuzzBatch.Build(seed, DType.Float64, count: PerBatch), options, 1e-10);
        foreach (int seed in Seeds(1, 1))
            CompiledAgrees(FuzzBatch.Build(seed, DType.Float32, count: PerBatch), options, 1e-4);
    }

    /// <summary>
    /// Random graphs at scale (issue 10): one batch of random expressions over shared inputs, at least
    /// 10,000 nodes together, rewritten, lowered and compiled as one function, agrees with the
    /// interpreter.
    /// </summary>
    [Fact]
    public void ARandomGraphOf10000NodesAgreesWithInterpreter()
    {
        var batch = FuzzBatch.Build(501, DType.Float64, count: 700, maxDepth: 6);
        int nodes = GraphWalk.TopologicalOrder(batch.Outputs).Count;
        Assert.True(nodes >= 10_000, $"{nodes} nodes");
        CompiledAgrees(batch, CompileOptions.Default, 1e-9);
    }

    /// <summary>
    /// The interpreter on <see cref="Function.Optimized"/> agrees with the interpreter on the graph as
    /// built (closely: the interpreter rounds float32 results at each node, and rewriting moves them).
    /// </summary>
    [Fact]
    public void RewritingKeepsTheValues()
    {
        // The seeds of the compiled checks above, so that their programs come from the compiler's cache,
        // then more batches through the rewrite engine alone, as Function.Compile runs it.
        var compiled = Seeds(101, 5).Select(s => FuzzBatch.Build(s, DType.Float64, count: PerBatch))
            .Concat(Seeds(1, 4).Select(s => FuzzBatch.Build(s, DType.Float32, count: PerBatch)));
        foreach (var batch in compiled)
            OptimizedKeepsTheValues(batch, CompileOrReport(batch, CompileOptions.Default).Optimized);
        foreach (int seed in Seeds(301, 12))
        {
            var batch = FuzzBatch.Build(seed, seed % 3 == 0 ? DType.Float32 : DType.Float64, count: PerBatch, maxDepth: 4);
            OptimizedKeepsTheValues(batch, Rulebook.Engine.Run(batch.Outputs).Outputs);
        }
    }

    private static void OptimizedKeepsTheValues(FuzzBatch batch, IReadOnlyList<Variable> optimized)
    {
        var given = batch.Pool.Given();
        var expected = EvaluateOrReport(batch, batch.Outputs, given);
        var after = Interpreter.Evaluate(optimized, given);
        var failures = new List<string>();
        for (int i = 0; i < batch.Exprs.Length; i++)
            Compare(batch, i, expected[i], after[i], batch.DType == DType.Float32 ? 1e-5 : 1e-9, "interpreter on the optimized graph", failures);
        Report(failures);
    }

    /// <summary>T.Grad of a random scalar cost agrees with central differences, in float64, interpreted and compiled.</summary>
    [Fact]
    public void GradientsAgreeWithFiniteDifferences()
    {
        foreach (int seed in Seeds(401, 5))
            GradientsAgree(FuzzBatch.Build(seed, DType.Float64, smooth: true, count: 20), compile: seed == 401);
    }

    internal static void GradientsAgree(FuzzBatch batch, bool compile)
    {
        var rng = new Random(batch.Seed);
        // cost = sum(expr * w) with fixed random weights, so every element of expr counts differently.
        var costs = batch.Exprs.Select(e => e.Shape.Length == 0
            ? e.V * T.Constant(0.5 + rng.NextDouble(), DType.Float64)
            : T.Sum(e.V * T.Constant(BackendHarness.Random(rng, DType.Float64, e.Shape, 0.5, 1.5)))).ToArray();
        var wrt = batch.Pool.Variables;
        var given = batch.Pool.Given();
        var grads = new Variable[costs.Length][];
        var failures = new List<string>();
        for (int i = 0; i < costs.Length; i++)
        {
            try
            {
                grads[i] = T.Grad(costs[i], wrt, DisconnectedInputs.Zero); // a random cost need not use every variable
            }
            catch (Exception e)
            {
                failures.Add($"{batch.Describe(i)}\nT.Grad threw {e}");
                grads[i] = wrt.Select(T.ZerosLike).ToArray();
            }
        }
        Report(failures);
        var flat = grads.SelectMany(g => g).ToArray();
        var symbolic = EvaluateOrReport(batch, flat, given);
        var compiled = compile ? Function.Compile(wrt, flat).Invoke(batch.Pool.Values) : null;
        var values = Interpreter.Evaluate(costs, given);
        for (int i = 0; i < costs.Length; i++)
            if (!double.IsFinite(values[i].Item<double>()))
                failures.Add($"{batch.Describe(i)}\nThe generator left its domain: the cost is {values[i].Item<double>()}.");
        Report(failures);
        var numeric = NumericGradients(costs, wrt, given);
        for (int i = 0; i < costs.Length; i++)
            for (int j = 0; j < wrt.Length; j++)
            {
                var s = symbolic[i * wrt.Length + j];
                if (compiled is not null)
                    Compare(batch, i, s, compiled[i * wrt.Length + j], 1e-9, $"compiled gradient d/d{wrt[j].Name}", failures);
                var sv = s.ToArray<double>();
                for (int k = 0; k < sv.Length; k++)
                {
                    double n = numeric[i][j][k];
                    if (!(Math.Abs(sv[k] - n) <= 1e-5 * Math.Max(1, Math.Abs(n))))
                    {
                        failures.Add($"{batch.Describe(i)}\nd/d{wrt[j].Name}[{k}]: symbolic {sv[k]}, central difference {n}");
                        break;
                    }
                }
            }
        Report(failures);
    }

    /// <summary>Building the same random graphs twice, over fresh variables, gives byte-identical programs.</summary>
    [Fact]
    public void SameGraphGivesSameSource()
    {
        foreach (int seed in Seeds(501, 10))
        {
            var dtype = seed % 2 == 0 ? DType.Float32 : DType.Float64;
            var a = FuzzBatch.Build(seed, dtype, count: PerBatch);
            var b = FuzzBatch.Build(seed, dtype, count: PerBatch);
            Assert.False(ReferenceEquals(a.Pool.Variables[0], b.Pool.Variables[0]));
            Assert.Equal(Graph.DebugPrint(a.Outputs), Graph.DebugPrint(b.Outputs));
            foreach (var options in new[] { CompileOptions.Default, new CompileOptions { Optimize = false } })
            {
                string sa, sb;
                if (seed == 501)
                {
                    sa = Function.Compile(a.Pool.Variables, a.Outputs, options: options).Source;
                    sb = Function.Compile(b.Pool.Variables, b.Outputs, options: options).Source;
                }
                else
                {
                    sa = Function.Emit(a.Pool.Variables, a.Outputs, options).Source;
                    sb = Function.Emit(b.Pool.Variables, b.Outputs, options).Source;
                }
                Assert.True(sa == sb, $"seed {seed} ({dtype}, optimize={options.Optimize}): the two builds give different sources.\n{FirstDifference(sa, sb)}");
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    internal static void CompiledAgrees(FuzzBatch batch, CompileOptions options, double tolerance)
    {
        var f = CompileOrReport(batch, options);
        var expected = EvaluateOrReport(batch, batch.Outputs, batch.Pool.Given());
        NDArray[] got;
        try
        {
            got = f.Invoke(batch.Pool.Values);
        }
        catch (Exception e)
        {
            Assert.Fail(Culprit(batch, i => Function.Compile(batch.Pool.Variables, [batch.Outputs[i]], options: options).Invoke(batch.Pool.Values), $"Invoke threw {e.GetType().Name}: {e.Message}"));
            throw;
        }
        var failures = new List<string>();
        for (int i = 0; i < batch.Exprs.Length; i++)
            Compare(batch, i, expected[i], got[i], tolerance, $"compiled (optimize={options.Optimize})", failures);
        Report(failures);
    }

    private static Function CompileOrReport(FuzzBatch batch, CompileOptions options)
    {
        try
        {
            return Function.Compile(batch.Pool.Variables, batch.Outputs, options: options);
        }
        catch (Exception e)
        {
            Assert.Fail(Culprit(batch, i => Function.Compile(batch.Pool.Variables, [batch.Outputs[i]], options: options), $"Compile threw {e.GetType().Name}: {e.Message}"));
            throw;
        }
    }

    private static NDArray[] EvaluateOrReport(FuzzBatch batch, Variable[] outputs, Dictionary<Variable, NDArray> given)
    {
        try
        {
            return Interpreter.Evaluate(outputs, given);
        }
        catch (Exception e)
        {
            Assert.Fail(Culprit(batch, i => Interpreter.Evaluate([outputs[i]], given), $"The interpreter threw {e.GetType().Name}: {e.Message}"));
            throw;
        }
    }

    /// <summary>Finds the expression of a batch that makes <paramref name="run"/> throw on its own.</summary>
    private static string Culprit(FuzzBatch batch, Action<int> run, string what)
    {
        for (int i = 0; i < batch.Exprs.Length; i++)
        {
            try
            {
                run(i);
            }
            catch (Exception e)
            {
                return $"{batch.Describe(i)}\n{e}";
            }
        }
        return $"seed {batch.Seed}: {what} (no single expression fails alone)";
    }

    private static void Compare(FuzzBatch batch, int i, NDArray expected, NDArray actual, double tolerance, string what, List<string> failures)
    {
        try
        {
            // Integers and booleans exactly (the harness's default for them), floats within the tolerance.
            BackendHarness.AssertClose(expected, actual, expected.DType is DType.Float32 or DType.Float64 ? tolerance : 0);
        }
        catch (Exception e) when (e is Xunit.Sdk.IAssertionException)
        {
            failures.Add($"{batch.Describe(i)}\n{what} disagrees with the interpreter on the graph as built: {e.Message}");
        }
    }

    private static void Report(List<string> failures)
    {
        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} failure(s):\n\n{string.Join("\n\n", failures.Take(5))}");
    }

    /// <summary>d cost_i / d wrt_j by central differences: every cost from one pair of evaluations per input element.</summary>
    private static double[][][] NumericGradients(Variable[] costs, Variable[] wrt, Dictionary<Variable, NDArray> given)
    {
        const double h = 1e-5;
        var r = costs.Select(_ => wrt.Select(w => new double[given[w].Size]).ToArray()).ToArray();
        for (int j = 0; j < wrt.Length; j++)
        {
            var x0 = given[wrt[j]];
            var data = x0.ToArray<double>();
            for (int k = 0; k < data.Length; k++)
            {
                double keep = data[k];
                data[k] = keep + h;
                given[wrt[j]] = NDArray.From(data, x0.Shape);
                var plus = Interpreter.Evaluate(costs, given);
                data[k] = keep - h;
                given[wrt[j]] = NDArray.From(data, x0.Shape);
                var minus = Interpreter.Evaluate(costs, given);
                data[k] = keep;
                for (int i = 0; i < costs.Length; i++)
                    r[i][j][k] = (plus[i].Item<double>() - minus[i].Item<double>()) / (2 * h);
            }
            given[wrt[j]] = x0;
        }
        return r;
    }

    private static string FirstDifference(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        int from = Math.Max(0, i - 200);
        return $"first difference at character {i}:\n--- first\n{a[from..Math.Min(a.Length, i + 200)]}\n--- second\n{b[from..Math.Min(b.Length, i + 200)]}";
    }
}
