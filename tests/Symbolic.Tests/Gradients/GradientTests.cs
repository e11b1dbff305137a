using static Symbolic.Tests.Gradients.GradientCheck;

namespace Symbolic.Tests.Gradients;

public class ElementwiseGradientTests
{
    private static Variable M(string n) => T.Matrix(n, DType.Float64);
    private static Variable V(string n) => T.Vector(n, DType.Float64);

    public static TheoryData<string> UnaryNames() =>
        ["neg", "exp", "log", "log1p", "expm1", "sqrt", "sqr", "abs", "tanh", "sigmoid", "softplus", "relu", "sin", "cos", "sign", "floor", "ceil", "log1mexp", "erf", "erfc", "erfcx"];

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void Unary(string op)
    {
        var x = M("x");
        bool positive = op is "log" or "sqrt" or "log1p";
        var (lo, hi) = op == "log1mexp" ? (-1.5, -0.2) : (positive ? 0.2 : -1.5, 1.5);
        Check([x], v => T.Sum(TensorMath.Elem(Symbolic.Ops.ScalarOps.ByName(op)!, v[0]) * v[0]), [Rand(op.Length, [3, 4], lo, hi)]);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("sub")]
    [InlineData("mul")]
    [InlineData("true_div")]
    [InlineData("pow")]
    [InlineData("maximum")]
    [InlineData("minimum")]
    public void BinarySameShape(string op)
    {
        var (a, b) = (M("a"), M("b"));
        Check([a, b], v => T.Sum(TensorMath.Elem(Symbolic.Ops.ScalarOps.ByName(op)!, v[0], v[1]) * v[0]),
            [Rand(1, [2, 3], 0.5, 2), Rand(2, [2, 3], 0.5, 2)]);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("mul")]
    [InlineData("true_div")]
    [InlineData("pow")]
    public void BinaryBroadcast(string op)
    {
        var a = M("a");
        var row = T.Tensor("row", DType.Float64, 1, null);
        var v = V("v");
        var s = T.Scalar("s", DType.Float64);
        var f = Symbolic.Ops.ScalarOps.ByName(op)!;
        Check([a, row, v, s], x => T.Sum(TensorMath.Elem(f, TensorMath.Elem(f, x[0], x[1]), x[2]) * x[0] + TensorMath.Elem(f, x[3], x[0])),
            [Rand(3, [3, 4], 0.5, 2), Rand(4, [1, 4], 0.5, 2), Rand(5, [4], 0.5, 2), Rand(6, [], 0.5, 2)]);
    }

    [Fact]
    public void ClipSwitchAndCasts()
    {
        var (a, b) = (M("a"), M("b"));
        Check([a, b], v => T.Sum(T.Clip(v[0], -0.5, 0.5) * v[1] + T.Switch(T.Gt(v[0], v[1]), v[0] * v[0], v[1] * 3)),
            [Rand(7, [3, 3]), Rand(8, [3, 3])]);
    }

    [Fact]
    public void CastPassesTheGradientBackInTheInputsType()
    {
        // Rounding to float32 is not smooth at a finite-difference step, so the expected gradient is written out.
        var (a, b) = (M("a"), M("b"));
        var g = T.Grad(T.Sum(T.Cast(T.Cast(a, DType.Float32), DType.Float64) * b), a);
        Assert.Equal(DType.Float64, g.DType);
        var bv = Rand(8, [3, 3]);
        var r = Function.Compile([a, b], [g]).Invoke(Rand(7, [3, 3]), bv)[0];
        Assert.Equal(bv.ToArray<double>().Select(v => (double)(float)v), r.ToArray<double>());
    }

    [Fact]
    public void ClipBoundsGetGradients()
    {
        var x = M("x");
        var lo = T.Scalar("lo", DType.Float64);
        var hi = T.Scalar("hi", DType.Float64);
        Check([x, lo, hi], v => T.Sum(T.Clip(v[0], v[1], v[2]) * 2), [Rand(9, [4, 4]), NDArray.Scalar(-0.3, DType.Float64), NDArray.Scalar(0.4, DType.Float64)]);
    }
}

public class StructureGradientTests
{
    private static Variable M(string n) => T.Matrix(n, DType.Float64);

    [Theory]
    [InlineData("sum")]
    [InlineData("mean")]
    [InlineData("max")]
    [InlineData("min")]
    [InlineData("prod")]
    public void Reductions(string kind)
    {
        var x = T.Tensor3("x", DType.Float64);
        Variable R(Variable v, int[]? axes, bool keep) => kind switch
        {
            "sum" => axes is null ? T.Sum(v) : T.Sum(v, axes, keep),
            "mean" => axes is null ? T.Mean(v) : T.Mean(v, axes, keep),
            "max" => axes is null ? T.Max(v) : T.Max(v, axes, keep),
            "min" => axes is null ? T.Min(v) : T.Min(v, axes, keep),
            _ => axes is null ? T.Prod(v) : T.Prod(v, axes, keep),
        };
        Check([x], v => R(v[0], null, false) + T.Sum(T.Sqr(R(v[0], [0, 2], false))) + T.Sum(R(v[0], [1], true) * v[0]), [Rand(10, [2, 3, 2], 0.5, 1.5)]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ProdWithZeros(int zeros)
    {
        var x = T.Vector("x", DType.Float64);
        var data = new[] { 1.5, 0.0, -2.0, 0.7 };
        if (zeros == 2) data[3] = 0;
        var g = T.Grad(T.Prod(x), x);
        var r = Interpreter.Evaluate(g, (x, NDArray.From(data, 4))).ToArray<double>();
        var expected = zeros == 1 ? new[] { 0, 1.5 * -2.0 * 0.7, 0, 0 } : new double[4];
        Assert.Equal(expected, r);
        var compiled = Function.Compile([x], [g]).Invoke(NDArray.From(data, 4))[0].ToArray<double>();
        Assert.Equal(expected, compiled);
    }

    [Theory]
    [InlineData("4", "4")]
    [InlineData("3x4", "4")]
    [InlineData("4", "4x2")]
    [InlineData("3x4", "4x2")]
    [InlineData("2x3x4", "4x2")]
    [InlineData("2x3x4", "2x4x2")]
    [InlineData("2x1x3x4", "3x4x2")]
    [InlineData("4", "2x4x3")]
    public void Dot(string sa, string sb)
    {
        int[] P(string s) => s.Split('x').Select(int.Parse).ToArray();
        var (sha, shb) = (P(sa), P(sb));
        var a = T.Tensor("a", DType.Float64, sha.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());
        var b = T.Tensor("b", DType.Float64, shb.Select(d => (int?)(d == 1 ? 1 : null)).ToArray());
        Check([a, b], v => T.Sum(T.Sqr(T.Dot(v[0], v[1]))), [Rand(11, sha), Rand(12, shb)]);
    }

    [Fact]
    public void ShapeOps()
    {
        var x = T.Tensor3("x", DType.Float64);
        Check([x], v =>
        {
            var t = T.Transpose(v[0], 2, 0, 1);
            var r = T.Reshape(v[0], 4, -1);
            var f = T.Flatten(v[0], 2);
            var d = T.DimShuffle(T.Sum(v[0], 1), 1, 'x', 0);
            return T.Sum(T.Sqr(t) * 0.5) + T.Sum(r * T.Exp(r)) + T.Sum(T.Sin(f)) + T.Sum(d * d * d);
        }, [Rand(13, [2, 3, 2])]);
    }

    [Fact]
    public void SlicingTakeConcatenateStack()
    {
        var a = M("a");
        var b = M("b");
        var idx = T.Vector("idx", DType.Int64);
        Check([a, b], v =>
        {
            var s = v[0][1.., ..^1];
            var i = v[0][0] * v[1][^1, 0];
            var k = T.Take(v[1], idx);
            var p = T.Take(v[0], T.Arange(T.Shape(v[0], 0)), idx);
            var c = T.Concatenate([v[0], v[1]], 0);
            var st = T.Stack([v[0], v[1] * 2], 1);
            return T.Sum(T.Sqr(s)) + T.Sum(i) + T.Sum(k * k) + T.Sum(T.Exp(p)) + T.Sum(c * T.Concatenate([v[1], v[0]], 0)) + T.Sum(T.Sqr(st));
        }, [Rand(14, [3, 3]), Rand(15, [3, 3])], extra: [idx], extraValues: [NDArray.From(new long[] { 2, 0, 2 }, 3)]);
    }

    [Fact]
    public void NeuralNetworkHelpers()
    {
        var x = M("x");
        var p = M("p");
        var y = T.Vector("y", DType.Int64);
        var onehot = M("onehot");
        Check([x, p], v =>
            T.Sum(T.Softmax(v[0]) * v[1]) + T.Sum(T.LogSoftmax(v[0], 0) * v[1]) + T.Mean(T.CategoricalCrossentropy(T.Softmax(v[0]), y))
            + T.Sum(T.CategoricalCrossentropy(T.Softmax(v[0]), onehot)) + T.Mean(T.BinaryCrossentropy(T.Sigmoid(v[1]), T.Sigmoid(v[0])))
            + T.MeanSquaredError(v[0], v[1]),
            [Rand(16, [3, 4]), Rand(17, [3, 4], 0.1, 0.9)],
            extra: [y, onehot], extraValues: [NDArray.From(new long[] { 0, 3, 1 }, 3), NDArray.From(new double[] { 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0 }, 3, 4)]);
    }

    [Fact]
    public void SeedNetworkLoss()
    {
        var x = T.Matrix("x", DType.Float64);
        var y = T.Vector("y", DType.Int64);
        var (w1, w2) = (M("w1"), M("w2"));
        Check([w1, w2], w => T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, w[0])), w[1])), y)),
            [Rand(18, [6, 5]), Rand(19, [5, 3])], extra: [x, y],
            extraValues: [Rand(20, [4, 6], 0, 1), NDArray.From(new long[] { 0, 2, 1, 2 }, 4)]);
    }
}

public class HigherOrderGradientTests
{
    [Fact]
    public void SecondDerivativeOfCube()
    {
        var x = T.Vector("x", DType.Float64);
        var g = T.Grad(T.Sum(x * x * x), x);
        var h = T.Grad(T.Sum(g), x);
        var v = NDArray.From(new[] { 1.0, -2.0, 0.5 }, 3);
        Assert.Equal(new[] { 6.0, -12.0, 3.0 }, Interpreter.Evaluate(h, (x, v)).ToArray<double>());
        Assert.Equal(new[] { 6.0, -12.0, 3.0 }, Function.Compile([x], [h]).Invoke(v)[0].ToArray<double>());
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("softplus")]
    [InlineData("exp")]
    [InlineData("sin")]
    public void GradientOfGradientMatchesFiniteDifferences(string op)
    {
        var f = Symbolic.Ops.ScalarOps.ByName(op)!;
        Check([T.Vector("x", DType.Float64)], v => T.Sum(T.Grad(T.Sum(TensorMath.Elem(f, v[0]) * v[0]), v[0]) * v[0]), [Rand(21, [4])], tolerance: 1e-5);
    }

    [Fact]
    public void JacobianAndHessianCompile()
    {
        var x = T.Vector("x", DType.Float64);
        var j = T.Jacobian(T.Exp(x) * x[0], x);
        var h = T.Hessian(T.Sum(T.Sin(x) * x), x);
        var v = NDArray.From(new[] { 0.3, -0.7, 1.1 }, 3);
        var f = Function.Compile([x], [j, h]);
        var outs = f.Invoke(v);
        var expected = Interpreter.Evaluate([j, h], new Dictionary<Variable, NDArray> { [x] = v });
        Backend.BackendHarness.AssertClose(expected[0], outs[0]);
        Backend.BackendHarness.AssertClose(expected[1], outs[1]);
        Assert.Equal([3, 3], outs[1].Shape);
        double x1 = -0.7;
        Assert.Equal(2 * Math.Cos(x1) - x1 * Math.Sin(x1), outs[1].Item<double>(1, 1), 12);
    }
}

public class GradientErrorTests
{
    [Fact]
    public void NonScalarCostIsNamed()
    {
        var x = T.Vector("x");
        var e = Assert.Throws<ArgumentException>(() => T.Grad(T.Exp(x), x));
        Assert.Contains("scalar", e.Message);
        Assert.Contains("rank 1", e.Message);
    }

    [Fact]
    public void IntegerCostOrWrtIsRejected()
    {
        var n = T.Vector("n", DType.Int64);
        var x = T.Vector("x");
        Assert.Contains("not a float", Assert.Throws<ArgumentException>(() => T.Grad(T.Sum(n), x)).Message);
        Assert.Contains("'n'", Assert.Throws<ArgumentException>(() => T.Grad(T.Sum(x), n)).Message);
    }

    [Fact]
    public void UnconnectedWrtRaisesOrGetsZerosWhenAsked()
    {
        var (x, z) = (T.Vector("x"), T.Vector("z"));
        Assert.Contains("'z'", Assert.Throws<ArgumentException>(() => T.Grad(T.Sum(x), z)).Message);
        var g = T.Grad(T.Sum(x), [z], DisconnectedInputs.Zero)[0];
        var r = Interpreter.Evaluate(g, (z, NDArray.From(new float[] { 1, 2 }, 2)));
        Assert.Equal(new float[2], r.ToArray<float>());
    }
}

public class CornerCaseGradientTests
{
    [Fact]
    public void CrossentropyOfIntegerLabelsOverSeveralLeadingAxes()
    {
        var x = T.Tensor3("x", DType.Float64);
        var y = T.Matrix("y", DType.Int64);
        Check([x], v => T.Sum(T.CategoricalCrossentropy(T.Softmax(v[0]), y) * T.Constant(NDArray.From(new double[] { 1, 2, 3, 4 }, 2, 2))),
            [Rand(31, [2, 2, 3])], extra: [y], extraValues: [NDArray.From(new long[] { 2, 0, 1, 1 }, 2, 2)]);
    }

    [Fact]
    public void ClipWithLowAboveHighSendsEverythingToHigh()
    {
        var (x, lo, hi) = (T.Vector("x", DType.Float64), T.Vector("lo", DType.Float64), T.Vector("hi", DType.Float64));
        Check([x, lo, hi], v => T.Sum(T.Clip(v[0], v[1], v[2]) * T.Constant(NDArray.From(new double[] { 1, 2, 3, 4, 5 }, 5))),
            [NDArray.From(new double[] { 1.5, -3, 5, 0.5, 0.2 }, 5), NDArray.From(new double[] { 2, 2, 2, 0, 0 }, 5), NDArray.From(new double[] { 1, 1, 1, 1, 1 }, 5)]);
    }

    [Fact]
    public void MaxAndMinShareTheGradientBetweenTies()
    {
        // k tied entries get 1/k each, so the gradients of one group add up to the group's gradient (before, each got
        // all of it). For two ties that is what central differences see (1/2 each).
        var x = T.Matrix("x", DType.Float64);
        var pairs = NDArray.From(new double[] { 2, 2, 1, 0.5, -1, 3, 3, 2, -1, 0.5, 0.25, -0.5 }, 3, 4);
        var weights = T.Constant(NDArray.From(new double[] { 1, 2, 3 }, 3));
        Check([x], v => T.Sum(T.Max(v[0], 1) * weights) + T.Sum(T.Min(v[0], [1], keepDims: true)) + T.Max(v[0]) * 5 + T.Min(v[0], [0, 1]) * 7, [pairs]);
        var triple = NDArray.From(new double[] { 0, 3, 3, 3, 1, 2 }, 2, 3);
        var g = Interpreter.Evaluate(T.Grad(T.Max(x), x), (x, triple)).ToArray<double>();
        Assert.Equal(new double[] { 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0 }, g);
        var compiled = Function.Compile([x], [T.Grad(T.Max(x), x)]).Invoke(triple)[0].ToArray<double>();
        Assert.Equal(g, compiled);
    }

    [Fact]
    public void PowExponentGradientIsZeroWhereTheBaseIsZero()
    {
        // d/dy 0^y is 0 for y > 0 (0^y is 0 on both sides), not 0 * log(0) = NaN.
        var (x, y) = (T.Vector("x", DType.Float64), T.Vector("y", DType.Float64));
        Check([x, y], v => T.Sum(T.Pow(v[0], v[1]) * T.Constant(NDArray.From(new double[] { 1, 2, 3 }, 3))),
            [NDArray.From(new double[] { 0, 0.5, 2 }, 3), NDArray.From(new double[] { 2, 1.5, 0.3 }, 3)]);
    }

    [Fact]
    public void MeanOverNoAxesHasAGradient()
    {
        // T.Mean of a scalar reduces over no axes (a mean of one element); its gradient rule used to fail on the empty product of sizes.
        var (s, m) = (T.Scalar("s", DType.Float64), T.Matrix("m", DType.Float64));
        Check([s, m], v => T.Mean(T.Sqr(v[0])) + T.MeanSquaredError(v[0], 0.5) + T.Sum(T.Mean(v[1], [], keepDims: true) * v[1]),
            [NDArray.Scalar(0.7, DType.Float64), Rand(33, [2, 3])]);
    }

    [Fact]
    public void JacobiansOfGraphsThatDifferOnlyInALargeConstantStayApart()
    {
        // A map's identity came from the printed body, which shows a large constant as just "constant":
        // the second jacobian was merged into the first and gave its values.
        var x = T.Vector("x", DType.Float64);
        var w1 = T.Constant(NDArray.From(Enumerable.Range(1, 12).Select(i => (double)i).ToArray(), 12));
        var w2 = T.Constant(NDArray.From(Enumerable.Range(1, 12).Select(i => i == 12 ? 13.0 : i).ToArray(), 12));
        var j1 = T.Jacobian(x * w1, x);
        var j2 = T.Jacobian(x * w2, x);
        Assert.NotSame(j1, j2);
        var xs = NDArray.From(new double[12], 12);
        var byInterpreter = Interpreter.Evaluate([j1, j2], new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance) { [x] = xs });
        var compiled = Function.Compile([x], [j1, j2]).Invoke(xs);
        foreach (var got in new[] { byInterpreter, compiled })
        {
            Assert.Equal(12.0, got[0].Item<double>(11, 11));
            Assert.Equal(13.0, got[1].Item<double>(11, 11));
        }
    }
}
