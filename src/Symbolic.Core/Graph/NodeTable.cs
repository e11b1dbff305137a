using System.Runtime.InteropServices;
using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// The hash-consing table: maps (op, inputs) to the one <see cref="Apply"/> for them.
/// <para>
/// An open-addressing table of (hash, weak GC handle) pairs. An entry holds nothing strongly, not
/// even the inputs it was keyed by: a lookup compares the live node's own op and inputs. So a
/// graph nobody references is collected whole at the next collection (a key holding its inputs
/// would keep a chain alive one link per sweep), and the table costs one handle and one 16-byte
/// slot a node, with no per-entry objects to allocate or finalize.
/// </para>
/// <para>
/// Dead entries are dropped when the table would grow: the rebuild frees the handles of collected
/// nodes and sizes the table to four times the live nodes, so the table stays proportional to the
/// live graph and every insert costs amortized constant time.
/// </para>
/// </summary>
internal static class NodeTable
{
    private const int MinCapacity = 1024;

    private static readonly Lock Gate = new();
    private static Entry[] entries = new Entry[MinCapacity];

    /// <summary>Slots that are not empty: live or dead entries, and tombstones.</summary>
    private static int occupied;

    /// <summary>A removed entry: lookups probe past it, inserts may reuse it.</summary>
    private static readonly IntPtr Tombstone = new(-1);

    private struct Entry
    {
        public int Hash;
        public IntPtr Handle; // zero: empty; Tombstone: removed; otherwise a weak GCHandle to an Apply
    }

    /// <summary>Entries in the table now (live or not yet swept), for tests.</summary>
    internal static int Count
    {
        get
        {
            lock (Gate)
            {
                int n = 0;
                foreach (var e in entries)
                    if (e.Handle != IntPtr.Zero && e.Handle != Tombstone) n++;
                return n;
            }
        }
    }

    /// <summary>Slots the table has now (a power of two), for tests: at most about four times the live nodes after a sweep.</summary>
    internal static int Capacity
    {
        get { lock (Gate) return entries.Length; }
    }

    public static Apply Intern(Op op, Variable[] inputs, Func<Apply> create)
    {
        int hash = HashOf(op, inputs);
        lock (Gate)
        {
            if (Find(op, inputs, hash) is { } existing) return existing;
        }
        // Made outside the lock (type inference may raise, and must not run with the table held);
        // another thread may have made the same node meanwhile, and then its node wins.
        var made = create();
        lock (Gate)
        {
            if (Find(op, inputs, hash) is { } raced) return raced;
            Insert(made, hash);
            return made;
        }
    }

    private static int HashOf(Op op, Variable[] inputs)
    {
        var h = new HashCode();
        h.Add(op);
        foreach (var v in inputs) h.Add(v.Id);
        return h.ToHashCode();
    }

    private static Apply? Find(Op op, Variable[] inputs, int hash)
    {
        var table = entries;
        int mask = table.Length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask)
        {
            ref var e = ref table[i];
            if (e.Handle == IntPtr.Zero) return null;
            if (e.Hash != hash || e.Handle == Tombstone) continue;
            var handle = GCHandle.FromIntPtr(e.Handle);
            if (handle.Target is not Apply node)
            {
                handle.Free();
                e.Handle = Tombstone;
                continue;
            }
            if (Matches(node, op, inputs)) return node;
        }
    }

    private static bool Matches(Apply node, Op op, Variable[] inputs)
    {
        var mine = node.InputArray;
        if (mine.Length != inputs.Length) return false;
        for (int i = 0; i < inputs.Length; i++)
            if (!ReferenceEquals(mine[i], inputs[i])) return false;
        return ReferenceEquals(node.Op, op) || node.Op.Equals(op);
    }

    private static void Insert(Apply node, int hash)
    {
        var table = entries;
        int mask = table.Length - 1;
        int i = hash & mask;
        while (table[i].Handle != IntPtr.Zero && table[i].Handle != Tombstone) i = (i + 1) & mask;
        if (table[i].Handle == IntPtr.Zero) occupied++;
        table[i] = new Entry { Hash = hash, Handle = GCHandle.ToIntPtr(GCHandle.Alloc(node, GCHandleType.Weak)) };
        if (2 * occupied > table.Length) Rebuild();
    }

    /// <summary>Frees the handles of collected nodes and rehashes the live ones into a table four times their number.</summary>
    private static void Rebuild()
    {
        var old = entries;
        int live = 0;
        for (int i = 0; i < old.Length; i++)
        {
            ref var e = ref old[i];
            if (e.Handle == IntPtr.Zero) continue;
            if (e.Handle == Tombstone) { e.Handle = IntPtr.Zero; continue; }
            var handle = GCHandle.FromIntPtr(e.Handle);
            if (handle.Target is null)
            {
                handle.Free();
                e.Handle = IntPtr.Zero;
                continue;
            }
            live++;
        }
        long wanted = Math.Max(MinCapacity, 4L * live);
        if (wanted > 1 << 30)
            throw new InvalidOperationException($"The node table cannot hold {live} live nodes: more than a table of 2^30 slots allows.");
        int capacity = MinCapacity;
        while (capacity < wanted) capacity <<= 1;
        var table = new Entry[capacity];
        int mask = capacity - 1;
        foreach (var e in old)
        {
            if (e.Handle == IntPtr.Zero) continue;
            int i = e.Hash & mask;
            while (table[i].Handle != IntPtr.Zero) i = (i + 1) & mask;
            table[i] = e;
        }
        entries = table;
        occupied = live;
    }
}
