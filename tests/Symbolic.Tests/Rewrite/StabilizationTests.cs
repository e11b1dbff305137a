using Symbolic.Rewrite.Engine;

namespace Symbolic.Tests.Rewrite;

/// <summary>
/// Each stabilization at inputs where the naive formula fails even in float64 (overflow to inf,
/// log of an underflowed 0, 1 + tiny rounding to 1), against the true value.
/// </summary>
public class StabilizationTests
{
    private static readonly Variable X = T.Vector("x", DType.Float64);
    private static readonly Variable Z = T.Vector("z", DType.Float64);
    private static readonly Variable M = T.Matrix("m", DType.Float64);
    private static readonly Variable Labels = T.Vector("labels", DType.Int64);

    public sealed record Case(string Name, Func<Variable> Build, double[] Input, double[] Truth);

    private static readonly Case[] Cases =
    [
        new("log1p", () => T.Log(1 + X), [1e-20, 3e-17], [1e-20, 3e-17]),
        new("expm1", () => T.Exp(X) - 1, [1e-20, -4e-18], [1e-20, -4e-18]),
        new("softplus-large", () => T.Log(1 + T.Exp(X)), [1000, 800], [1000, 800]),
        new("softplus-negative", () => T.Log(1 + T.Exp(X)), [-50, -60], [1.9287498479639178e-22, 8.75651076269652e-27]),
        new("log-sigmoid", () => T.Log(T.Sigmoid(X)), [-1000, -800], [-1000, -800]),
        new("log-one-minus-sigmoid", () => T.Log(1 - T.Sigmoid(X)), [1000, 800], [-1000, -800]),
        new("one-minus-sigmoid", () => 1 - T.Sigmoid(X), [50, 60], [1.928749847963918e-22, 8.75651076269652e-27]),
        new("sigmoid-from-exp-ratio", () => T.Exp(X) / (1 + T.Exp(X)), [1000, 710], [1, 1]),
        new("log-softmax", () => T.Log(T.Softmax(X)), [1000, 0], [0, -1000]),
        new("softmax-hand-written", () => T.Exp(X) / T.Sum(T.Exp(X)), [1000, 0], [1, 0]),
        new("logsumexp", () => T.Log(T.Sum(T.Exp(X))), [1000, 1000], [1000 + Math.Log(2)]),
        new("logaddexp", () => T.Log(T.Exp(X) + T.Exp(Z)), [1000, -1000], [1000 + Math.Log(2), -1000 + Math.Log(2)]),
    ];

    public static TheoryData<string> Names() => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void StableWhereTheNaiveFormulaFails(string name)
    {
        var c = Cases.Single(k => k.Name == name);
        var expr = c.Build();
        var inputs = new Dictionary<Variable, NDArray>
        {
            [X] = NDArray.From(c.Input, c.Input.Length),
            [Z] = NDArray.From(c.Input, c.Input.Length),
        };
        var naive = Interpreter.Evaluate([expr], inputs)[0].ToArray<double>();
        Assert.False(Close(naive, c.Truth), $"{name}: the naive formula already gives the truth; the case shows nothing.");
        var stable = Rulebook.Engine.Run([expr]).Outputs[0];
        var got = Interpreter.Evaluate([stable], inputs)[0].ToArray<double>();
        Assert.True(Close(got, c.Truth), $"{name}: got [{string.Join(", ", got)}], expected [{string.Join(", ", c.Truth)}].");
    }

    [Fact]
    public void CrossEntropyOfSoftmaxValueAndGradientStayFiniteAtPlusMinusAThousand()
    {
        var loss = T.Sum(T.CategoricalCrossentropy(T.Softmax(M), Labels));
        var g = T.Grad(loss, M);
        var inputs = new Dictionary<Variable, NDArray>
        {
            [M] = NDArray.From(new double[] { 1000, -1000, -1000, 1000 }, 2, 2),
            [Labels] = NDArray.From(new long[] { 1, 1 }, 2),
        };
        Assert.True(double.IsInfinity(Interpreter.Evaluate([loss], inputs)[0].Item<double>()));
        var outs = Rulebook.Engine.Run([loss, g]).Outputs;
        var vals = Interpreter.Evaluate(outs, inputs);
        Assert.Equal(2000, vals[0].Item<double>(), 9);
        Assert.Equal(new double[] { 1, -1, 0, 0 }, vals[1].ToArray<double>());
    }

    private static bool Close(double[] a, double[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => double.IsFinite(p.First) && Math.Abs(p.First - p.Second) <= 1e-9 * Math.Max(1e-300, Math.Abs(p.Second)) + 1e-300);
}
