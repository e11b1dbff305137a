namespace Symbolic.GpuRunner.Checks;

/// <summary>A graph to run on the device and on the reference interpreter: its inputs, outputs and input values.</summary>
public sealed record OpCase(string Name, Variable[] Inputs, Variable[] Outputs, NDArray[] Values, double Tolerance = 0);

/// <summary>
/// Every op of the catalogue at least once, in float32 and float64 where it is a float op, on
/// shapes with broadcasting, views and odd sizes (not multiples of a warp or a vector width):
/// elementwise, comparisons and logic, casts, reductions, products (to cuBLAS, transposes
/// included), shape ops and views, indexing, the row-wise softmax family, and gradients.
/// </summary>
public static class OpCases
{
    private static readonly string[] Unary = ["neg", "exp", "log", "log1p", "expm1", "sqrt", "sqr", "abs", "sign", "tanh", "sigmoid", "softplus", "relu", "sin", "cos", "floor", "ceil"];

    private static Variable ApplyUnary(string op, Variable x) => op switch
    {
        "neg" => -x,
        "exp" => T.Exp(x),
        "log" => T.Log(x),
        "log1p" => T.Log1p(x),
        "expm1" => T.Expm1(x),
        "sqrt" => T.Sqrt(x),
        "sqr" => T.Sqr(x),
        "abs" => T.Abs(x),
        "sign" => T.Sign(x),
        "tanh" => T.Tanh(x),
        "sigmoid" => T.Sigmoid(x),
        "softplus" => T.Softplus(x),
        "relu" => T.Relu(x),
        "sin" => T.Sin(x),
        "cos" => T.Cos(x),
        "floor" => T.Floor(x),
        "ceil" => T.Ceil(x),
        _ => throw new ArgumentException(op),
    };

    public static IEnumerable<OpCase> All()
    {
        var rng = new Random(20261202);
        NDArray R(DType t, int[] shape, double lo = -2, double hi = 2) => Compare.Random(rng, t, shape, lo, hi);
        DType[] floats = [DType.Float32, DType.Float64];

        foreach (var t in floats)
            foreach (var op in Unary)
            {
                var x = T.Tensor("x", 2, t);
                bool positive = op is "log" or "sqrt" or "log1p";
                yield return new($"{op} {t}", [x], [ApplyUnary(op, x)], [R(t, [37, 129], positive ? 0.1 : -3, 3)]);
            }
        foreach (var t in floats)
        {
            var a = T.Matrix("a", t);
            var b = T.Vector("b", t);
            var va = R(t, [33, 67]);
            var vb = R(t, [67], 0.5, 2);
            yield return new($"add/sub/mul/div broadcast {t}", [a, b], [a + b, a - b, a * b, a / b], [va, vb]);
            yield return new($"pow/maximum/minimum/clip {t}", [a, b], [T.Pow(T.Abs(a) + 0.1, b), T.Maximum(a, b), T.Minimum(a, b), T.Clip(a, -0.5, 0.5)], [va, vb]);
            yield return new($"comparisons {t}", [a, b], [T.Eq(a, b), T.Neq(a, b), T.Lt(a, b), T.Le(a, b), T.Gt(a, b), T.Ge(a, b)], [va, vb]);
            yield return new($"switch {t}", [a, b], [T.Switch(T.Gt(a, 0), a, b)], [va, vb]);
            yield return new($"fused chain {t}", [a, b], [T.Tanh(a) * T.Sigmoid(b) + T.Exp(-a * a)], [va, vb]);
            var x3 = T.Tensor3("x3", t);
            var v3 = R(t, [5, 7, 33]);
            foreach (var (name, f) in new (string, Func<Variable, Variable>)[]
                     {
                         ("sum", v => T.Sum(v)), ("sum axis 1", v => T.Sum(v, 1)), ("sum axes 0,2 keep", v => T.Sum(v, [0, 2], true)),
                         ("mean axis -1", v => T.Mean(v, -1)), ("max axis 0", v => T.Max(v, 0)), ("min axis 2", v => T.Min(v, 2)),
                         ("prod axis 1", v => T.Prod(v * 0.5, 1)), ("argmax axis 2", v => T.Argmax(v, 2)), ("argmin axis 0", v => T.Argmin(v, 0)),
                         ("max all", v => T.Max(v)),
                     })
                yield return new($"{name} {t}", [x3], [f(x3)], [v3]);
            var m = T.Matrix("m", t);
            var n = T.Matrix("n", t);
            var vm = R(t, [31, 45]);
            var vn = R(t, [45, 19]);
            yield return new($"dot matrix {t}", [m, n], [T.Dot(m, n)], [vm, vn]);
            yield return new($"dot transposed {t}", [m, n], [T.Dot(n.Transpose(), m.Transpose())], [vm, vn]);
            yield return new($"dot matrix-vector {t}", [m, b], [T.Dot(m, b[..45])], [vm, R(t, [67])]);
            var p = T.Tensor3("p", t);
            var q = T.Tensor3("q", t);
            yield return new($"batched dot {t}", [p, q], [T.Dot(p, q)], [R(t, [4, 9, 13]), R(t, [4, 13, 6])]);
            yield return new($"softmax/log-softmax {t}", [a], [T.Softmax(a), T.LogSoftmax(a), T.Softmax(a, 0)], [va]);
            var labels = T.Vector("labels", DType.Int64);
            var vl = NDArray.From(Enumerable.Range(0, 33).Select(i => (long)(i * 7 % 67)).ToArray());
            yield return new($"categorical cross-entropy {t}", [a, labels], [T.CategoricalCrossentropy(T.Softmax(a), labels)], [va, vl]);
            yield return new($"take rows {t}", [a, labels], [T.Take(a, T.Arange(33), labels)], [va, vl]);
            var w = T.Matrix("w", t);
            var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(m), w)), labels[..31]));
            yield return new($"gradient of a classifier {t}", [m, w, labels], [loss, T.Grad(loss, w)], [vm, R(t, [45, 67]), vl], t == DType.Float32 ? 2e-4 : 0);
            yield return new($"views and shape ops {t}", [x3],
                [x3.Transpose(), T.DimShuffle(x3, 2, 'x', 0, 1), T.Reshape(x3, 35, -1), T.Flatten(x3), x3[1..4, .., 0], x3[.., 2], T.Reshape(x3.Transpose(), -1) * 2],
                [v3]);
            yield return new($"concatenate/stack {t}", [a], [T.Concatenate([a, a * 2], 1), T.Stack([a, -a], 0)], [va]);
            yield return new($"mean squared error / binary cross-entropy {t}", [a], [T.MeanSquaredError(a, a * 0.5), T.BinaryCrossentropy(T.Sigmoid(a), T.Sigmoid(-a))], [va]);
        }
        foreach (var (from, to) in new[] { (DType.Float32, DType.Int64), (DType.Float64, DType.Int32), (DType.Int64, DType.Float32), (DType.Int32, DType.Float64), (DType.Float32, DType.Bool), (DType.Bool, DType.Float32), (DType.Int64, DType.Int32) })
        {
            var x = T.Vector("x", from);
            yield return new($"cast {from} to {to}", [x], [T.Cast(x, to)], [R(from, [101], -9, 9)]);
        }
        foreach (var t in new[] { DType.Int32, DType.Int64 })
        {
            var x = T.Vector("x", t);
            var y = T.Vector("y", t);
            yield return new($"integer arithmetic {t}", [x, y], [x + y, x * y, T.Abs(x), T.Sign(x), T.Maximum(x, y), T.Sum(x)], [R(t, [77]), R(t, [77])]);
        }
        {
            var x = T.Vector("x", DType.Bool);
            var y = T.Vector("y", DType.Bool);
            yield return new("and/or/not", [x, y], [T.And(x, y), T.Or(x, y), T.Not(x)], [R(DType.Bool, [65]), R(DType.Bool, [65])]);
        }
    }

    /// <summary>Runs a case on the device (compiled as built and optimized) and compares every output with the interpreter.</summary>
    public static void Check(OpCase c)
    {
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < c.Inputs.Length; i++) given[c.Inputs[i]] = c.Values[i];
        var expected = Interpreter.Evaluate(c.Outputs, given);
        foreach (var optimize in new[] { false, true })
        {
            using var f = Function.Compile(c.Inputs, c.Outputs, options: new CompileOptions { Device = Device.Cuda, Optimize = optimize });
            var got = f.Invoke(c.Values);
            for (int o = 0; o < c.Outputs.Length; o++) Compare.Close(expected[o], got[o], $"{c.Name}, output {o} (optimize={optimize})", c.Tolerance);
        }
    }
}
