namespace Symbolic.Nn;

/// <summary>
/// Builds the update list that <see cref="Function.Compile"/> applies after each call. An optimizer
/// keeps its state (velocities, moments, step counters) in shared variables it creates itself, each
/// of its parameter's dtype and shape, updated in the same list. Each call to <see cref="Updates"/>
/// creates fresh state (zeros), so compile the list once per training function.
/// Every update keeps its parameter's dtype: the hyper-parameters enter as weakly typed constants.
/// </summary>
public abstract class Optimizer
{
    private readonly List<SharedVariable> state = [];

    /// <summary>The state variables made by the last <see cref="Updates"/> call.</summary>
    public IReadOnlyList<SharedVariable> State => state;

    /// <summary>(parameter, new value) for each parameter, followed by (state, new value) for each state variable.</summary>
    public (SharedVariable, Variable)[] Updates(Variable cost, IReadOnlyList<SharedVariable> parameters)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) throw new ArgumentException("There are no parameters to update.", nameof(parameters));
        if (parameters.Distinct().Count() != parameters.Count)
            throw new ArgumentException("A parameter appears twice in the list.", nameof(parameters));
        foreach (var p in parameters)
            if (p.DType is not (DType.Float32 or DType.Float64))
                throw new ArgumentException($"Parameter '{p.Name}' is {p.DType}; optimizers update float32 and float64 parameters.", nameof(parameters));
        state.Clear();
        var grads = T.Grad(cost, [.. parameters]);
        var paramUpdates = new List<(SharedVariable, Variable)>();
        var stateUpdates = new List<(SharedVariable, Variable)>();
        Build(parameters, grads, paramUpdates, stateUpdates);
        return [.. paramUpdates, .. stateUpdates];
    }

    /// <summary>Fills the updates for <paramref name="parameters"/> given their gradients.</summary>
    protected abstract void Build(IReadOnlyList<SharedVariable> parameters, Variable[] grads,
        List<(SharedVariable, Variable)> paramUpdates, List<(SharedVariable, Variable)> stateUpdates);

    /// <summary>A new state variable of <paramref name="like"/>'s dtype and current shape, all zeros.</summary>
    protected SharedVariable ZerosLike(SharedVariable like, string what)
    {
        var v = T.Shared(NDArray.Zeros(like.DType, like.Value.Shape), $"{like.Name}.{what}");
        state.Add(v);
        return v;
    }

    /// <summary>A new scalar state variable.</summary>
    protected SharedVariable ScalarState(double value, DType dtype, string name)
    {
        var v = T.Shared(NDArray.Scalar(value, dtype), name);
        state.Add(v);
        return v;
    }

    protected static void CheckPositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive finite number.");
    }

    protected static void CheckFraction(double value, string name)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
    }
}
