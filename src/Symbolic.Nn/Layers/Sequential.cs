namespace Symbolic.Nn;

/// <summary>Layers applied one after another; its parameters are theirs, in order.</summary>
public sealed class Sequential : Layer
{
    private readonly List<Layer> layers;

    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers) ArgumentNullException.ThrowIfNull(l, nameof(layers));
        this.layers = [.. layers];
    }

    public IReadOnlyList<Layer> Layers => layers;

    /// <summary>Appends a layer; returns this, so calls chain.</summary>
    public Sequential Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        layers.Add(layer);
        return this;
    }

    public override IReadOnlyList<SharedVariable> Parameters => [.. layers.SelectMany(l => l.Parameters)];

    /// <summary>How many numbers the parameters hold in all.</summary>
    public long ParameterCount => Parameters.Sum(p => (long)p.Value.Size);

    public override Variable Apply(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        foreach (var l in layers) x = l.Apply(x);
        return x;
    }
}
