namespace Symbolic.Nn;

/// <summary>
/// Stochastic gradient descent, as Keras writes it. Without momentum: <c>p ← p − lr·g</c> (no state).
/// With momentum μ, a velocity <c>v</c> (zeros at first): <c>v ← μ·v − lr·g</c>, then
/// <c>p ← p + v</c>, or with Nesterov <c>p ← p + μ·v − lr·g</c> (using the new <c>v</c>).
/// </summary>
public sealed class Sgd : Optimizer
{
    public Sgd(double learningRate, double momentum = 0, bool nesterov = false)
    {
        CheckPositive(learningRate, nameof(learningRate));
        CheckFraction(momentum, nameof(momentum));
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs a momentum above 0.", nameof(nesterov));
        LearningRate = learningRate;
        Momentum = momentum;
        Nesterov = nesterov;
    }

    public double LearningRate { get; }

    public double Momentum { get; }

    public bool Nesterov { get; }

    protected override void Build(IReadOnlyList<SharedVariable> parameters, Variable[] grads,
        List<(SharedVariable, Variable)> paramUpdates, List<(SharedVariable, Variable)> stateUpdates)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var g = grads[i];
            if (Momentum == 0)
            {
                paramUpdates.Add((p, p - LearningRate * g));
                continue;
            }
            var v = ZerosLike(p, "velocity");
            var vNew = Momentum * v - LearningRate * g;
            stateUpdates.Add((v, vNew));
            paramUpdates.Add((p, Nesterov ? p + Momentum * vNew - LearningRate * g : p + vNew));
        }
    }
}
