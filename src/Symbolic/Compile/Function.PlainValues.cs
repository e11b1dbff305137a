namespace Symbolic;

public sealed partial class Function
{
    /// <summary>Runs a function of no inputs (its outputs come from constants and shared variables).</summary>
    public NDArray[] Invoke() => Invoke(Array.Empty<NDArray>());

    /// <summary>
    /// As <see cref="Invoke(NDArray[])"/>, taking plain .NET numbers and arrays beside NDArrays:
    /// <c>f.Invoke(4, new[] { 1.0, 2.0 }, xs)</c>. Each plain value is converted to its input's dtype
    /// where that is exact (see <see cref="InputValue"/>); one that is not, or of the wrong rank,
    /// raises <see cref="ArgumentException"/> naming the input, and nothing runs.
    /// </summary>
    public NDArray[] Invoke(params InputValue[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // A wrong count gets Invoke's own message: there is no input to convert an extra value for.
        if (args.Length != inputs.Length) return Invoke(new NDArray[args.Length]);
        var arrays = new NDArray[args.Length];
        for (int i = 0; i < args.Length; i++) arrays[i] = args[i].ToNDArray(inputs[i], i);
        return Invoke(arrays);
    }
}
