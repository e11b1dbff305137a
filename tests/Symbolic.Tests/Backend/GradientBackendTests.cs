using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

/// <summary>Gradient graphs compiled with the C# backend against the interpreter: the seed network at full size, and each op family's gradient.</summary>
public class GradientBackendTests
{
    [Fact]
    public void SeedNetworkLossAndGradientsAtFullSize()
    {
        var rng = new Random(1234);
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Matrix("w1");
        var w2 = T.Matrix("w2");
        var probs = T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2));
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        var g = T.Grad(loss, w1, w2);
        AgreesWithInterpreter([x, y, w1, w2], [loss, g[0], g[1], probs],
        [
            Random(rng, DType.Float32, [32, 500], 0, 1),
            NDArray.From(Enumerable.Range(0, 32).Select(_ => (long)rng.Next(5)).ToArray(), 32),
            Random(rng, DType.Float32, [500, 50], -0.05, 0.05),
            Random(rng, DType.Float32, [50, 5], -0.3, 0.3),
        ]);
    }

    [Fact]
    public void SeedNetworkCompiledOnceServesManyBatches()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w = T.Matrix("w");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(x, w)), y));
        var f = Function.Compile([x, y, w], [loss, T.Grad(loss, w)]);
        var rng = new Random(7);
        foreach (int batch in new[] { 1, 3, 8 })
        {
            var xs = Random(rng, DType.Float32, [batch, 6]);
            var ys = NDArray.From(Enumerable.Range(0, batch).Select(i => (long)(i % 4)).ToArray(), batch);
            var ws = Random(rng, DType.Float32, [6, 4], -0.5, 0.5);
            var expected = Interpreter.Evaluate([loss, T.Grad(loss, w)], new Dictionary<Variable, NDArray> { [x] = xs, [y] = ys, [w] = ws });
            var got = f.Invoke(xs, ys, ws);
            AssertClose(expected[0], got[0]);
            AssertClose(expected[1], got[1]);
        }
    }

    public static TheoryData<string> Costs() => new()
    {
        "exp-log-sqrt", "tanh-sigmoid-softplus", "pow-div", "max-min-axes", "prod", "mean-keepdims", "logsoftmax", "binary-crossentropy",
        "mse", "clip-switch-maximum", "dot-batched", "dot-vector", "reshape-flatten", "dimshuffle-slice", "stack-concatenate", "take-rows",
    };

    [Theory]
    [MemberData(nameof(Costs))]
    public void GradientOf(string which)
    {
        var a = T.Matrix("a", DType.Float64);
        var b = T.Matrix("b", DType.Float64);
        var t3 = T.Tensor3("t3", DType.Float64);
        Variable cost = which switch
        {
            "exp-log-sqrt" => T.Sum(T.Exp(a) * T.Log(T.Sqr(b) + 1) + T.Sqrt(T.Abs(a) + 1)),
            "tanh-sigmoid-softplus" => T.Sum(T.Tanh(a * b) + T.Sigmoid(a) * T.Softplus(b)),
            "pow-div" => T.Sum(T.Pow(T.Abs(a) + 1, b) / (T.Sqr(b) + 2)),
            "max-min-axes" => T.Sum(T.Max(a, 0)) + T.Sum(T.Min(b, 1) * T.Max(t3, [0, 2])),
            "prod" => T.Sum(T.Prod(a, 1)) + T.Prod(b[0]),
            "mean-keepdims" => T.Sum(T.Mean(t3, [1], keepDims: true) * a[0..1, ..]) + T.Mean(b),
            "logsoftmax" => -T.Sum(T.LogSoftmax(a) * T.Softmax(b, 0)),
            "binary-crossentropy" => T.Mean(T.BinaryCrossentropy(T.Sigmoid(a), T.Sigmoid(b))),
            "mse" => T.MeanSquaredError(T.Dot(a, b), T.Transpose(t3[0])),
            "clip-switch-maximum" => T.Sum(T.Clip(a, -0.5, 0.5) + T.Switch(T.Gt(a, b), a * b, b) + T.Maximum(a, 0.1) * T.Minimum(b, a)),
            "dot-batched" => T.Sum(T.Sqr(T.Dot(t3, b))) + T.Sum(T.Dot(t3, T.Transpose(t3, 0, 2, 1))),
            "dot-vector" => T.Sum(T.Dot(a, b[0]) * T.Dot(b[.., 1], a)) + T.Dot(a[0], a[1]),
            "reshape-flatten" => T.Sum(T.Sqr(T.Reshape(t3, 3, -1)) * T.Flatten(a).Sum()) + T.Sum(T.Flatten(T.Transpose(b)) * T.Arange(9).Cast(DType.Float64)),
            "dimshuffle-slice" => T.Sum(T.DimShuffle(a, 1, 'x', 0) * t3[.., 1..2, ..]) + T.Sum(T.Exp(b[1.., ^1])),
            "stack-concatenate" => T.Sum(T.Sqr(T.Stack([a, b, a * b], 1))) + T.Sum(T.Concatenate([a, T.Transpose(b)], 1) * 3),
            "take-rows" => T.Sum(T.Sqr(T.Take(a, T.Arange(3), T.Constant(NDArray.From(new long[] { 2, 0, 2 }, 3))))) + T.Sum(T.Take(t3, T.Constant(NDArray.From(new long[] { 1, 1, -2 }, 3)))),
            _ => throw new ArgumentException(which),
        };
        var rng = new Random(which.Length);
        var g = T.Grad(cost, [a, b, t3], DisconnectedInputs.Zero); // not every case uses t3
        AgreesWithInterpreter([a, b, t3], [cost, .. g],
            [Random(rng, DType.Float64, [3, 3], -1, 1), Random(rng, DType.Float64, [3, 3], -1, 1), Random(rng, DType.Float64, [3, 3, 3], -1, 1)], tolerance: 1e-10);
    }

    [Fact]
    public void JacobianMapRunsCompiled()
    {
        var x = T.Vector("x", DType.Float64);
        var y = T.Exp(x) * T.Sum(T.Sqr(x));
        var j = T.Jacobian(y, x);
        AgreesWithInterpreter([x], [j], [Random(new Random(77), DType.Float64, [4], -1, 1)], tolerance: 1e-10);
    }

    [Fact]
    public void SecondOrderGradients()
    {
        var x = T.Vector("x", DType.Float64);
        var c = T.Sum(T.Sin(x) * T.Sqr(x));
        var gx = T.Grad(c, x);
        var ggx = T.Grad(T.Sum(gx * gx), x);
        AgreesWithInterpreter([x], [gx, ggx], [Random(new Random(78), DType.Float64, [5], -2, 2)], tolerance: 1e-10);
    }
}
