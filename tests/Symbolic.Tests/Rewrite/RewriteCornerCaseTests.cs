using Symbolic.Rewrite.Engine;
using Symbolic.Rewrite.Rules;

namespace Symbolic.Tests.Rewrite;

/// <summary>Rules at the edges of their patterns: dtypes, broadcasting, reduction axes and keepdims, commuted and canonical spellings.</summary>
public class RewriteCornerCaseTests
{
    private static Variable Optimize(Variable v, out RewriteTrace trace)
    {
        var (outs, t) = Rulebook.Engine.Run([v]);
        trace = t;
        return outs[0];
    }

    [Fact]
    public void PowTwoOfAnIntegerIsNotSquaredInTheIntegerType()
    {
        // pow of int32 is a float; sqr in int32 would overflow at 100000 (and wrap in the generated code).
        var xi = T.Vector("xi", DType.Int32);
        var e = T.Pow(xi, 2);
        var r = Optimize(e, out var trace);
        Assert.DoesNotContain(trace.Steps, s => s.Rule == "pow-two");
        Assert.Equal(e.Type, r.Type);
        var value = Function.Compile([xi], [e]).Invoke(NDArray.From(new[] { 100000, -3 }, 2))[0];
        Assert.Equal(new float[] { 1e10f, 9 }, value.ToArray<float>());
        var xf = T.Vector("xf");
        Assert.Same(T.Sqr(xf), Optimize(T.Pow(xf, 2), out _));
    }

    [Fact]
    public void IdentitiesKeepTheBroadcastShapeAndTheDType()
    {
        var v = T.Vector("v");
        var ones = T.Constant(NDArray.From(new float[] { 1, 1, 1, 1, 1, 1 }, 2, 3));
        var up = v * ones; // the 1 broadcasts v up to a matrix: dropping it would change the shape
        Assert.Same(up, Optimize(up, out _));
        var xi = T.Vector("xi", DType.Int32);
        var plus = xi + T.Constant(0.0, DType.Float32);
        var r = Optimize(plus, out _);
        Assert.Equal(plus.Type, r.Type);
        Assert.Equal(new float[] { 3, -4 }, Function.Compile([xi], [plus]).Invoke(NDArray.From(new[] { 3, -4 }, 2))[0].ToArray<float>());
    }

    [Fact]
    public void HandWrittenSoftmaxOverADroppedNonLeadingAxisIsShiftedSoundly()
    {
        // exp(x) / sum(exp(x), axis=1) without keepdims divides element (i, j) by the sum of row j.
        // Shifting the numerator and the sum by one max would not cancel there.
        var x = T.Matrix("x", DType.Float64);
        var e = T.Exp(x) / T.Sum(T.Exp(x), 1);
        var r = Optimize(e, out var trace);
        Assert.DoesNotContain(trace.Steps, s => s.Rule == "softmax-shift");
        Assert.Contains(trace.Steps, s => s.Rule == "softmax-shift-unaligned");
        var xs = NDArray.From(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 3, 3);
        Backend.BackendHarness.AssertClose(Interpreter.Evaluate(e, (x, xs)), Interpreter.Evaluate(r, (x, xs)), 1e-12);
        // and it is stable: the truth at x + 1000 is the same ratio
        var big = NDArray.From(new double[] { 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009 }, 3, 3);
        var shiftedTruth = Interpreter.Evaluate(e, (x, xs)).ToArray<double>();
        var got = Interpreter.Evaluate(r, (x, big)).ToArray<double>();
        for (int i = 0; i < got.Length; i++) Assert.Equal(shiftedTruth[i], got[i], 1e-9);
    }

    [Fact]
    public void HandWrittenSoftmaxOverLeadingAxesWithoutKeepDimsIsShifted()
    {
        var x = T.Matrix("x", DType.Float64);
        var e = T.Exp(x) / T.Sum(T.Exp(x), 0);
        Optimize(e, out var trace);
        Assert.Contains(trace.Steps, s => s.Rule == "softmax-shift");
    }

    [Fact]
    public void Expm1IsFoundInItsAddedSpellings()
    {
        var x = T.Vector("x");
        Assert.Same(T.Expm1(x), Optimize(T.Exp(x) + (-1), out _));
        Assert.Same(T.Expm1(x), Optimize(-1 + T.Exp(x), out _));
    }

    [Fact]
    public void LogAddExpHasTheRightGradientAtATie()
    {
        var a = T.Scalar("a", DType.Float64);
        var b = T.Scalar("b", DType.Float64);
        var e = T.Log(T.Exp(a) + T.Exp(b));
        var g = T.Grad(e, a, b);
        var f = Function.Compile([a, b], [e, g[0], g[1]]);
        foreach (var (va, vb) in new[] { (0.0, 0.0), (1000.0, 1000.0), (-1000.0, -1000.0), (2.0, -1.0), (-1.0, 2.0) })
        {
            var outs = f.Invoke(NDArray.Scalar(va, DType.Float64), NDArray.Scalar(vb, DType.Float64));
            double m = Math.Max(va, vb);
            Assert.Equal(m + Math.Log(Math.Exp(va - m) + Math.Exp(vb - m)), outs[0].Item<double>(), 12);
            Assert.Equal(1 / (1 + Math.Exp(vb - va)), outs[1].Item<double>(), 12);
            Assert.Equal(1 / (1 + Math.Exp(va - vb)), outs[2].Item<double>(), 12);
        }
    }

    [Fact]
    public void AlignedIsAConditionOnAnOpParameter()
    {
        var rule = RuleParser.ParseRule("r: sum{a}(x) => x if aligned(a)");
        Assert.Equal("aligned(a)", rule.Conditions[0].ToString());
        var x = T.Tensor3("x");
        Assert.True(rule.Conditions[0].Holds(Matcher.Try(rule.Pattern, T.Sum(x, [1, 0]))!));
        Assert.True(rule.Conditions[0].Holds(Matcher.Try(rule.Pattern, T.Sum(x, 2, keepDims: true))!));
        Assert.False(rule.Conditions[0].Holds(Matcher.Try(rule.Pattern, T.Sum(x, 1))!));
        var e = Assert.Throws<FormatException>(() => RuleParser.ParseRule("r: sum(x) => x if aligned(x)"));
        Assert.Contains("op parameter", e.Message);
    }

    [Fact]
    public void GemmDoesNotRoundAScaleOfAWiderDType()
    {
        var (a, b, c) = (T.Matrix("a"), T.Matrix("b"), T.Matrix("c"));
        var s = T.Scalar("s", DType.Float64);
        var wide = s * T.Dot(a, b) + c; // float64, as built
        var (outs, trace) = Rulebook.Engine.Run([wide]);
        Assert.DoesNotContain(trace.Steps, st => st.Rule.StartsWith("gemm", StringComparison.Ordinal));
        Assert.Equal(wide.Type, outs[0].Type);
        var narrow = T.Scalar("s32") * T.Dot(a, b) + c;
        Assert.Contains(Rulebook.Engine.Run([narrow]).Trace.Steps, st => st.Rule == "gemm-scaled-add");
        Assert.Contains(Rulebook.Engine.Run([0.5 * T.Dot(a, b) + c]).Trace.Steps, st => st.Rule == "gemm-scaled-add");
    }

    [Fact]
    public void CrossEntropyOfAReshapedSoftmaxIsStableAndDoesNotComputeTheSoftmaxForItsShape()
    {
        var x = T.Tensor3("x");
        var y = T.Vector("y", DType.Int64);
        var rows = T.Reshape(T.Softmax(x), [T.Shape(x, 0) * T.Shape(x, 1), T.Shape(x, 2)]);
        var loss = T.Sum(-T.Log(T.Take(rows, T.Arange(T.Shape(rows, 0)), y)));
        var g = T.Grad(loss, x);
        var f = Function.Compile([x, y], [loss, g]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "crossentropy-softmax-reshaped");
        Assert.DoesNotContain("softmax", f.DebugPrint());
        var outs = f.Invoke(NDArray.From(new float[] { 1000, -1000, -1000, 1000 }, 2, 1, 2), NDArray.From(new long[] { 1, 1 }, 2));
        Assert.Equal(2000f, outs[0].Item<float>());
        Assert.Equal(new float[] { 1, -1, 0, 0 }, outs[1].ToArray<float>());
    }

    [Fact]
    public void CrossEntropyOfARank3SoftmaxAsBuiltIsStabilized()
    {
        var x = T.Tensor3("x");
        var y = T.Matrix("y", DType.Int64);
        var (outs, trace) = Rulebook.Engine.Run([T.Sum(T.CategoricalCrossentropy(T.Softmax(x), y))]);
        Assert.Contains(trace.Steps, s => s.Rule == "crossentropy-softmax-reshaped");
    }

    [Fact]
    public void AnIdentityDoesNotDropTheStaticSizeAConstantOperandGives()
    {
        // x ** [2, 2] is (2,): x must have two elements. sqr(x) is (?,) and would take any length.
        var x = T.Vector("x");
        var twos = T.Pow(x, T.Constant(NDArray.From(new float[] { 2, 2 }, 2)));
        var ones = x * T.Constant(NDArray.From(new float[] { 1, 1 }, 2));
        foreach (var e in new[] { twos, ones })
        {
            var r = Optimize(e, out _);
            Assert.Equal(e.Type, r.Type);
            var f = Function.Compile([x], [e]);
            Assert.Equal(new float[] { 9, 16 }.Select(v => e == ones ? MathF.Sqrt(v) : v), f.Invoke(NDArray.From(new float[] { 3, 4 }, 2))[0].ToArray<float>());
            Assert.ThrowsAny<ArgumentException>(() => f.Invoke(NDArray.From(new float[] { 3, 4, 5 }, 3)));
        }
        var plain = T.Pow(x, 2);
        Assert.Same(T.Sqr(x), Optimize(plain, out _));
    }

    [Fact]
    public void AConstantExpressionThatCannotBeEvaluatedIsNotFoldedAndFailsWhereTheFunctionRuns()
    {
        // take(arange(3), 7) has only constant inputs; folding it would raise while compiling.
        var picked = T.Take(T.Arange(3), 7);
        var optimized = Optimize(picked, out _);
        Assert.IsType<Symbolic.Ops.Take>(optimized.Owner?.Op);   // arange(3) is folded; the take is not
        var f = Function.Compile([], [picked]);
        var e = Assert.ThrowsAny<Exception>(() => f.Invoke());
        Assert.Contains("out of range", e.Message);
        Assert.Equal(2L, Function.Compile([], [T.Take(T.Arange(3), 2)]).Invoke()[0].Item<long>());
    }
}
