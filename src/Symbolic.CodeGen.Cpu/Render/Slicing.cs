using Symbolic.Ops;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// Basic indexing spelled as stride arithmetic: the offset the entries' starts add and the
/// dimensions they keep. Entries are static, so each start is a literal or a small expression of
/// the run-time size (clamped as Python slices are; single indices were range-checked by the shape
/// pass before anything runs).
/// </summary>
internal static class Slicing
{
    /// <summary>The offset expression (over <paramref name="strides"/>) and the kept input dimensions, for an input of rank <paramref name="rank"/>.</summary>
    public static (string Offset, int[] Kept) Layout(IReadOnlyList<SliceEntry> entries, int rank, string shape, string strides)
    {
        var terms = new List<string>();
        var kept = new List<int>();
        for (int d = 0; d < rank; d++)
        {
            if (d >= entries.Count)
            {
                kept.Add(d);
                continue;
            }
            var e = entries[d];
            if (!e.IsIndex) kept.Add(d);
            var start = Start(e, $"{shape}[{d}]");
            if (start is not null) terms.Add($"{start} * {strides}[{d}]");
        }
        return (terms.Count == 0 ? "0" : string.Join(" + ", terms), kept.ToArray());
    }

    /// <summary>The first position an entry selects in a dimension of size <paramref name="size"/>, or null when it is 0.</summary>
    private static string? Start(SliceEntry e, string size)
    {
        if (e.IsIndex) return e.StartFromEnd ? $"({size} - {e.Start})" : e.Start == 0 ? null : $"{e.Start}";
        if (e.StartFromEnd) return $"Math.Max({size} - {e.Start}, 0)";
        return e.Start == 0 ? null : $"Math.Clamp({e.Start}, 0, {size})";
    }
}
