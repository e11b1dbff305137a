namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The geometry of a NumPy <c>dot</c>/<c>matmul</c> on strided views: each batch is an
/// (m x k) * (k x n) product with the given row and column strides, and the batches walk the
/// leading dimensions of the result, which broadcast against the operands' own (a missing or
/// size-1 leading dimension stays put). A vector operand is a 1 x k row (left) or a k x 1 column
/// (right); vector · vector is a 1 x 1 product. The result is contiguous, batch after batch. A
/// struct: every product of every call makes one.
/// </summary>
internal readonly struct MatMulShape
{
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public int Batches { get; }
    public int ARow { get; }
    public int ACol { get; }
    public int BRow { get; }
    public int BCol { get; }

    private readonly int[] outShape, ash, ast, bsh, bst;
    private readonly int batchRank;

    public MatMulShape(int[] ast, int[] ash, int[] bst, int[] bsh, int[] outShape)
    {
        (this.ast, this.ash, this.bst, this.bsh, this.outShape) = (ast, ash, bst, bsh, outShape);
        K = ash[^1];
        M = ash.Length == 1 ? 1 : ash[^2];
        N = bsh.Length == 1 ? 1 : bsh[^1];
        (ARow, ACol) = ash.Length == 1 ? (0, ast[0]) : (ast[^2], ast[^1]);
        (BRow, BCol) = bsh.Length == 1 ? (bst[0], 1) : (bst[^2], bst[^1]);
        batchRank = Math.Max(0, Math.Max(ash.Length, bsh.Length) - 2);
        int batches = 1;
        for (int d = 0; d < batchRank; d++) batches *= outShape[d];
        Batches = batches;
    }

    /// <summary>Elements of the result.</summary>
    public int Size => Batches * M * N;

    /// <summary>The offset of batch <paramref name="batch"/> within a (relative to its view's offset).</summary>
    public int AOffset(int batch) => BatchOffset(batch, ash, ast);

    /// <summary>The offset of batch <paramref name="batch"/> within b (relative to its view's offset).</summary>
    public int BOffset(int batch) => BatchOffset(batch, bsh, bst);

    private int BatchOffset(int batch, int[] shape, int[] strides)
    {
        if (shape.Length <= 2) return 0;
        int off = 0, own = shape.Length - 2;
        for (int d = batchRank - 1; d >= 0; d--)
        {
            int i = batch % outShape[d];
            batch /= outShape[d];
            int k = d - (batchRank - own);
            if (k >= 0 && shape[k] != 1) off += i * strides[k];
        }
        return off;
    }
}
