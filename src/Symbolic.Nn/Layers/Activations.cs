namespace Symbolic.Nn;

/// <summary>max(x, 0), elementwise.</summary>
public sealed class Relu : Layer
{
    public override Variable Apply(Variable x) => T.Relu(x);
}

/// <summary>tanh(x), elementwise.</summary>
public sealed class Tanh : Layer
{
    public override Variable Apply(Variable x) => T.Tanh(x);
}

/// <summary>1 / (1 + exp(-x)), elementwise.</summary>
public sealed class Sigmoid : Layer
{
    public override Variable Apply(Variable x) => T.Sigmoid(x);
}

/// <summary>Softmax along <see cref="Axis"/> (the last by default).</summary>
public sealed class Softmax(int axis = -1) : Layer
{
    public int Axis { get; } = axis;

    public override Variable Apply(Variable x) => T.Softmax(x, Axis);
}

/// <summary>Log-softmax along <see cref="Axis"/> (the last by default).</summary>
public sealed class LogSoftmax(int axis = -1) : Layer
{
    public int Axis { get; } = axis;

    public override Variable Apply(Variable x) => T.LogSoftmax(x, Axis);
}

/// <summary>Any function of one variable as a parameterless layer.</summary>
public sealed class Lambda(Func<Variable, Variable> function) : Layer
{
    private readonly Func<Variable, Variable> function = function ?? throw new ArgumentNullException(nameof(function));

    public override Variable Apply(Variable x) => function(x);
}
