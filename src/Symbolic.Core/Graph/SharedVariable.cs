namespace Symbolic;

/// <summary>
/// A variable whose value lives between calls, like Theano's shared variables: functions read its
/// current <see cref="Value"/> and may replace it through updates. Its type keeps the dtype and
/// rank of the initial value; the sizes may change with later values.
/// </summary>
public sealed class SharedVariable : Variable
{
    private NDArray value;

    internal SharedVariable(NDArray value, string? name)
        : base(TensorType.Of(value.DType, value.NDim), name, null)
    {
        this.value = value;
    }

    /// <summary>Serializes updates from functions that write this variable (and reads of functions that update anything they read).</summary>
    internal object Gate { get; } = new();

    /// <summary>The current value. Setting it checks that dtype and rank stay the same.</summary>
    public NDArray Value
    {
        get => Volatile.Read(ref value);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckFits(value);
            lock (Gate) Volatile.Write(ref this.value, value);
        }
    }

    internal void CheckFits(NDArray v)
    {
        if (v.DType != DType || v.NDim != NDim)
            throw new ArgumentException(
                $"Shared variable '{Name}' holds {DType.ShortName()} arrays of rank {NDim}; a {v.DType.ShortName()} array of shape {NDArray.ShapeText(v.ShapeSpan)} does not fit.");
    }

    /// <summary>Writes a value already checked; callers hold <see cref="Gate"/>.</summary>
    internal void SetUnderGate(NDArray v) => Volatile.Write(ref value, v);

    public static SharedVariable Create(NDArray value, string? name)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new SharedVariable(value, name);
    }
}
