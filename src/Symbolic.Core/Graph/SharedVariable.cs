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
    private HostValue? value;

    // A copy kept by a backend (device memory), current whenever set; null for CPU-only use.
    private ResidentValue? resident;

    // An array nobody outside can see (a replaced value that was never exposed and that no call
    // still read when it was replaced), which the next update writes its result into instead of
    // a fresh array. Read and written only under Gate.
    private NDArray? spare;

    internal SharedVariable(NDArray value, string? name)
        : base(TensorType.Of(value.DType, value.NDim), name, null)
    {
        this.value = new HostValue(value, exposed: true);
    }

    /// <summary>
    /// A published host value and what recycling its array depends on. An array is recycled (made
    /// the variable's spare, then overwritten by a later update) only when it was never exposed
    /// (handed out by <see cref="Value"/>, given by the user, returned as a call's output, or read
    /// by a device function) and no call still reads it when it is replaced.
    /// </summary>
    internal sealed class HostValue(NDArray array, bool exposed)
    {
        public readonly NDArray Array = array;

        // Set under Publication (or by a call holding the variable's Gate, or holding a reading),
        // never cleared.
        public volatile bool Exposed = exposed;

        // Calls without updates (which hold no gate) reading this value now; taken under Publication.
        public int Readers;
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

    /// <summary>
    /// The current value. Setting it checks that dtype and rank stay the same. An array this
    /// returns is never written again: updates write new values into other arrays.
    /// </summary>
    public NDArray Value
    {
        get
        {
            var v = Volatile.Read(ref value);
            if (v is { Exposed: true }) return v.Array;
            lock (Publication)
            {
                v = CurrentHost();
                v.Exposed = true;
                return v.Array;
            }
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckFits(value);
            ResidentValue? stale;
            lock (Gate)
            {
                HostValue? old;
                lock (Publication)
                {
                    old = this.value;
                    Volatile.Write(ref this.value, new HostValue(value, exposed: true));
                    stale = resident;
                    resident = null;
                }
                Retire(old);
            }
            stale?.Dispose();
        }
    }

    /// <summary>The host value, copied back from the resident copy where only that is current (the caller holds <see cref="Publication"/>).</summary>
    private HostValue CurrentHost()
    {
        var v = value;
        if (v is null)
        {
            v = new HostValue(resident!.Download(), exposed: false);
            Volatile.Write(ref value, v);
        }
        return v;
    }

    /// <summary>
    /// After <paramref name="old"/> was replaced (the caller holds <see cref="Gate"/>): keeps its
    /// array as the spare where nobody outside can see it, else lets it go. A replaced value cannot
    /// gain readers (they take the current one under Publication), so readers it has not now never
    /// come back.
    /// </summary>
    private void Retire(HostValue? old)
    {
        if (old is not null && !old.Exposed && Volatile.Read(ref old.Readers) == 0) spare = old.Array;
    }

    /// <summary>
    /// The spare array where it has this dtype and shape, for an update (the caller holds
    /// <see cref="Gate"/>) to write its result into; null where there is none. A spare of another
    /// shape is dropped. The spare stays the variable's until <see cref="Publish"/> publishes it.
    /// </summary>
    internal NDArray? Spare(ReadOnlySpan<int> shape)
    {
        var s = spare;
        if (s is null) return null;
        if (s.DType == DType && s.ShapeSpan.SequenceEqual(shape)) return s;
        spare = null;
        return null;
    }

    /// <summary>The current host value without exposing it (for tests: what this returns may be recycled); null where only a device copy is current.</summary>
    internal NDArray? Peek() => Volatile.Read(ref value)?.Array;

    /// <summary>Whether the current host value was exposed (for tests).</summary>
    internal bool IsExposed => Volatile.Read(ref value) is { Exposed: true };

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
            if (!ReferenceEquals(value?.Array, host) || resident is not null) return false;
            resident = copy;
            return true;
        }
    }

    /// <summary>
    /// Writes <paramref name="values"/> (already checked) into <paramref name="targets"/> (distinct,
    /// sorted by <see cref="Variable.Id"/>, their gates held by the caller), all at once as far as
    /// <see cref="ReadTogether"/> can tell. <paramref name="owned"/>[i] says that values[i] is an
    /// array the caller made for this (a fresh array or the target's spare) that nobody else has
    /// seen or holds: only such a value can be recycled once it is replaced in turn. The values
    /// replaced become the targets' spares where they can be recycled.
    /// </summary>
    internal static void Publish(SharedVariable[] targets, NDArray[] values, bool[] owned)
    {
        var stale = new ResidentValue?[targets.Length];
        var old = new HostValue?[targets.Length];
        Holding(targets, v => v.Publication, () =>
        {
            for (int i = 0; i < targets.Length; i++)
            {
                old[i] = targets[i].value;
                Volatile.Write(ref targets[i].value, new HostValue(values[i], exposed: !owned[i]));
                stale[i] = targets[i].resident;
                targets[i].resident = null;
            }
            return 0;
        });
        for (int i = 0; i < targets.Length; i++)
        {
            if (ReferenceEquals(targets[i].spare, values[i])) targets[i].spare = null;
            targets[i].Retire(old[i]);
        }
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
    /// caller reads them; the caller releases them. The host values count as exposed: the backend
    /// may keep a copy attached to one (<see cref="TryAttachResident"/>, by identity), so its array
    /// must never be recycled into another value.
    /// </summary>
    internal static (NDArray? Host, ResidentValue? Resident)[] ReadStates(SharedVariable[] sources) =>
        Holding(sources, v => v.Publication, () =>
        {
            var states = new (NDArray?, ResidentValue?)[sources.Length];
            for (int i = 0; i < sources.Length; i++)
            {
                var r = sources[i].resident;
                r?.Acquire();
                var h = sources[i].value;
                if (h is not null) h.Exposed = true;
                states[i] = (h?.Array, r);
            }
            return states;
        });

    /// <summary>
    /// The current values of <paramref name="sources"/> (distinct, sorted by <see cref="Variable.Id"/>)
    /// as one consistent set: no call's updates are seen in part. A caller that holds no gate of
    /// them passes <paramref name="hold"/>: the values are then kept from being recycled until
    /// <see cref="Reading.Release"/>. A caller holding their gates needs no hold (no update of them
    /// can run meanwhile), and must not take one if it publishes: its own update would then see
    /// the values it replaces as still read.
    /// </summary>
    internal static Reading ReadTogether(SharedVariable[] sources, bool hold)
    {
        var held = new HostValue[sources.Length];
        var values = new NDArray[sources.Length];
        if (sources.Length == 1) ReadOne(sources[0], hold, held, values);
        else if (sources.Length > 1)
            Holding(sources, v => v.Publication, () =>
            {
                for (int i = 0; i < sources.Length; i++)
                {
                    held[i] = sources[i].CurrentHost();
                    if (hold) Interlocked.Increment(ref held[i].Readers);
                    values[i] = held[i].Array;
                }
                return 0;
            });
        return new Reading(values, held, hold);
    }

    private static void ReadOne(SharedVariable source, bool hold, HostValue[] held, NDArray[] values)
    {
        // Without a hold, the current value as it is now (lock-free where the host has it).
        var v = hold ? null : Volatile.Read(ref source.value);
        if (v is null)
            lock (source.Publication)
            {
                v = source.CurrentHost();
                if (hold) Interlocked.Increment(ref v.Readers);
            }
        held[0] = v;
        values[0] = v.Array;
    }

    /// <summary>One call's read of shared values (see <see cref="ReadTogether"/>).</summary>
    internal readonly struct Reading
    {
        private readonly HostValue[] held;
        private readonly bool hold;

        internal Reading(NDArray[] values, HostValue[] held, bool hold)
        {
            Values = values;
            this.held = held;
            this.hold = hold;
        }

        /// <summary>The values, in the order of the sources.</summary>
        public NDArray[] Values { get; }

        /// <summary>
        /// Marks value <paramref name="i"/> as exposed, never to be recycled: the caller hands its
        /// array out (a call's output that is a shared value itself). Valid while the reading is
        /// held, or while the caller holds the variable's gate.
        /// </summary>
        public void Expose(int i) => held[i].Exposed = true;

        /// <summary>Ends a held reading: its values may be recycled once replaced.</summary>
        public void Release()
        {
            if (!hold || held is null) return;
            foreach (var h in held) Interlocked.Decrement(ref h.Readers);
        }
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
