namespace Symbolic.Nn;

/// <summary>A checkpoint file that cannot be loaded into the given parameters; <see cref="Tensor"/> names the tensor at fault where one is.</summary>
public sealed class CheckpointException(string message, string? tensor = null, Exception? inner = null)
    : IOException(message, inner)
{
    public string? Tensor { get; } = tensor;
}
