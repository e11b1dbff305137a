using Symbolic.Rewrite.Differentiate;

namespace Symbolic.Tests.Rewrite;

/// <summary>
/// The numerics families (log1mexp, sigmoid, expm1/log1p, erf/erfc) compiled through Function.Compile in float32
/// and in float64, at inputs where the formula as written gives 0, inf or NaN, or loses its digits, in its value or
/// its gradient: the value and the gradient of the sum must match the truth, which the naive formula (compiled
/// without optimization, differentiated as written) must miss. The truths were computed with mpmath 1.2.1 at 60
/// digits by numerics_truth.py beside this file, at the inputs rounded to the case's dtype.
/// </summary>
public class NumericsStabilityTests
{
    public sealed record Case(string Name, string Rule, DType DType, int[] Shape, Func<Variable, Variable> Build, double[] Input, double[] Value, double[] Gradient);

    private static Variable Ones(DType dtype, params int[] shape)
    {
        var ones = Enumerable.Repeat(1.0, shape.Aggregate(1, (a, b) => a * b)).ToArray();
        return T.Constant(dtype == DType.Float32 ? NDArray.From(ones.Select(v => (float)v).ToArray(), shape) : NDArray.From(ones, shape));
    }

    private static readonly Case[] Cases =
    [
        new("log1mexp-of-log-one-minus-exp", "log1mexp-from-log-expm1", DType.Float32, [3], x => T.Log(1 - T.Exp(x)),
            [-1e-10, -1e-30, -20], [-23.025850916639026, -69.07755278665029, -2.061153624562735e-09], [-9999999865.985682, -9.999999968289232e+29, -2.061153626686912e-09]),
        new("log1mexp-of-log-one-minus-exp", "log1mexp-from-log-expm1", DType.Float64, [3], x => T.Log(1 - T.Exp(x)),
            [-1e-20, -1e-300, -50], [-46.051701859880914, -690.7755278982137, -1.9287498479639178e-22], [-1e+20, -9.999999999999999e+299, -1.9287498479639178e-22]),
        new("log1mexp-of-log1p-neg-exp", "log1mexp-from-log1p", DType.Float32, [3], x => T.Log1p(-T.Exp(x)),
            [-1e-10, -1e-30, -20], [-23.025850916639026, -69.07755278665029, -2.061153624562735e-09], [-9999999865.985682, -9.999999968289232e+29, -2.061153626686912e-09]),
        new("log1mexp-of-log1p-neg-exp", "log1mexp-from-log1p", DType.Float64, [3], x => T.Log1p(-T.Exp(x)),
            [-1e-20, -1e-300, -50], [-46.051701859880914, -690.7755278982137, -1.9287498479639178e-22], [-1e+20, -9.999999999999999e+299, -1.9287498479639178e-22]),
        new("log1mexp-of-log-neg-expm1", "log1mexp-from-log-expm1", DType.Float32, [3], x => T.Log(-T.Expm1(x)),
            [-1e-10, -60, -20], [-23.025850916639026, -8.75651076269652e-27, -2.061153624562735e-09], [-9999999865.985682, -8.75651076269652e-27, -2.061153626686912e-09]),
        new("log1mexp-of-log-neg-expm1", "log1mexp-from-log-expm1", DType.Float64, [3], x => T.Log(-T.Expm1(x)),
            [-1e-20, -700, -50], [-46.051701859880914, -9.85967654375977e-305, -1.9287498479639178e-22], [-1e+20, -9.85967654375977e-305, -1.9287498479639178e-22]),
        new("log1mexp-of-log-exp-difference", "log1mexp-from-log-exp-diff", DType.Float32, [2], x => T.Log(T.Exp(x[0]) - T.Exp(x[1])),
            [1000, 999], [999.5413248546129], [1.5819767068693265, -0.5819767068693265]),
        new("log1mexp-of-log-exp-difference", "log1mexp-from-log-exp-diff", DType.Float64, [2], x => T.Log(T.Exp(x[0]) - T.Exp(x[1])),
            [-1000, -1001], [-1000.4586751453871], [1.5819767068693265, -0.5819767068693265]),
        new("sigmoid-from-scaled-exp-ratio", "sigmoid-from-scaled-exp-ratio", DType.Float32, [3], x => 3 * T.Exp(x) / (1 + T.Exp(x)),
            [1000, -1000, 0], [3.0, 0, 1.5], [0, 0, 0.75]),
        new("sigmoid-from-scaled-exp-ratio", "sigmoid-from-scaled-exp-ratio", DType.Float64, [3], x => 3 * T.Exp(x) / (1 + T.Exp(x)),
            [1000, -1000, 0], [3.0, 0, 1.5], [0, 0, 0.75]),
        new("neg-sigmoid-from-exp-ratio", "sigmoid-from-exp-ratio", DType.Float32, [3], x => -T.Exp(x) / (1 + T.Exp(x)),
            [1000, -1000, 0], [-1.0, 0, -0.5], [0, 0, -0.25]),
        new("neg-sigmoid-from-exp-ratio", "sigmoid-from-exp-ratio", DType.Float64, [3], x => -T.Exp(x) / (1 + T.Exp(x)),
            [1000, -1000, 0], [-1.0, 0, -0.5], [0, 0, -0.25]),
        new("neg-sigmoid-from-inverse", "neg-sigmoid-from-inverse", DType.Float32, [3], x => -1 / (1 + T.Exp(-x)),
            [1000, -1000, 0], [-1.0, 0, -0.5], [0, 0, -0.25]),
        new("neg-sigmoid-from-inverse", "neg-sigmoid-from-inverse", DType.Float64, [3], x => -1 / (1 + T.Exp(-x)),
            [1000, -1000, 0], [-1.0, 0, -0.5], [0, 0, -0.25]),
        new("sigmoid-times-exp-neg", "sigmoid-of-neg-from-product", DType.Float32, [3], x => T.Sigmoid(x) * T.Exp(-x),
            [1000, -1000, 0], [0, 1.0, 0.5], [0, 0, -0.25]),
        new("sigmoid-times-exp-neg", "sigmoid-of-neg-from-product", DType.Float64, [3], x => T.Sigmoid(x) * T.Exp(-x),
            [1000, -1000, 0], [0, 1.0, 0.5], [0, 0, -0.25]),
        new("sigmoid-neg-times-exp", "sigmoid-from-product-of-neg", DType.Float32, [3], x => T.Sigmoid(-x) * T.Exp(x),
            [1000, -1000, 0], [1.0, 0, 0.5], [0, 0, 0.25]),
        new("sigmoid-neg-times-exp", "sigmoid-from-product-of-neg", DType.Float64, [3], x => T.Sigmoid(-x) * T.Exp(x),
            [1000, -1000, 0], [1.0, 0, 0.5], [0, 0, 0.25]),
        new("sigmoid-odds", "exp-from-sigmoid-odds", DType.Float32, [3], x => T.Sigmoid(x) / (1 - T.Sigmoid(x)),
            [60, -20, 0], [1.1420073898156842e+26, 2.061153622438558e-09, 1.0], [1.1420073898156842e+26, 2.061153622438558e-09, 1.0]),
        new("sigmoid-odds", "exp-from-sigmoid-odds", DType.Float64, [3], x => T.Sigmoid(x) / (1 - T.Sigmoid(x)),
            [400, -40, 0], [5.221469689764144e+173, 4.248354255291589e-18, 1.0], [5.221469689764144e+173, 4.248354255291589e-18, 1.0]),
        new("sigmoid-inverse-odds", "exp-of-neg-from-sigmoid-odds", DType.Float32, [3], x => (1 - T.Sigmoid(x)) / T.Sigmoid(x),
            [-60, 20, 0], [1.1420073898156842e+26, 2.061153622438558e-09, 1.0], [-1.1420073898156842e+26, -2.061153622438558e-09, -1.0]),
        new("sigmoid-inverse-odds", "exp-of-neg-from-sigmoid-odds", DType.Float64, [3], x => (1 - T.Sigmoid(x)) / T.Sigmoid(x),
            [-400, 40, 0], [5.221469689764144e+173, 4.248354255291589e-18, 1.0], [-5.221469689764144e+173, -4.248354255291589e-18, -1.0]),
        new("one-minus-sigmoid-flattened", "one-minus-sigmoid-reshaped-1", DType.Float32, [2, 2], x => 1 - T.Flatten(T.Sigmoid(x)),
            [1000, -1000, 40, 0], [0, 1.0, 4.248354255291589e-18, 0.5], [0, 0, -4.248354255291589e-18, -0.25]),
        new("one-minus-sigmoid-flattened", "one-minus-sigmoid-reshaped-1", DType.Float64, [2, 2], x => 1 - T.Flatten(T.Sigmoid(x)),
            [1000, -1000, 40, 0], [0, 1.0, 4.248354255291589e-18, 0.5], [0, 0, -4.248354255291589e-18, -0.25]),
        new("one-minus-sigmoid-reshaped-to-matrix", "one-minus-sigmoid-reshaped-2", DType.Float32, [4], x => 1 - T.Reshape(T.Sigmoid(x), 2, 2),
            [1000, -1000, 40, 0], [0, 1.0, 4.248354255291589e-18, 0.5], [0, 0, -4.248354255291589e-18, -0.25]),
        new("one-minus-sigmoid-reshaped-to-matrix", "one-minus-sigmoid-reshaped-2", DType.Float64, [4], x => 1 - T.Reshape(T.Sigmoid(x), 2, 2),
            [1000, -1000, 40, 0], [0, 1.0, 4.248354255291589e-18, 0.5], [0, 0, -4.248354255291589e-18, -0.25]),
        new("log-one-minus-sigmoid-flattened", "log-sigmoid-reshaped-1", DType.Float32, [2, 2], x => T.Log(1 - T.Flatten(T.Sigmoid(x))),
            [1000, -1000, 40, 0], [-1000.0, 0, -40.0, -0.6931471805599453], [-1.0, 0, -1.0, -0.5]),
        new("log-one-minus-sigmoid-flattened", "log-sigmoid-reshaped-1", DType.Float64, [2, 2], x => T.Log(1 - T.Flatten(T.Sigmoid(x))),
            [1000, -1000, 40, 0], [-1000.0, 0, -40.0, -0.6931471805599453], [-1.0, 0, -1.0, -0.5]),
        new("log-one-minus-sigmoid-reshaped-to-tensor3", "log-sigmoid-reshaped-3", DType.Float32, [4], x => T.Log(1 - T.Reshape(T.Sigmoid(x), 1, 2, 2)),
            [1000, -1000, 40, 0], [-1000.0, 0, -40.0, -0.6931471805599453], [-1.0, 0, -1.0, -0.5]),
        new("log-one-minus-sigmoid-reshaped-to-tensor3", "log-sigmoid-reshaped-3", DType.Float64, [4], x => T.Log(1 - T.Reshape(T.Sigmoid(x), 1, 2, 2)),
            [1000, -1000, 40, 0], [-1000.0, 0, -40.0, -0.6931471805599453], [-1.0, 0, -1.0, -0.5]),
        new("log-sigmoid-reshaped-to-matrix", "log-sigmoid-reshaped-2", DType.Float32, [4], x => T.Log(T.Reshape(T.Sigmoid(x), 2, 2)),
            [1000, -1000, -40, 0], [0, -1000.0, -40.0, -0.6931471805599453], [0, 1.0, 1.0, 0.5]),
        new("log-sigmoid-reshaped-to-matrix", "log-sigmoid-reshaped-2", DType.Float64, [4], x => T.Log(T.Reshape(T.Sigmoid(x), 2, 2)),
            [1000, -1000, -40, 0], [0, -1000.0, -40.0, -0.6931471805599453], [0, 1.0, 1.0, 0.5]),
        new("exp-minus-ones-array", "expm1-from-exp-minus-ones", DType.Float32, [3], x => T.Exp(x) - Ones(x.DType, 2, 3),
            [1e-10, -4e-9, 1e-30], [1.0000000134014319e-10, -3.999999878872275e-09, 1.0000000031710769e-30, 1.0000000134014319e-10, -3.999999878872275e-09, 1.0000000031710769e-30], [2.0000000002, 1.9999999920000002, 2.0]),
        new("exp-minus-ones-array", "expm1-from-exp-minus-ones", DType.Float64, [3], x => T.Exp(x) - Ones(x.DType, 2, 3),
            [1e-20, -4e-18, 1e-300], [1e-20, -4e-18, 1e-300, 1e-20, -4e-18, 1e-300], [2.0, 2.0, 2.0]),
        new("ones-array-minus-exp", "neg-expm1-from-ones-minus-exp", DType.Float32, [3], x => Ones(x.DType, 2, 3) - T.Exp(x),
            [1e-10, -4e-9, 1e-30], [-1.0000000134014319e-10, 3.999999878872275e-09, -1.0000000031710769e-30, -1.0000000134014319e-10, 3.999999878872275e-09, -1.0000000031710769e-30], [-2.0000000002, -1.9999999920000002, -2.0]),
        new("ones-array-minus-exp", "neg-expm1-from-ones-minus-exp", DType.Float64, [3], x => Ones(x.DType, 2, 3) - T.Exp(x),
            [1e-20, -4e-18, 1e-300], [-1e-20, 4e-18, -1e-300, -1e-20, 4e-18, -1e-300], [-2.0, -2.0, -2.0]),
        new("exp-plus-minus-ones-array", "expm1-from-exp-plus-minus-ones", DType.Float32, [3], x => T.Exp(x) + -Ones(x.DType, 2, 3),
            [1e-10, -4e-9, 1e-30], [1.0000000134014319e-10, -3.999999878872275e-09, 1.0000000031710769e-30, 1.0000000134014319e-10, -3.999999878872275e-09, 1.0000000031710769e-30], [2.0000000002, 1.9999999920000002, 2.0]),
        new("exp-plus-minus-ones-array", "expm1-from-exp-plus-minus-ones", DType.Float64, [3], x => T.Exp(x) + -Ones(x.DType, 2, 3),
            [1e-20, -4e-18, 1e-300], [1e-20, -4e-18, 1e-300, 1e-20, -4e-18, 1e-300], [2.0, 2.0, 2.0]),
        new("one-minus-exp", "neg-expm1-from-one-minus-exp,neg-expm1-from-ones-minus-exp", DType.Float32, [3], x => 1 - T.Exp(x),
            [1e-10, -4e-9, 1e-30], [-1.0000000134014319e-10, 3.999999878872275e-09, -1.0000000031710769e-30], [-1.0000000001, -0.9999999960000001, -1.0]),
        new("one-minus-exp", "neg-expm1-from-one-minus-exp,neg-expm1-from-ones-minus-exp", DType.Float64, [3], x => 1 - T.Exp(x),
            [1e-20, -4e-18, 1e-300], [-1e-20, 4e-18, -1e-300], [-1.0, -1.0, -1.0]),
        new("log1p-of-expm1", "log1p-expm1", DType.Float32, [3], x => T.Log1p(T.Expm1(x)),
            [100, -100, 1e-30], [100.0, -100.0, 1.0000000031710769e-30], [1.0, 1.0, 1.0]),
        new("log1p-of-expm1", "log1p-expm1", DType.Float64, [3], x => T.Log1p(T.Expm1(x)),
            [1000, -50, 1e-300], [1000.0, -50.0, 1e-300], [1.0, 1.0, 1.0]),
        new("softplus-at-large-negative-x", "softplus-from-log1p-exp", DType.Float32, [3], x => T.Log(1 + T.Exp(x)),
            [-36.75, -80, 1000], [1.0956650033262367e-16, 1.8048513878454153e-35, 1000.0], [1.0956650033262366e-16, 1.8048513878454153e-35, 1.0]),
        new("softplus-at-large-negative-x", "softplus-from-log1p-exp", DType.Float64, [3], x => T.Log(1 + T.Exp(x)),
            [-40, -700, 1000], [4.248354255291589e-18, 9.85967654375977e-305, 1000.0], [4.248354255291589e-18, 9.85967654375977e-305, 1.0]),
        new("one-minus-erf", "erfc-from-one-minus-erf", DType.Float32, [2], x => 1 - T.Erf(x),
            [5, 9], [1.537459794428035e-12, 4.13703174651381e-37], [-1.5670866531017336e-11, -7.492073428245974e-36]),
        new("one-minus-erf", "erfc-from-one-minus-erf", DType.Float64, [2], x => 1 - T.Erf(x),
            [10, 26], [2.088487583762545e-45, 5.663192408856143e-296], [-4.197656231354417e-44, -2.9470349932662697e-294]),
        new("erf-minus-one", "neg-erfc-from-erf-minus-one", DType.Float32, [2], x => T.Erf(x) - 1,
            [5, 9], [-1.537459794428035e-12, -4.13703174651381e-37], [1.5670866531017336e-11, 7.492073428245974e-36]),
        new("erf-minus-one", "neg-erfc-from-erf-minus-one", DType.Float64, [2], x => T.Erf(x) - 1,
            [10, 26], [-2.088487583762545e-45, -5.663192408856143e-296], [4.197656231354417e-44, 2.9470349932662697e-294]),
        new("minus-one-plus-erf", "neg-erfc-from-minus-one-plus-erf", DType.Float32, [2], x => -1 + T.Erf(x),
            [5, 9], [-1.537459794428035e-12, -4.13703174651381e-37], [1.5670866531017336e-11, 7.492073428245974e-36]),
        new("minus-one-plus-erf", "neg-erfc-from-minus-one-plus-erf", DType.Float64, [2], x => -1 + T.Erf(x),
            [10, 26], [-2.088487583762545e-45, -5.663192408856143e-296], [4.197656231354417e-44, 2.9470349932662697e-294]),
        new("one-plus-erf", "erfc-of-neg-from-one-plus-erf", DType.Float32, [2], x => 1 + T.Erf(x),
            [-5, -9], [1.537459794428035e-12, 4.13703174651381e-37], [1.5670866531017336e-11, 7.492073428245974e-36]),
        new("one-plus-erf", "erfc-of-neg-from-one-plus-erf", DType.Float64, [2], x => 1 + T.Erf(x),
            [-10, -26], [2.088487583762545e-45, 5.663192408856143e-296], [4.197656231354417e-44, 2.9470349932662697e-294]),
        new("one-minus-erfc", "erf-from-one-minus-erfc", DType.Float32, [2], x => 1 - T.Erfc(x),
            [1e-10, -3e-20], [1.1283791821609903e-10, -3.385137393860968e-20], [1.1283791670955126, 1.1283791670955126]),
        new("one-minus-erfc", "erf-from-one-minus-erfc", DType.Float64, [2], x => 1 - T.Erfc(x),
            [1e-20, -3e-300], [1.1283791670955125e-20, -3.385137501286538e-300], [1.1283791670955126, 1.1283791670955126]),
        new("erfc-minus-one", "neg-erf-from-erfc-minus-one", DType.Float32, [2], x => T.Erfc(x) - 1,
            [1e-10, -3e-20], [-1.1283791821609903e-10, 3.385137393860968e-20], [-1.1283791670955126, -1.1283791670955126]),
        new("erfc-minus-one", "neg-erf-from-erfc-minus-one", DType.Float64, [2], x => T.Erfc(x) - 1,
            [1e-20, -3e-300], [-1.1283791670955125e-20, 3.385137501286538e-300], [-1.1283791670955126, -1.1283791670955126]),
        new("log-erfc", "log-erfc", DType.Float32, [4], x => T.Log(T.Erfc(x)),
            [12, 0.5, -3, 100], [-147.06071417798702, -0.7350111298370844, 0.6931361352504468, -10005.177585122665], [-24.08276442664215, -1.8327056412986984, -6.962729502414981e-05, -200.0099990002499]),
        new("log-erfc", "log-erfc", DType.Float64, [4], x => T.Log(T.Erfc(x)),
            [30, 0.5, -3, 1e5], [-903.9741171106439, -0.7350111298370844, 0.6931361352504468, -10000000012.08529], [-60.03329639875623, -1.8327056412986984, -6.962729502414981e-05, -200000.00001]),
        new("log-erfc-of-neg", "log-erfc", DType.Float32, [4], x => T.Log(T.Erfc(-x)),
            [-12, -0.5, 3, -100], [-147.06071417798702, -0.7350111298370844, 0.6931361352504468, -10005.177585122665], [24.08276442664215, 1.8327056412986984, 6.962729502414981e-05, 200.0099990002499]),
        new("log-erfc-of-neg", "log-erfc", DType.Float64, [4], x => T.Log(T.Erfc(-x)),
            [-30, -0.5, 3, -1e5], [-903.9741171106439, -0.7350111298370844, 0.6931361352504468, -10000000012.08529], [60.03329639875623, 1.8327056412986984, 6.962729502414981e-05, 200000.00001]),
    ];

    public static TheoryData<string, DType> Names()
    {
        var d = new TheoryData<string, DType>();
        foreach (var c in Cases) d.Add(c.Name, c.DType);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ValueAndGradientMatchTheTruth(string name, DType dtype)
    {
        var c = Cases.Single(k => k.Name == name && k.DType == dtype);
        var x = T.Tensor("x", c.Shape.Length, dtype);
        var y = c.Build(x);
        var cost = T.Sum(y);
        var input = dtype == DType.Float32 ? NDArray.From(c.Input.Select(v => (float)v).ToArray(), c.Shape) : NDArray.From(c.Input, c.Shape);

        var naiveGrad = Gradient.Backward(cost, T.Constant(1.0, dtype), [x])[0];
        var naive = Function.Compile([x], [y, naiveGrad], options: new CompileOptions { Optimize = false }).Invoke(input);
        Assert.False(Close(Doubles(naive[0]), c.Value, dtype) && Close(Doubles(naive[1]), c.Gradient, dtype),
            $"{name} ({dtype}): the naive formula already gives the truth, value and gradient; the case shows nothing.");

        var f = Function.Compile([x], [y, T.Grad(cost, x)]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == c.Rule.Split(',')[0]);
        var outs = f.Invoke(input);
        var value = Doubles(outs[0]);
        var grad = Doubles(outs[1]);
        Assert.True(Close(value, c.Value, dtype), $"{name} ({dtype}): value [{string.Join(", ", value)}], expected [{string.Join(", ", c.Value)}].\n{f.DebugPrint()}");
        Assert.True(Close(grad, c.Gradient, dtype), $"{name} ({dtype}): gradient [{string.Join(", ", grad)}], expected [{string.Join(", ", c.Gradient)}].\n{f.DebugPrint()}");
    }

    /// <summary>
    /// Compiled with every rule but the case's own (Rule names it first, then any that would do its work in its place), the formula still gives a wrong value or gradient (the gradient
    /// differentiated as written, then optimized without the rule): no other rule does the rule's work.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void WithoutItsRuleTheCompiledFormulaFails(string name, DType dtype)
    {
        var c = Cases.Single(k => k.Name == name && k.DType == dtype);
        var x = T.Tensor("x", c.Shape.Length, dtype);
        var y = c.Build(x);
        var input = dtype == DType.Float32 ? NDArray.From(c.Input.Select(v => (float)v).ToArray(), c.Shape) : NDArray.From(c.Input, c.Shape);
        var grad = Gradient.Backward(T.Sum(y), T.Constant(1.0, dtype), [x])[0];
        var f = Function.Compile([x], [y, grad], options: new CompileOptions { ExcludeRules = c.Rule.Split(',') });
        var outs = f.Invoke(input);
        Assert.False(Close(Doubles(outs[0]), c.Value, dtype) && Close(Doubles(outs[1]), c.Gradient, dtype),
            $"{name} ({dtype}): right without the rules {c.Rule}.\n{f.DebugPrint()}");
    }

    /// <summary>
    /// log(1 - exp(x)) at the smallest arguments, subnormals included, in every spelling the rules take: exp(x) is 1 and
    /// the formula as written gives log(0) = -inf; log1mexp gives log(-x) to within an ulp (mpmath 1.2.1, 50 digits).
    /// The gradient there, -1/x, is beyond the type's range: only the value is checked.
    /// </summary>
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void LogOneMinusExpIsRightAtSubnormalArguments(DType dtype)
    {
        (double X, double Want)[] points = dtype == DType.Float64
            ? [(-5e-324, -744.4400719213812), (-1e-310, -713.8013788281542), (-2.2250738585072014e-308, -708.3964185322641)]
            : [(-1.401298464324817e-45, -103.27892990343184), (-9.99994610111476e-41, -92.10340910966488), (-1.1754943508222875e-38, -87.3365447505531)];
        var x = T.Vector("x", dtype);
        var zero = T.Constant(0.0, dtype);
        Variable[] spellings = [T.Log(1 - T.Exp(x)), T.Log1p(-T.Exp(x)), T.Log(-T.Expm1(x)), T.Log(T.Exp(zero) - T.Exp(x)), T.Log1mexp(x)];
        var input = dtype == DType.Float32 ? NDArray.From(points.Select(p => (float)p.X).ToArray(), points.Length) : NDArray.From(points.Select(p => p.X).ToArray(), points.Length);
        var naive = Doubles(Function.Compile([x], [spellings[0]], options: new CompileOptions { Optimize = false }).Invoke(input)[0]);
        Assert.All(naive, v => Assert.Equal(double.NegativeInfinity, v));
        var outs = Function.Compile([x], spellings).Invoke(input);
        for (int s = 0; s < spellings.Length; s++)
        {
            var got = Doubles(outs[s]);
            for (int i = 0; i < points.Length; i++)
            {
                double want = dtype == DType.Float32 ? (float)points[i].Want : points[i].Want;
                Assert.True(Math.Abs(got[i] - want) <= Math.Abs(want) * (dtype == DType.Float32 ? 1.2e-7 : 2.3e-16), $"spelling {s} ({dtype}) at {points[i].X:R}: {got[i]:R}, want {want:R}");
            }
        }
    }

    private static double[] Doubles(NDArray a) => a.DType == DType.Float32 ? a.ToArray<float>().Select(v => (double)v).ToArray() : a.ToArray<double>();

    /// <summary>Relative to the truth (1e-5 in float32, 1e-12 in float64), so that 0 is not close to a tiny true value; a true 0 allows 1e-7 (float32) or 1e-300.</summary>
    private static bool Close(double[] got, double[] truth, DType dtype) =>
        got.Length == truth.Length && got.Zip(truth).All(p => double.IsFinite(p.First)
            && Math.Abs(p.First - p.Second) <= (p.Second == 0 ? (dtype == DType.Float32 ? 1e-7 : 1e-300) : (dtype == DType.Float32 ? 1e-5 : 1e-12) * Math.Abs(p.Second)));
}
