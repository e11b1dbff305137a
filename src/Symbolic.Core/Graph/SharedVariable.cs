namespace Symbolic;

/// <summary>
/// A variable whose value lives between calls, like Theano's shared variables: functions read its
/// current <see cref="Value"/> and may replace it through updates. Its type keeps the dtype and
/// rank of the initial value; the sizes may change with later values.
/// </summary>
public sealed class SharedVariable : Variable
{
    // The host value; null while the newest value lives only in `resident` (a device copy written
    // by a device function's update), until a reader of Value copies it back.
    private NDArray? value;

    // A copy kept by a backend (device memory), current whenever set; null for CPU-only use.
    private ResidentValue? resident;

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
        get
        {
            var v = Volatile.Read(ref value);
            if (v is not null) return v;
            lock (Publication) return HostValue();
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckFits(value);
            ResidentValue? stale;
            lock (Gate)
                lock (Publication)
                {
                    Volatile.Write(ref this.value, value);
                    stale = resident;
                    resident = null;
                }
            stale?.Dispose();
        }
    }

    /// <summary>The host value, copied back from the resident copy where only that is current (the caller holds <see cref="Publication"/>).</summary>
    private NDArray HostValue()
    {
        var v = value;
        if (v is null)
        {
            v = resident!.Download();
            Volatile.Write(ref value, v);
        }
        return v;
    }

    /// <summary>Whether a backend keeps a copy of the current value (on a device).</summary>
    internal bool IsResident => Volatile.Read(ref resident) is not null;

    /// <summary>Whether the host holds the current value (false only while the newest value is on a device and nobody has read <see cref="Value"/>).</summary>
    internal bool IsOnHost => Volatile.Read(ref value) is not null;

    /// <summary>
    /// Keeps <paramref name="copy"/> as the resident copy of <paramref name="host"/>, if that is still
    /// the current value and no copy is kept yet; false otherwise (the caller then disposes its copy).
    /// </summary>
    internal bool TryAttachResident(NDArray host, ResidentValue copy)
    {
        lock (Publication)
        {
            if (!ReferenceEquals(value, host) || resident is not null) return false;
            resident = copy;
            return true;
        }
    }

    /// <summary>
    /// Writes <paramref name="values"/> (already checked) into <paramref name="targets"/> (distinct,
    /// sorted by <see cref="Variable.Id"/>, their gates held by the caller), all at once as far as
    /// <see cref="ReadTogether"/> can tell.
    /// </summary>
    internal static void Publish(SharedVariable[] targets, NDArray[] values)
    {
        var stale = new ResidentValue?[targets.Length];
        Holding(targets, v => v.Publication, () =>
        {
            for (int i = 0; i < targets.Length; i++)
            {
                Volatile.Write(ref targets[i].value, values[i]);
                stale[i] = targets[i].resident;
                targets[i].resident = null;
            }
            return 0;
        });
        foreach (var r in stale) r?.Dispose();
    }

    /// <summary>
    /// As <see cref="Publish"/>, for values a backend computed and keeps (on a device): the host
    /// copies go stale and are made again only when <see cref="Value"/> is read.
    /// </summary>
    internal static void PublishResident(SharedVariable[] targets, ResidentValue[] values)
    {
        var stale = new ResidentValue?[targets.Length];
        Holding(targets, v => v.Publication, () =>
        {
            for (int i = 0; i < targets.Length; i++)
            {
                stale[i] = targets[i].resident;
                targets[i].resident = values[i];
                Volatile.Write(ref targets[i].value, null);
            }
            return 0;
        });
        foreach (var r in stale) r?.Dispose();
    }

    /// <summary>
    /// The current state of <paramref name="sources"/> (distinct, sorted by <see cref="Variable.Id"/>)
    /// as one consistent set, for a backend that keeps copies: each one's host value (null where it
    /// is stale) and its resident copy (null where there is none), the resident copies acquired
    /// (<see cref="ResidentValue.Acquire"/>) so that a concurrent update cannot free them while the
    /// caller reads them; the caller releases them.
    /// </summary>
    internal static (NDArray? Host, ResidentValue? Resident)[] ReadStates(SharedVariable[] sources) =>
        Holding(sources, v => v.Publication, () =>
        {
            var states = new (NDArray?, ResidentValue?)[sources.Length];
            for (int i = 0; i < sources.Length; i++)
            {
                var r = sources[i].resident;
                r?.Acquire();
                states[i] = (sources[i].value, r);
            }
            return states;
        });

    /// <summary>
    /// The current values of <paramref name="sources"/> (distinct, sorted by <see cref="Variable.Id"/>)
    /// as one consistent set: no call's updates are seen in part.
    /// </summary>
    internal static NDArray[] ReadTogether(SharedVariable[] sources)
    {
        if (sources.Length == 1) return [sources[0].Value];
        return Holding(sources, v => v.Publication, () => sources.Select(v => v.HostValue()).ToArray());
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
