namespace Symbolic.Nn;

/// <summary>
/// RMSProp (Hinton's lecture 6e; Keras's form). State: a running mean square <c>a</c> per parameter
/// (zeros at first). Each step: <c>a ← ρa + (1−ρ)g²</c>, <c>p ← p − lr · g / (sqrt(a) + ε)</c>.
/// </summary>
public sealed class RmsProp : Optimizer
{
    public RmsProp(double learningRate, double rho = 0.9, double epsilon = 1e-8)
    {
        CheckPositive(learningRate, nameof(learningRate));
        CheckFraction(rho, nameof(rho));
        CheckPositive(epsilon, nameof(epsilon));
        LearningRate = learningRate;
        Rho = rho;
        Epsilon = epsilon;
    }

    public double LearningRate { get; }

    public double Rho { get; }

    public double Epsilon { get; }

    protected override void Build(IReadOnlyList<SharedVariable> parameters, Variable[] grads,
        List<(SharedVariable, Variable)> paramUpdates, List<(SharedVariable, Variable)> stateUpdates)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var g = grads[i];
            var a = ZerosLike(p, "rms");
            var aNew = Rho * a + (1 - Rho) * T.Sqr(g);
            stateUpdates.Add((a, aNew));
            paramUpdates.Add((p, p - LearningRate * g / (T.Sqrt(aNew) + Epsilon)));
        }
    }
}
