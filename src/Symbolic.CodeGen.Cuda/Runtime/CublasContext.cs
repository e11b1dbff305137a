using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// A cuBLAS handle bound to one stream (a handle is used by one thread at a time: each frame of a
/// program has its own). Calls take cuBLAS's own column-major arguments; the executor turns a
/// row-major product into them (Yᵀ = Bᵀ·Aᵀ).
/// </summary>
public sealed class CublasContext : IDisposable
{
    private readonly CublasHandle handle;

    public CublasContext(CudaStream stream)
    {
        Stream = stream;
        handle = CublasHandle.Create(stream.Device.Context);
        Cublas.Check(Cublas.cublasSetStream(Handle, stream.Handle), "cublasSetStream_v2");
    }

    public CudaStream Stream { get; }

    private nint Handle => handle.DangerousGetHandle();

    /// <summary>Whether cuBLAS loads on this machine (it ships with the CUDA toolkit, not with the driver).</summary>
    public static bool IsAvailable => CudaLibraries.IsAvailable(CudaLibraries.Cublas);

    /// <summary>cuBLAS's version number (e.g. 120201).</summary>
    public unsafe int Version
    {
        get
        {
            int v;
            Cublas.Check(Cublas.cublasGetVersion(Handle, &v), "cublasGetVersion_v2");
            return v;
        }
    }

    /// <summary>
    /// Column-major <c>C = alpha op(A) op(B) + beta C</c>, batched with element strides where
    /// <paramref name="batch"/> &gt; 1 (cublas{S,D}gemm or cublas{S,D}gemmStridedBatched).
    /// </summary>
    public unsafe void Gemm(DType dtype, bool transA, bool transB, int m, int n, int k, double alpha,
        ulong a, long lda, long strideA, ulong b, long ldb, long strideB, double beta, ulong c, long ldc, long strideC, int batch = 1)
    {
        int ta = transA ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N, tb = transB ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N;
        int la = checked((int)lda), lb = checked((int)ldb), lc = checked((int)ldc);
        if (dtype == DType.Float32)
        {
            float fa = (float)alpha, fb = (float)beta;
            if (batch == 1) Cublas.Check(Cublas.cublasSgemm(Handle, ta, tb, m, n, k, &fa, a, la, b, lb, &fb, c, lc), "cublasSgemm_v2");
            else Cublas.Check(Cublas.cublasSgemmStridedBatched(Handle, ta, tb, m, n, k, &fa, a, la, strideA, b, lb, strideB, &fb, c, lc, strideC, batch), "cublasSgemmStridedBatched");
        }
        else if (dtype == DType.Float64)
        {
            if (batch == 1) Cublas.Check(Cublas.cublasDgemm(Handle, ta, tb, m, n, k, &alpha, a, la, b, lb, &beta, c, lc), "cublasDgemm_v2");
            else Cublas.Check(Cublas.cublasDgemmStridedBatched(Handle, ta, tb, m, n, k, &alpha, a, la, strideA, b, lb, strideB, &beta, c, lc, strideC, batch), "cublasDgemmStridedBatched");
        }
        else throw new ArgumentException($"cuBLAS multiplies float32 and float64 matrices, not {dtype}.", nameof(dtype));
    }

    /// <summary>
    /// Row-major <c>Y[m,n] = alpha A[m,k]·B[k,n] + beta Y</c> for contiguous row-major operands,
    /// spelled as the column-major <c>Yᵀ = Bᵀ·Aᵀ</c> (for benchmarks and tests: the executor takes
    /// its layouts from the launch plan).
    /// </summary>
    public void RowMajorGemm(DType dtype, int m, int n, int k, double alpha, ulong a, ulong b, double beta, ulong y) =>
        Gemm(dtype, false, false, n, m, k, alpha, b, Math.Max(n, 1), 0, a, Math.Max(k, 1), 0, beta, y, Math.Max(n, 1), 0);

    public void Dispose() => handle.Dispose();
}
