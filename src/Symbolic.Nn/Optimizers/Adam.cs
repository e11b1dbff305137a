namespace Symbolic.Nn;

/// <summary>
/// Adam (Kingma and Ba, Algorithm 1; PyTorch's form). State: first and second moments
/// <c>m</c>, <c>v</c> per parameter (zeros at first) and one step counter <c>t</c> (float64 scalar,
/// 0 at first). Each step: <c>t ← t + 1</c>, <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>,
/// <c>p ← p − lr · (m / (1−β₁ᵗ)) / (sqrt(v / (1−β₂ᵗ)) + ε)</c>.
/// </summary>
public sealed class Adam : Optimizer
{
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        CheckPositive(learningRate, nameof(learningRate));
        CheckFraction(beta1, nameof(beta1));
        CheckFraction(beta2, nameof(beta2));
        CheckPositive(epsilon, nameof(epsilon));
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public double LearningRate { get; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    /// <summary>The step counter made by the last <see cref="Optimizer.Updates"/> call (steps taken so far).</summary>
    public SharedVariable? Step { get; private set; }

    protected override void Build(IReadOnlyList<SharedVariable> parameters, Variable[] grads,
        List<(SharedVariable, Variable)> paramUpdates, List<(SharedVariable, Variable)> stateUpdates)
    {
        var t = ScalarState(0, DType.Float64, "adam.step");
        Step = t;
        var tNew = t + 1;
        var moments = new List<(SharedVariable, Variable)>();
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var g = grads[i];
            var m = ZerosLike(p, "m");
            var v = ZerosLike(p, "v");
            var mNew = Beta1 * m + (1 - Beta1) * g;
            var vNew = Beta2 * v + (1 - Beta2) * T.Sqr(g);
            var tp = p.DType == DType.Float64 ? tNew : tNew.Cast(p.DType);
            var mHat = mNew / (1 - T.Pow(Beta1, tp));
            var vHat = vNew / (1 - T.Pow(Beta2, tp));
            paramUpdates.Add((p, p - LearningRate * mHat / (T.Sqrt(vHat) + Epsilon)));
            moments.Add((m, mNew));
            moments.Add((v, vNew));
        }
        stateUpdates.AddRange(moments);
        stateUpdates.Add((t, tNew));
    }
}
