using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Lowering;

/// <summary>
/// Fused kernels against the interpreter at sizes around the vector width (8 floats, 4 doubles),
/// around a row's length, and past the size where work spreads over the cores; with contiguous,
/// transposed (strided), sliced, broadcast-row, broadcast-column and scalar operands; in float32 and
/// float64. Each case runs the same graph optimized and not.
/// </summary>
public class FusedKernelTests
{
    public static TheoryData<int, DType> Sizes()
    {
        var data = new TheoryData<int, DType>();
        foreach (var t in new[] { DType.Float32, DType.Float64 })
            foreach (var n in new[] { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 4097, 70001 })
                data.Add(n, t);
        return data;
    }

    private static Variable Chain(Variable a, Variable b) =>
        T.Tanh(a) * T.Sigmoid(b) + T.Exp(-a * a) - T.Softplus(b) / (1 + T.Sqr(a)) + T.Maximum(a, b) * T.Relu(b - 0.25);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ContiguousVectorsOfEverySize(int n, DType t)
    {
        var rng = new Random(n);
        var a = T.Vector("a", t);
        var b = T.Vector("b", t);
        BackendHarness.AgreesWithInterpreter([a, b], [Chain(a, b)], [BackendHarness.Random(rng, t, [n]), BackendHarness.Random(rng, t, [n])]);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void TransposedAndBroadcastOperands(int n, DType t)
    {
        var rng = new Random(n + 1);
        int rows = n > 1000 ? 3 : 5;
        var x = T.Matrix("x", t);
        var u = T.Matrix("u", t);
        var row = T.Vector("row", t);
        var col = T.Vector("col", t);
        var s = T.Scalar("s", t);
        var outs = new[]
        {
            Chain(x, u.Transpose()),                      // strided operand
            Chain(x, row) * s,                            // bias row and a scalar
            Chain(x, T.DimShuffle(col, 0, 'x')),       // broadcast column (rows x 1)
            Chain(x[.., 1..], u.Transpose()[.., ..^1]),   // slices: offsets and gaps
        };
        BackendHarness.AgreesWithInterpreter([x, u, row, col, s], outs,
        [
            BackendHarness.Random(rng, t, [rows, n]),
            BackendHarness.Random(rng, t, [n, rows]),
            BackendHarness.Random(rng, t, [n]),
            BackendHarness.Random(rng, t, [rows]),
            BackendHarness.Random(rng, t, []),
        ]);
    }

    [Fact]
    public void ComparisonsAndSwitchesTakeTheVectorPathAsMasks()
    {
        var x = T.Vector("x");
        var y = T.Vector("y");
        var e = T.Switch(T.And(T.Gt(x, 0), T.Not(T.Eq(y, 1))), x * y, T.Neg(y)) + T.Switch(T.Le(x, y), x, 2);
        var f = Function.Compile([x, y], [e]);
        Assert.Contains("Vec.ConditionalSelect", f.Source);
        var rng = new Random(3);
        var yv = BackendHarness.Random(rng, DType.Float32, [37]).ToArray<float>();
        yv[3] = 1;
        yv[20] = float.NaN;
        BackendHarness.AgreesWithInterpreter([x, y], [e], [BackendHarness.Random(rng, DType.Float32, [37]), NDArray.From(yv, 37)]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MasksReadAsNumbersTakeTheVectorPath(DType t)
    {
        // relu's gradient is mul(g, gt(x, 0)): the comparison's mask is read as 1 or 0. Signed
        // zeros, infinities and NaN in g show that the vector path multiplies as the scalar one does.
        var g = T.Vector("g", t);
        var x = T.Vector("x", t);
        var relu = T.Grad(T.Sum(T.Relu(x) * g), [x])[0];
        var outs = new[] { relu, g * T.Gt(x, 0.5) - T.Le(g, x), T.Switch(T.Lt(x, 0), g, T.Ge(x, g)) };
        var f = Function.Compile([g, x], outs);
        Assert.Contains(t == DType.Float32 ? "VecF.One" : "VecD.One", f.Source);
        Assert.All(f.Kernels, k => Assert.Contains("Vec.LoadUnsafe", k.Source));
        var rng = new Random(5);
        var gv = BackendHarness.Random(rng, DType.Float64, [41]).ToArray<double>();
        (gv[0], gv[1], gv[2], gv[3]) = (double.NaN, double.PositiveInfinity, -3, -0.0);
        var xv = BackendHarness.Random(rng, DType.Float64, [41]).ToArray<double>();
        (xv[0], xv[1], xv[2], xv[3], xv[4]) = (-1, -1, -1, 2, double.NaN);
        BackendHarness.AgreesWithInterpreter([g, x], outs, [NDArray.FromDoubles(t, [41], gv), NDArray.FromDoubles(t, [41], xv)]);
    }

    [Theory]
    [InlineData(DType.Float32, 7)]
    [InlineData(DType.Float32, 33)]
    [InlineData(DType.Float32, 4097)]
    [InlineData(DType.Float64, 3)]
    [InlineData(DType.Float64, 17)]
    public void ScalarsOfAnotherTypeAreComputedOnceBeforeTheVectorLoop(DType t, int n)
    {
        // A mean's gradient divides by its count, an int64 product of shape values cast to the
        // float type: computed once per row, it no longer keeps the fused backward kernel scalar.
        var q = T.Matrix("q", t);
        var r = T.Matrix("r", t);
        var outs = new[]
        {
            T.Grad(T.Mean(T.Sqr(T.Tanh(q) - r)), [q])[0],
            T.Grad(T.Mean(T.BinaryCrossentropy(T.Sigmoid(q), r)), [q])[0],
        };
        foreach (var output in outs)
        {
            var f = Function.Compile([q, r], [output]);
            Assert.Contains("var u", f.Source);
            Assert.All(f.Kernels, k => Assert.True(!k.Source.Contains("_row(int m") || k.Source.Contains("Vec.LoadUnsafe"), k.Source));
        }
        var rng = new Random(n);
        BackendHarness.AgreesWithInterpreter([q, r], outs,
            [BackendHarness.Random(rng, t, [3, n]), NDArray.FromDoubles(t, [3, n], Enumerable.Range(0, 3 * n).Select(i => rng.NextDouble()).ToArray())]);
    }

    [Fact]
    public void MixedDtypesAndIntegersTakeTheScalarPath()
    {
        var i = T.Vector("i", DType.Int32);
        var x = T.Vector("x");
        var outs = new[] { T.Cast(i, DType.Float32) * x + 1, i * 3 - T.Abs(i), T.Lt(x, 0.5) };
        var rng = new Random(4);
        BackendHarness.AgreesWithInterpreter([i, x], outs, [BackendHarness.Random(rng, DType.Int32, [19]), BackendHarness.Random(rng, DType.Float32, [19])]);
    }

    [Fact]
    public void EveryScalarOpOfTheCatalogueHasACSharpSpelling() =>
        Assert.Empty(Symbolic.CodeGen.Cpu.Render.ScalarSpelling.Missing);

    [Fact]
    public void ManyThreadsCallingAtOnceEachGetTheirOwnBuffers()
    {
        var x = T.Matrix("x");
        var h = T.Exp(x);
        var r = T.Sum(h / T.Sum(h, 1, keepDims: true) * x, 1);
        var f = Function.Compile([x], [r]);
        var inputs = Enumerable.Range(0, 16).Select(k => BackendHarness.Random(new Random(k), DType.Float32, [8 + k, 40])).ToArray();
        var expected = inputs.Select(v => Interpreter.Evaluate([r], new Dictionary<Variable, NDArray> { [x] = v })[0]).ToArray();
        Parallel.For(0, 200, c =>
        {
            int k = c % inputs.Length;
            BackendHarness.AssertClose(expected[k], f.Invoke(inputs[k])[0]);
        });
    }
}
