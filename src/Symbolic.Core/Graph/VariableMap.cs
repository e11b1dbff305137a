using System.Runtime.CompilerServices;

namespace Symbolic;

/// <summary>
/// A map from variables (by reference) to values, for the passes that visit every node of a graph once: an
/// open-addressing table keyed by the variable's creation number, so that a lookup is a multiply, a probe
/// and a reference comparison, with no comparer to call and no per-entry object. Entries are not removed one
/// by one; <see cref="Clear"/> empties the table and keeps its room, for a pass that runs again.
/// </summary>
internal sealed class VariableMap<TValue>
{
    private struct Entry
    {
        public Variable? Key;
        public TValue Value;
    }

    private Entry[] entries;
    private int shift;

    /// <param name="capacity">How many entries to make room for before the table grows.</param>
    public VariableMap(int capacity = 0)
    {
        int size = 16;
        while (size < 2L * capacity && size < 1 << 30) size <<= 1;
        entries = new Entry[size];
        shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
    }

    /// <summary>Removes every entry; the table keeps its size.</summary>
    public void Clear()
    {
        if (Count == 0) return;
        Array.Clear(entries);
        Count = 0;
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(Variable key) => (int)(((ulong)key.Id * 0x9E3779B97F4A7C15UL) >> shift);

    public bool ContainsKey(Variable key) => Find(key) >= 0;

    public bool TryGetValue(Variable key, out TValue value)
    {
        int i = Find(key);
        if (i < 0)
        {
            value = default!;
            return false;
        }
        value = entries[i].Value;
        return true;
    }

    public TValue this[Variable key]
    {
        get => Find(key) is var i and >= 0 ? entries[i].Value : throw new KeyNotFoundException();
        set => GetValueRefOrAddDefault(key, out _) = value;
    }

    /// <summary>The entry's value, added as default when <paramref name="key"/> has none; valid until the next addition.</summary>
    public ref TValue GetValueRefOrAddDefault(Variable key, out bool exists)
    {
        var es = entries;
        int mask = es.Length - 1;
        for (int i = Slot(key); ; i = (i + 1) & mask)
        {
            ref var e = ref es[i];
            if (ReferenceEquals(e.Key, key))
            {
                exists = true;
                return ref e.Value;
            }
            if (e.Key is null)
            {
                if (2 * (Count + 1) > es.Length)
                {
                    Grow();
                    return ref GetValueRefOrAddDefault(key, out exists);
                }
                e.Key = key;
                Count++;
                exists = false;
                return ref e.Value;
            }
        }
    }

    /// <summary>The entry's value, or a null reference (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>) when there is none.</summary>
    public ref TValue GetValueRefOrNullRef(Variable key)
    {
        int i = Find(key);
        return ref i < 0 ? ref Unsafe.NullRef<TValue>() : ref entries[i].Value;
    }

    private int Find(Variable key)
    {
        var es = entries;
        int mask = es.Length - 1;
        for (int i = Slot(key); ; i = (i + 1) & mask)
        {
            var k = es[i].Key;
            if (ReferenceEquals(k, key)) return i;
            if (k is null) return -1;
        }
    }

    private void Grow()
    {
        if (entries.Length >= 1 << 30)
            throw new InvalidOperationException($"A graph pass cannot track more than {Count} variables.");
        var old = entries;
        entries = new Entry[old.Length * 2];
        shift--;
        int mask = entries.Length - 1;
        foreach (var e in old)
        {
            if (e.Key is not { } k) continue;
            int i = Slot(k);
            while (entries[i].Key is not null) i = (i + 1) & mask;
            entries[i] = e;
        }
    }
}
