namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The index space of a fused elementwise kernel at run time: the output's shape with adjacent
/// dimensions merged wherever every operand walks them as one (a contiguous array, a scalar, a
/// bias row along whole rows), so that the innermost loop is as long as possible and, in the
/// common cases, every operand's inner stride is 1 or 0 (the vector path). The output is written
/// contiguously. Work is cut into spans of the flat output index; a span walks rows, carrying one
/// position per operand.
/// </summary>
public sealed class Grid
{
    private readonly int[] size;
    private readonly int[][] stride;
    private readonly int[] offset;

    /// <param name="shape">The output's shape.</param>
    /// <param name="offsets">Each operand's offset.</param>
    /// <param name="strides">Each operand's strides aligned on the output (0 where it broadcasts).</param>
    public Grid(int[] shape, int[] offsets, int[][] strides)
    {
        offset = offsets;
        int n = strides.Length;
        var sizes = new List<int>();
        var st = new List<int[]>();
        long count = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            count *= shape[d];
            if (shape[d] == 1) continue;
            var s = new int[n];
            for (int j = 0; j < n; j++) s[j] = strides[j][d];
            if (sizes.Count > 0 && Mergeable(sizes[^1], st[^1], shape[d], s))
            {
                sizes[^1] *= shape[d];
                st[^1] = s;
                continue;
            }
            sizes.Add(shape[d]);
            st.Add(s);
        }
        if (sizes.Count == 0)
        {
            sizes.Add(1);
            st.Add(new int[n]);
        }
        Count = count;
        size = sizes.ToArray();
        stride = st.ToArray();
        Rank = size.Length;
        Len = size[^1];
    }

    /// <summary>Dimension a (outer) followed by b (inner) are walked as one when each operand's outer stride is its inner stride times b's size.</summary>
    private static bool Mergeable(int aSize, int[] aStrides, int bSize, int[] bStrides)
    {
        for (int j = 0; j < aStrides.Length; j++)
            if ((long)aStrides[j] != (long)bStrides[j] * bSize) return false;
        return true;
    }

    /// <summary>Elements of the output.</summary>
    public long Count { get; }

    /// <summary>Dimensions after merging (at least 1).</summary>
    public int Rank { get; }

    /// <summary>Length of a row (the innermost merged dimension).</summary>
    public int Len { get; }

    /// <summary>Operand <paramref name="j"/>'s stride along a row.</summary>
    public int Inner(int j) => stride[^1][j];

    /// <summary>Sets <paramref name="idx"/> to the outer index of row <paramref name="row"/> and <paramref name="pos"/> to each operand's position at its start.</summary>
    public void Seek(long row, Span<int> idx, Span<int> pos)
    {
        for (int j = 0; j < pos.Length; j++) pos[j] = offset[j];
        for (int d = Rank - 2; d >= 0; d--)
        {
            int i = (int)(row % size[d]);
            row /= size[d];
            idx[d] = i;
            for (int j = 0; j < pos.Length; j++) pos[j] += i * stride[d][j];
        }
    }

    /// <summary>Moves to the next row.</summary>
    public void Next(Span<int> idx, Span<int> pos)
    {
        for (int d = Rank - 2; d >= 0; d--)
        {
            var s = stride[d];
            if (++idx[d] < size[d])
            {
                for (int j = 0; j < pos.Length; j++) pos[j] += s[j];
                return;
            }
            idx[d] = 0;
            for (int j = 0; j < pos.Length; j++) pos[j] -= (size[d] - 1) * s[j];
        }
    }

    /// <summary>Work (elements times the cost of one) below which a kernel runs on the calling thread.</summary>
    public const long ParallelWork = 1L << 17;

    /// <summary>True when a kernel of this per-element cost is worth spreading over the cores.</summary>
    public bool Parallel(int cost) => Worth(Count, cost);

    /// <summary>True when <paramref name="count"/> elements of this per-element cost are worth spreading over the cores.</summary>
    public static bool Worth(long count, int cost) => count * cost >= ParallelWork && Cores > 1;

    private static readonly int Cores = Environment.ProcessorCount;

    /// <summary>Runs <paramref name="span"/> over chunks of the flat index, on the thread pool, a few chunks per core.</summary>
    public void ForChunks(Action<long, long> span)
    {
        int chunks = Math.Max(1, (int)Math.Min(Environment.ProcessorCount * 4L, Count / 4096));
        long per = (Count + chunks - 1) / chunks;
        per = (per + 63) & ~63L;
        chunks = (int)((Count + per - 1) / per);
        System.Threading.Tasks.Parallel.For(0, chunks, c =>
        {
            long lo = c * per;
            span(lo, Math.Min(Count, lo + per));
        });
    }
}
