using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cuda.Native;

/// <summary>
/// The cuBLAS (v2 API) entry points the runtime uses, imported from the logical library
/// <see cref="CudaLibraries.Cublas"/>. cuBLAS is column-major: a row-major product
/// <c>C = op(A) op(B)</c> is the column-major product <c>C^T = op(B)^T op(A)^T</c>, which
/// <see cref="Runtime.CublasHandleOwner"/> spells. Scalars (alpha, beta) are read from host memory
/// (the default pointer mode). Status 0 is success.
/// </summary>
internal static unsafe partial class Cublas
{
    static Cublas() => CudaLibraries.EnsureRegistered();

    public const int CUBLAS_OP_N = 0;
    public const int CUBLAS_OP_T = 1;

    [LibraryImport(CudaLibraries.Cublas, EntryPoint = "cublasCreate_v2")] public static partial int cublasCreate(nint* handle);
    [LibraryImport(CudaLibraries.Cublas, EntryPoint = "cublasDestroy_v2")] public static partial int cublasDestroy(nint handle);
    [LibraryImport(CudaLibraries.Cublas, EntryPoint = "cublasSetStream_v2")] public static partial int cublasSetStream(nint handle, nint stream);
    [LibraryImport(CudaLibraries.Cublas, EntryPoint = "cublasGetVersion_v2")] public static partial int cublasGetVersion(nint handle, int* version);

    [LibraryImport(CudaLibraries.Cublas, EntryPoint = "cublasSgemm_v2")]
    public static partial int cublasSgemm(nint handle, int transa, int transb, int m, int n, int k,
        float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);

    [LibraryImport(CudaLibraries.Cublas, EntryPoint = "cublasDgemm_v2")]
    public static partial int cublasDgemm(nint handle, int transa, int transb, int m, int n, int k,
        double* alpha, ulong a, int lda, ulong b, int ldb, double* beta, ulong c, int ldc);

    [LibraryImport(CudaLibraries.Cublas)]
    public static partial int cublasSgemmStridedBatched(nint handle, int transa, int transb, int m, int n, int k,
        float* alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB, float* beta, ulong c, int ldc, long strideC, int batchCount);

    [LibraryImport(CudaLibraries.Cublas)]
    public static partial int cublasDgemmStridedBatched(nint handle, int transa, int transb, int m, int n, int k,
        double* alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB, double* beta, ulong c, int ldc, long strideC, int batchCount);

    /// <summary>Raises <see cref="CudaException"/> naming <paramref name="call"/> unless <paramref name="status"/> is CUBLAS_STATUS_SUCCESS.</summary>
    public static void Check(int status, string call)
    {
        if (status != 0) throw new CudaException(call, status, StatusName(status), StatusText(status));
    }

    /// <summary>cublasStatus_t names (the library's own cublasGetStatusName is newer than some installs).</summary>
    public static string StatusName(int status) => status switch
    {
        0 => "CUBLAS_STATUS_SUCCESS",
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => $"cublasStatus_t {status}",
    };

    private static string StatusText(int status) => status switch
    {
        1 => "the cuBLAS library was not initialized (cublasCreate failed or was not called)",
        3 => "cuBLAS could not allocate GPU memory",
        7 => "an unsupported value or parameter was passed (a negative size, or a leading dimension too small)",
        8 => "the function needs a feature this GPU lacks",
        11 => "access to GPU memory space failed",
        13 => "the GPU program failed to run",
        14 => "an internal cuBLAS operation failed",
        15 => "the functionality requested is not supported",
        16 => "the functionality requested needs a license",
        _ => "unknown cuBLAS status",
    };
}
