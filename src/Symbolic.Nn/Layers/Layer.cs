namespace Symbolic.Nn;

/// <summary>
/// A building block of a network: a function of one symbolic input that may own trainable
/// parameters (shared variables). Layers build graphs; they hold no data of their own beyond
/// their parameters' values.
/// </summary>
public abstract class Layer
{
    /// <summary>The graph this layer computes from <paramref name="x"/>.</summary>
    public abstract Variable Apply(Variable x);

    /// <summary>The trainable parameters, in a fixed order (empty for parameterless layers).</summary>
    public virtual IReadOnlyList<SharedVariable> Parameters => [];
}
