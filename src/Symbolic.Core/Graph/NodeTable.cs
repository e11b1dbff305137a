using System.Collections.Concurrent;
using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// The hash-consing table: maps (op, inputs) to the one <see cref="Apply"/> for them. Entries
/// hold their node weakly, so graphs nobody references are collected; dead entries are swept
/// from time to time.
/// </summary>
internal static class NodeTable
{
    private static readonly ConcurrentDictionary<Key, WeakReference<Apply>> Table = new();
    private static int insertsSinceSweep;

    public static Apply Intern(Op op, Variable[] inputs, Func<Apply> create)
    {
        var key = new Key(op, inputs);
        if (Table.TryGetValue(key, out var weak) && weak.TryGetTarget(out var existing)) return existing;
        lock (Table)
        {
            if (Table.TryGetValue(key, out weak) && weak.TryGetTarget(out existing)) return existing;
            var made = create();
            Table[key] = new WeakReference<Apply>(made);
            if (++insertsSinceSweep >= 4096 && insertsSinceSweep >= Table.Count / 2) Sweep();
            return made;
        }
    }

    private static void Sweep()
    {
        insertsSinceSweep = 0;
        foreach (var kv in Table)
            if (!kv.Value.TryGetTarget(out _)) Table.TryRemove(kv.Key, out _);
    }

    private readonly struct Key : IEquatable<Key>
    {
        private readonly Op op;
        private readonly Variable[] inputs;
        private readonly int hash;

        public Key(Op op, Variable[] inputs)
        {
            this.op = op;
            this.inputs = inputs;
            var h = new HashCode();
            h.Add(op);
            foreach (var v in inputs) h.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(v));
            hash = h.ToHashCode();
        }

        public bool Equals(Key other)
        {
            if (hash != other.hash || inputs.Length != other.inputs.Length || !op.Equals(other.op)) return false;
            for (int i = 0; i < inputs.Length; i++)
                if (!ReferenceEquals(inputs[i], other.inputs[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is Key k && Equals(k);

        public override int GetHashCode() => hash;
    }
}
