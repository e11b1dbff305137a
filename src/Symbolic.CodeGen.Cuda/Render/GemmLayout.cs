namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// The column-major cuBLAS call that computes a row-major product <c>Y = A·B</c> (per batch), with
/// transposes folded into the call. cuBLAS reads matrices column-major, and a row-major matrix is
/// its transpose read column-major, so <c>Y = A·B</c> is computed as <c>Yᵀ = Bᵀ·Aᵀ</c>: cuBLAS's
/// first matrix is B and its second is A. Call, per batch <c>i</c> (or once with the
/// strided-batched form where <see cref="Uniform"/>):
/// <code>
/// cublas{S,D}gemm(handle, TransFirst, TransSecond, M, N, K, alpha,
///                 ptr(B) + FirstOffsets[i], LdFirst, ptr(A) + SecondOffsets[i], LdSecond,
///                 beta, ptr(Y) + ResultOffsets[i], LdResult)
/// </code>
/// where <c>ptr(slot)</c> is the slot's <see cref="SlotPointer"/> and offsets are in elements.
/// </summary>
/// <param name="TransFirst">cuBLAS's <c>transa</c>: CUBLAS_OP_T when set, CUBLAS_OP_N otherwise.</param>
/// <param name="TransSecond">cuBLAS's <c>transb</c>.</param>
/// <param name="M">cuBLAS's m: the columns of the row-major result.</param>
/// <param name="N">cuBLAS's n: the rows of the row-major result.</param>
/// <param name="K">The inner dimension.</param>
public sealed record GemmLayout(
    bool TransFirst, bool TransSecond, int M, int N, int K,
    long LdFirst, long LdSecond, long LdResult,
    long[] FirstOffsets, long[] SecondOffsets, long[] ResultOffsets)
{
    /// <summary>The number of products (1 without batch dimensions).</summary>
    public int BatchCount => ResultOffsets.Length;

    /// <summary>True when each operand's offsets are <c>i * stride</c> for one stride each (<see cref="Strides"/>), so one strided-batched call does.</summary>
    public bool Uniform => IsUniform(FirstOffsets) && IsUniform(SecondOffsets) && IsUniform(ResultOffsets);

    /// <summary>The batch strides of the first operand (B), the second (A) and the result, where <see cref="Uniform"/>.</summary>
    public (long First, long Second, long Result) Strides => (StrideOf(FirstOffsets), StrideOf(SecondOffsets), StrideOf(ResultOffsets));

    private static long StrideOf(long[] offsets) => offsets.Length > 1 ? offsets[1] - offsets[0] : 0;

    private static bool IsUniform(long[] offsets)
    {
        long s = StrideOf(offsets);
        for (int i = 0; i < offsets.Length; i++)
            if (offsets[i] != i * s) return false;
        return true;
    }

    /// <summary>
    /// The call for operands A and B and contiguous result Y (NumPy <c>dot</c>/<c>matmul</c> shapes:
    /// a rank-1 A is a row, a rank-1 B a column, dimensions before the last two are batch
    /// dimensions that broadcast). Null when an operand's matrix has neither of its two strides 1
    /// (or a broadcast row), which cuBLAS cannot read: copy it contiguous and ask again.
    /// </summary>
    public static GemmLayout? Of(SlotLayout a, SlotLayout b, SlotLayout y)
    {
        var (am, ak, ars, acs) = Matrix(a, isLeft: true);
        var (bk, bn, brs, bcs) = Matrix(b, isLeft: false);
        if (ak != bk) throw new ArgumentException($"The inner dimensions {ak} and {bk} differ.");
        // Row-major X (r x c) read as column-major Xᵀ (c x r).
        var first = Fold(bk, bn, brs, bcs);
        var second = Fold(am, ak, ars, acs);
        if (first is null || second is null) return null;
        int batchRank = a.Shape.Length >= 2 && b.Shape.Length >= 2 ? y.Shape.Length - 2 : 0;
        var batchShape = y.Shape[..batchRank];
        int count = batchShape.Aggregate(1, (p, d) => p * d);
        var yStrides = SlotLayout.Contiguous(y.Shape).Strides;
        return new GemmLayout(first.Value.Trans, second.Value.Trans, bn, am, ak,
            first.Value.Ld, second.Value.Ld, Math.Max(bn, 1),
            BatchOffsets(b, batchShape, count), BatchOffsets(a, batchShape, count),
            BatchOffsets(new SlotLayout(y.Shape, yStrides, 0), batchShape, count));
    }

    /// <summary>The operand's last two dimensions as rows, columns and their strides.</summary>
    private static (int Rows, int Cols, long RowStride, long ColStride) Matrix(SlotLayout x, bool isLeft)
    {
        var (s, t) = (x.Shape, x.Strides);
        if (s.Length == 1) return isLeft ? (1, s[0], 0, t[0]) : (s[0], 1, t[0], 0);
        return (s[^2], s[^1], t[^2], t[^1]);
    }

    /// <summary>How cuBLAS reads a row-major r x c matrix as its column-major transpose: no transpose with ld = row stride when columns are adjacent, a transpose with ld = column stride when rows are.</summary>
    private static (bool Trans, long Ld)? Fold(int r, int c, long rs, long cs)
    {
        if (c == 1 || cs == 1)
        {
            long ld = r == 1 ? Math.Max(c, 1) : rs;
            if (ld >= Math.Max(c, 1)) return (false, ld);
        }
        if (r == 1 || rs == 1)
        {
            long ld = c == 1 ? Math.Max(r, 1) : cs;
            if (ld >= Math.Max(r, 1)) return (true, ld);
        }
        return null;
    }

    /// <summary>Each batch's element offset in an operand whose batch dimensions align on the right with the result's (stride 0 where it broadcasts).</summary>
    private static long[] BatchOffsets(SlotLayout x, int[] batchShape, int count)
    {
        int nb = batchShape.Length, own = Math.Max(x.Shape.Length - 2, 0);
        var strides = new long[nb];
        for (int d = 0; d < nb; d++)
        {
            int k = d - (nb - own);
            strides[d] = k < 0 || x.Shape[k] == 1 ? 0 : x.Strides[k];
        }
        var offsets = new long[count];
        var index = new int[nb];
        for (int i = 0; i < count; i++)
        {
            long o = 0;
            for (int d = 0; d < nb; d++) o += index[d] * strides[d];
            offsets[i] = o;
            for (int d = nb - 1; d >= 0; d--)
            {
                if (++index[d] < batchShape[d]) break;
                index[d] = 0;
            }
        }
        return offsets;
    }
}
