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

    /// <summary>
    /// Held only for the moment new values are written (all of one call's updates together, see
    /// <see cref="Publish"/>) and read (see <see cref="ReadTogether"/>), so that a function reading
    /// several shared variables without holding their gates sees all of a call's updates or none.
    /// Taken after any gate, and several in <see cref="Variable.Id"/> order, so no two threads wait on each other.
    /// </summary>
    private object Publication { get; } = new();

    /// <summary>The current value. Setting it checks that dtype and rank stay the same.</summary>
    public NDArray Value
    {
        get => Volatile.Read(ref value);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckFits(value);
            lock (Gate)
                lock (Publication)
                    Volatile.Write(ref this.value, value);
        }
    }

    /// <summary>
    /// Writes <paramref name="values"/> (already checked) into <paramref name="targets"/> (distinct,
    /// sorted by <see cref="Variable.Id"/>, their gates held by the caller), all at once as far as
    /// <see cref="ReadTogether"/> can tell.
    /// </summary>
    internal static void Publish(SharedVariable[] targets, NDArray[] values) =>
        Holding(targets, v => v.Publication, () =>
        {
            for (int i = 0; i < targets.Length; i++) Volatile.Write(ref targets[i].value, values[i]);
            return 0;
        });

    /// <summary>
    /// The current values of <paramref name="sources"/> (distinct, sorted by <see cref="Variable.Id"/>)
    /// as one consistent set: no call's updates are seen in part.
    /// </summary>
    internal static NDArray[] ReadTogether(SharedVariable[] sources)
    {
        if (sources.Length == 1) return [sources[0].Value];
        return Holding(sources, v => v.Publication, () => sources.Select(v => Volatile.Read(ref v.value)).ToArray());
    }

    /// <summary>
    /// Runs <paramref name="body"/> holding the lock <paramref name="which"/> gives of each of
    /// <paramref name="vars"/>, taken in their order (callers pass them sorted by <see cref="Variable.Id"/>,
    /// so that no two threads wait on each other) and released in reverse.
    /// </summary>
    internal static T Holding<T>(SharedVariable[] vars, Func<SharedVariable, object> which, Func<T> body)
    {
        int taken = 0;
        try
        {
            for (; taken < vars.Length; taken++) Monitor.Enter(which(vars[taken]));
            return body();
        }
        finally
        {
            for (int i = taken - 1; i >= 0; i--) Monitor.Exit(which(vars[i]));
        }
    }

    internal void CheckFits(NDArray v)
    {
        if (v.DType != DType || v.NDim != NDim)
            throw new ArgumentException(
                $"Shared variable '{Name}' holds {DType.ShortName()} arrays of rank {NDim}; a {v.DType.ShortName()} array of shape {NDArray.ShapeText(v.ShapeSpan)} does not fit.");
    }

    public static SharedVariable Create(NDArray value, string? name)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new SharedVariable(value, name);
    }
}
