namespace Symbolic.Nn;

/// <summary>
/// A fully connected layer: <c>x · W + b</c> for <c>x</c> of shape (batch, inputs), with
/// <c>W</c> of shape (inputs, outputs) and <c>b</c> of shape (outputs), then an optional activation.
/// The weight starts from <see cref="Initializer"/> (Glorot uniform unless given), the bias at
/// zero. Both are shared variables of <c>dtype</c> (<see cref="T.FloatX"/> unless given) named
/// <c>{name}.weight</c> and <c>{name}.bias</c>.
/// </summary>
public sealed class Dense : Layer
{
    /// <param name="inputs">Features in.</param>
    /// <param name="outputs">Features out.</param>
    /// <param name="activation">Applied after the affine map (none when null).</param>
    /// <param name="initializer">For the weight; <see cref="GlorotUniform"/> when null.</param>
    /// <param name="random">The generator the initializer draws from; <c>new Random(0)</c> when
    /// null, so a layer built twice the same way starts the same. Pass one generator to every
    /// layer of a network to give layers of equal shape different weights.</param>
    /// <param name="useBias">Whether the layer has a bias.</param>
    /// <param name="dtype">The parameters' dtype; <see cref="T.FloatX"/> when null.</param>
    /// <param name="name">Prefix of the parameters' names; <c>dense</c> when null.</param>
    public Dense(int inputs, int outputs, Func<Variable, Variable>? activation = null, Initializer? initializer = null,
        Random? random = null, bool useBias = true, DType? dtype = null, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        var type = dtype ?? T.FloatX;
        if (type is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"Dense parameters must be float32 or float64, not {type}.", nameof(dtype));
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        name ??= "dense";
        Weight = T.Shared((initializer ?? new GlorotUniform()).Create([inputs, outputs], inputs, outputs, type, random ?? new Random(0)), name + ".weight");
        Bias = useBias ? T.Shared(NDArray.Zeros(type, outputs), name + ".bias") : null;
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public Func<Variable, Variable>? Activation { get; }

    /// <summary>Shape (inputs, outputs).</summary>
    public SharedVariable Weight { get; }

    /// <summary>Shape (outputs); null when built with <c>useBias: false</c>.</summary>
    public SharedVariable? Bias { get; }

    public override IReadOnlyList<SharedVariable> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    public override Variable Apply(Variable x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = T.Dot(x, Weight);
        if (Bias is not null) y += Bias;
        return Activation is null ? y : Activation(y);
    }
}
