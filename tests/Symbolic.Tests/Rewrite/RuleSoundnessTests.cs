using Symbolic.Rewrite.Engine;

namespace Symbolic.Tests.Rewrite;

/// <summary>
/// Every text rule is checked for soundness: an expression the rule applies to is evaluated by the
/// interpreter before and after rewriting, on random inputs from the rule's domain, and must agree.
/// Each rule has an instance here; a rule without one fails <see cref="EveryRuleHasAnInstance"/>.
/// </summary>
public partial class RuleSoundnessTests
{
    private static readonly Variable A = T.Matrix("a", DType.Float64);
    private static readonly Variable B = T.Matrix("b", DType.Float64);
    private static readonly Variable P = T.Matrix("p", DType.Float64); // values in (0, 1)
    private static readonly Variable Y = T.Vector("y", DType.Int64);
    private static readonly Variable V = T.Vector("v", DType.Float64);
    private static readonly Variable L = T.Vector("l", DType.Int64);
    private static readonly Variable C = T.Matrix("c", DType.Float64);
    private static readonly Variable S = T.Matrix("s", DType.Float64); // square
    private static readonly Variable R = T.Tensor3("r", DType.Float64);
    private static readonly Variable Y6 = T.Vector("y6", DType.Int64);

    private static Variable SoftmaxHand(Variable x) => T.Exp(x) / T.Sum(T.Exp(x), 1, keepDims: true);

    /// <summary>Rule name -> an expression it applies to.</summary>
    public static readonly Dictionary<string, Func<Variable>> Instances = new()
    {
        ["mul-by-one"] = () => A * 1,
        ["add-zero"] = () => A + 0,
        ["sub-zero"] = () => A - 0,
        ["zero-sub"] = () => 0 - A,
        ["div-by-one"] = () => A / 1,
        ["neg-neg"] = () => -(-A),
        ["neg-of-sub"] = () => -(A - B),
        ["sub-neg"] = () => A - (-B),
        ["add-neg"] = () => A + (-B),
        ["mul-by-minus-one"] = () => A * -1,
        ["pow-one"] = () => T.Pow(A, 1),
        ["pow-two"] = () => T.Pow(A, 2),
        ["pow-half"] = () => T.Pow(P, 0.5),
        ["pow-zero"] = () => T.Pow(A, 0),
        ["mul-neg"] = () => (-A) * B,
        ["div-neg-numerator"] = () => (-A) / P,
        ["div-neg-denominator"] = () => A / (-P),
        ["pow-minus-one"] = () => T.Pow(A, -1),
        ["pow-minus-two"] = () => T.Pow(A, -2),
        ["pow-minus-half"] = () => T.Pow(A, -0.5),
        ["log-sqrt"] = () => T.Log(T.Sqrt(A)),
        ["sqr-sqrt"] = () => T.Sqr(T.Sqrt(A)),
        ["switch-same-branches"] = () => T.Switch(T.Gt(A, 0), B, B),
        ["switch-same-branches-broadcast"] = () => T.Switch(T.Gt(A, 0), V, V),
        ["switch-true"] = () => T.Switch(T.Constant(NDArray.From(new[] { true }, 1)), A, B),
        ["switch-true-broadcast"] = () => T.Switch(T.Constant(NDArray.From(new[] { true, true, true, true }, 4)), T.Constant(2.0, DType.Float64), V),
        ["switch-false"] = () => T.Switch(T.Constant(NDArray.From(new[] { false }, 1)), A, B),
        ["switch-false-broadcast"] = () => T.Switch(T.Constant(NDArray.From(new[] { false, false, false, false }, 4)), V, T.Constant(2.0, DType.Float64)),
        ["eq-self"] = () => T.Eq(Y, Y),
        ["neq-self"] = () => T.Neq(Y, Y),
        ["mul-by-zero-int"] = () => T.Cast(0 * Y, DType.Float64),
        ["sub-self-int"] = () => T.Cast(Y - Y, DType.Float64),
        ["zero-div"] = () => 0 / P,
        ["add-fills"] = () => T.ZerosLike(A) + T.OnesLike(A),
        ["add-zero-fill"] = () => T.ZerosLike(A) + B,
        ["mul-self"] = () => A * A,
        ["sqrt-sqr"] = () => T.Sqrt(T.Sqr(A)),
        ["abs-abs"] = () => T.Abs(T.Abs(A)),
        ["abs-neg"] = () => T.Abs(-A),
        ["sqr-neg"] = () => T.Sqr(-A),
        ["sub-self"] = () => A - A,
        ["div-self"] = () => P / P,
        ["mul-by-zero"] = () => A * 0,
        ["exp-log"] = () => T.Exp(T.Log(P)),
        ["log1p-from-log"] = () => T.Log(1 + P),
        ["log1p-from-log-sub"] = () => T.Log(1 - P),
        ["expm1-from-exp"] = () => T.Exp(A) - 1,
        ["expm1-from-exp-add"] = () => -1 + T.Exp(A),
        ["log-exp"] = () => T.Log(T.Exp(A)),
        ["softplus-from-log1p-exp"] = () => T.Log1p(T.Exp(A)),
        ["log-sigmoid"] = () => T.Log(T.Sigmoid(A)),
        ["one-minus-sigmoid"] = () => 1 - T.Sigmoid(A),
        ["log1p-neg-sigmoid"] = () => T.Log1p(-T.Sigmoid(A)),
        ["sigmoid-from-exp-ratio"] = () => T.Exp(A) / (1 + T.Exp(A)),
        ["sigmoid-from-inverse"] = () => 1 / (1 + T.Exp(-A)),
        ["sigmoid-of-neg-from-inverse"] = () => 1 / (1 + T.Exp(A)),
        ["softmax-shift"] = () => SoftmaxHand(A),
        ["softmax-shift-unaligned"] = () => T.Exp(S) / T.Sum(T.Exp(S), 1),
        ["log-softmax"] = () => T.Log(T.Softmax(A)),
        ["logsumexp"] = () => T.Log(T.Sum(T.Exp(A), 1)),
        ["logaddexp"] = () => T.Log(T.Exp(A) + T.Exp(B)),
        ["logaddexp-many"] = () => T.Log(T.Exp(A) + T.Exp(B) + T.Exp(C[0, 0])),
        ["logaddexp-log1p"] = () => T.Log1p(T.Exp(A) + T.Exp(B)),
        ["logsumexp-through-dimshuffle"] = () => T.Log(T.Sum(T.Transpose(T.Exp(A)), 0)),
        ["logsumexp-dimshuffled"] = () => T.Log(T.DimShuffle(T.Sum(T.Exp(R), [0, 2]), 'x', 0)),
        ["crossentropy-softmax-rows"] = () => T.CategoricalCrossentropy(T.Softmax(A), Y),
        ["crossentropy-softmax-reshaped"] = () => -T.Log(T.Take(T.Reshape(T.Softmax(R), -1, 4), T.Arange(6), Y6)),
        ["crossentropy-softmax"] = () => T.CategoricalCrossentropy(T.Softmax(V), T.Take(L, 0)),
        ["gemm-add"] = () => T.Dot(A, T.Transpose(B)) + C,
        ["gemm-scaled-add"] = () => 0.5 * T.Dot(A, T.Transpose(B)) + C,
        ["gemm-sub"] = () => C - T.Dot(A, T.Transpose(B)),
        ["gemm-sub-scaled"] = () => C - 0.1 * T.Dot(A, T.Transpose(B)),
    };

    public static TheoryData<string> RuleNames()
    {
        var d = new TheoryData<string>();
        foreach (var (_, rule) in Rulebook.AllTextRules()) d.Add(rule.Name);
        return d;
    }

    [Fact]
    public void EveryRuleHasAnInstance()
    {
        var missing = Rulebook.AllTextRules().Select(r => r.Rule.Name).Where(n => !Instances.ContainsKey(n)).ToList();
        Assert.Empty(missing);
    }

    /// <summary>The engine's options for a rule's own tests: unsafe rules are off by default, so theirs turn them on.</summary>
    public static RewriteOptions OptionsFor(string rule) =>
        Rulebook.AllTextRules().Any(r => r.Rule.Name == rule && r.Rule.IsUnsafe) ? new RewriteOptions { ExcludeUnsafe = false } : RewriteOptions.Default;

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void RuleFiresAndKeepsTheValue(string rule)
    {
        var expr = Instances[rule]();
        var (outs, trace) = Rulebook.Engine.Run([expr], OptionsFor(rule));
        Assert.Contains(trace.Steps, s => s.Rule == rule);
        Assert.Equal(expr.Type, outs[0].Type);
        var rng = new Random(rule.GetHashCode(StringComparison.Ordinal) & 0x7fff);
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = RandomInputs(rng);
            var before = Interpreter.Evaluate([expr], inputs)[0].ToArray<double>();
            var after = Interpreter.Evaluate([outs[0]], inputs)[0].ToArray<double>();
            Assert.Equal(before.Length, after.Length);
            for (int i = 0; i < before.Length; i++)
                Assert.True(before[i].Equals(after[i]) || Math.Abs(before[i] - after[i]) <= 1e-9 * (1 + Math.Abs(before[i])),
                    $"{rule}: element {i} was {before[i]} before and {after[i]} after.\n{trace}");
        }
    }

    private static Dictionary<Variable, NDArray> RandomInputs(Random rng)
    {
        double[] Normal(int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 6 - 3).ToArray();
        return new Dictionary<Variable, NDArray>
        {
            [A] = NDArray.From(Normal(12), 3, 4),
            [B] = NDArray.From(Normal(12), 3, 4),
            [P] = NDArray.From(Enumerable.Range(0, 12).Select(_ => 0.05 + 0.9 * rng.NextDouble()).ToArray(), 3, 4),
            [Y] = NDArray.From(Enumerable.Range(0, 3).Select(_ => (long)rng.Next(4)).ToArray(), 3),
            [V] = NDArray.From(Normal(4), 4),
            [L] = NDArray.From(new long[] { rng.Next(4) }, 1),
            [C] = NDArray.From(Normal(9), 3, 3),
            [S] = NDArray.From(Normal(9), 3, 3),
            [R] = NDArray.From(Normal(24), 2, 3, 4),
            [Y6] = NDArray.From(Enumerable.Range(0, 6).Select(_ => (long)rng.Next(4)).ToArray(), 6),
        };
    }
}
