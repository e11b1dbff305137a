namespace Symbolic.Tests.Rewrite;

/// <summary>
/// Instances of the rules of the numerics families (stabilize.erf, stabilize.log1mexp, stabilize.log1p-expm1 and
/// stabilize.sigmoid), kept apart from the first families' so that each group of rules owns its own lines; they
/// join <see cref="Instances"/> and are checked, and snapshotted, like every other rule. P is in (0.05, 0.95), so
/// -P is in log1mexp's domain and A - P below A.
/// </summary>
public partial class RuleSoundnessTests
{
    private static Variable OnesOf(params int[] shape) => T.Constant(NDArray.From(Enumerable.Repeat(1.0, shape.Aggregate(1, (a, b) => a * b)).ToArray(), shape));

    private static readonly Dictionary<string, Func<Variable>> NumericsInstances = new()
    {
        ["erfc-from-one-minus-erf"] = () => 1 - T.Erf(A),
        ["neg-erfc-from-erf-minus-one"] = () => T.Erf(A) - 1,
        ["neg-erfc-from-minus-one-plus-erf"] = () => -1 + T.Erf(A),
        ["erfc-of-neg-from-one-plus-erf"] = () => 1 + T.Erf(A),
        ["erf-from-one-minus-erfc"] = () => 1 - T.Erfc(A),
        ["neg-erf-from-erfc-minus-one"] = () => T.Erfc(A) - 1,
        ["log-erfc"] = () => T.Log(T.Erfc(A)),
        ["log1mexp-from-log1p"] = () => T.Log1p(-T.Exp(-P)),
        ["log1mexp-from-log-expm1"] = () => T.Log(1 - T.Exp(-P)),
        ["log1mexp-from-log-exp-diff"] = () => T.Log(T.Exp(A) - T.Exp(A - P)),
        ["neg-expm1-from-one-minus-exp"] = () => 1 - T.Exp(A),
        ["expm1-from-exp-minus-ones"] = () => T.Exp(V) - OnesOf(3, 4),
        ["expm1-from-exp-plus-minus-ones"] = () => T.Exp(V) + -OnesOf(3, 4),
        ["neg-expm1-from-ones-minus-exp"] = () => OnesOf(3, 1) - T.Exp(V),
        ["log1p-expm1"] = () => T.Log1p(T.Expm1(A)),
        ["sigmoid-from-scaled-exp-ratio"] = () => B * T.Exp(A) / (1 + T.Exp(A)),
        ["neg-sigmoid-from-inverse"] = () => -1 / (1 + T.Exp(-A)),
        ["sigmoid-of-neg-from-product"] = () => T.Sigmoid(A) * T.Exp(-A),
        ["sigmoid-from-product-of-neg"] = () => T.Exp(A) * T.Sigmoid(-A),
        ["exp-from-sigmoid-odds"] = () => T.Sigmoid(A) / (1 - T.Sigmoid(A)),
        ["exp-of-neg-from-sigmoid-odds"] = () => (1 - T.Sigmoid(A)) / T.Sigmoid(A),
        ["one-minus-sigmoid-reshaped-1"] = () => 1 - T.Flatten(T.Sigmoid(A)),
        ["one-minus-sigmoid-reshaped-2"] = () => 1 - T.Reshape(T.Sigmoid(A), 4, 3),
        ["one-minus-sigmoid-reshaped-3"] = () => 1 - T.Reshape(T.Sigmoid(A), 2, 3, 2),
        ["log-sigmoid-reshaped-1"] = () => T.Log(1 - T.Reshape(T.Sigmoid(A), 12)),
        ["log-sigmoid-reshaped-2"] = () => T.Log(T.Flatten(T.Sigmoid(R), 2)),
        ["log-sigmoid-reshaped-3"] = () => T.Log(1 - T.Reshape(T.Sigmoid(A), 3, 2, 2)),
    };

    static RuleSoundnessTests()
    {
        foreach (var (name, build) in NumericsInstances) Instances.Add(name, build);
    }
}
