using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// How a view's layout follows from its base's: the view ops of the catalogue (dimshuffle,
/// stop_gradient, subtensor, split_part, reshape), as stride arithmetic the host does per call.
/// </summary>
public sealed record ViewKind(Op Op)
{
    /// <summary>The view's layout, or null for a reshape of a base that is not contiguous (it must be copied).</summary>
    /// <param name="base">The base's layout.</param>
    /// <param name="shape">The view's own shape (from the shape pass).</param>
    /// <param name="inputSlots">The view node's input slots (the base first; a split part's sibling shapes next).</param>
    /// <param name="shapeOf">Any slot's shape: a split part's offset sums its earlier siblings' sizes along the axis.</param>
    public SlotLayout? Layout(SlotLayout @base, int[] shape, IReadOnlyList<int> inputSlots, Func<int, int[]> shapeOf) => Op switch
    {
        DimShuffle ds => new SlotLayout(shape, ds.Pattern.Select(p => p < 0 ? 0L : @base.Strides[p]).ToArray(), @base.Offset),
        StopGradient => @base with { Shape = shape },
        Subtensor st => Slice(st.Entries, @base, shape),
        SplitPart sp => SplitLayout(sp, @base, shape, inputSlots, shapeOf),
        Reshape => @base.IsContiguous ? SlotLayout.Contiguous(shape) with { Offset = @base.Offset } : null,
        _ => throw new NotSupportedException($"The CUDA backend has no view for {Op.Name}."),
    };

    private static SlotLayout Slice(IReadOnlyList<SliceEntry> entries, SlotLayout @base, int[] shape)
    {
        long offset = @base.Offset;
        var strides = new List<long>();
        for (int d = 0; d < @base.Shape.Length; d++)
        {
            if (d >= entries.Count) { strides.Add(@base.Strides[d]); continue; }
            var e = entries[d];
            // The shape pass has checked single indices; a range clamps as a Python slice.
            var (start, _) = e.Resolve(@base.Shape[d]) ?? (0, 0);
            offset += start * @base.Strides[d];
            if (!e.IsIndex) strides.Add(@base.Strides[d]);
        }
        return new SlotLayout(shape, strides.ToArray(), offset);
    }

    /// <summary>A split part's layout: the base's strides, its offset moved along the axis past the earlier parts.</summary>
    private static SlotLayout SplitLayout(SplitPart sp, SlotLayout @base, int[] shape, IReadOnlyList<int> inputSlots, Func<int, int[]> shapeOf)
    {
        long before = Enumerable.Range(1, sp.Part).Sum(j => (long)shapeOf(inputSlots[j])[sp.Axis]);
        return new SlotLayout(shape, @base.Strides, @base.Offset + before * @base.Strides[sp.Axis]);
    }
}
