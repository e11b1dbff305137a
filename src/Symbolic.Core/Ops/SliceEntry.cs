namespace Symbolic.Ops;

/// <summary>
/// One dimension of basic indexing: a single index (the dimension is dropped) or a range
/// (kept). Bounds count from the end where <c>FromEnd</c> is set, as C#'s ^ does. Ranges clamp to
/// the dimension as Python slices do; a single index must lie inside it.
/// </summary>
public readonly record struct SliceEntry(bool IsIndex, int Start, bool StartFromEnd, int End, bool EndFromEnd)
{
    public static SliceEntry Index(System.Index i) => new(true, i.Value, i.IsFromEnd, 0, false);

    public static SliceEntry Range(System.Range r) => new(false, r.Start.Value, r.Start.IsFromEnd, r.End.Value, r.End.IsFromEnd);

    public static readonly SliceEntry All = new(false, 0, false, 0, true);

    /// <summary>The first position and the count this entry selects in a dimension of <paramref name="size"/>; null for an index outside it.</summary>
    public (int Start, int Count)? Resolve(int size)
    {
        if (IsIndex)
        {
            int i = StartFromEnd ? size - Start : Start;
            return i < 0 || i >= size ? null : (i, 1);
        }
        int s = Math.Clamp(StartFromEnd ? size - Start : Start, 0, size);
        int e = Math.Clamp(EndFromEnd ? size - End : End, 0, size);
        return (s, Math.Max(0, e - s));
    }

    public override string ToString()
    {
        string B(int v, bool fromEnd) => fromEnd ? $"^{v}" : v.ToString();
        if (IsIndex) return B(Start, StartFromEnd);
        if (this == All) return "..";
        return $"{(Start == 0 && !StartFromEnd ? "" : B(Start, StartFromEnd))}..{(End == 0 && EndFromEnd ? "" : B(End, EndFromEnd))}";
    }
}
