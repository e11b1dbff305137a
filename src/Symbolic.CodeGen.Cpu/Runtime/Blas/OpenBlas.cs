using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Finds a CBLAS library once per process and calls its <c>?gemm</c>. Probes
/// <c>libopenblas.so.0</c> (Debian's <c>libopenblas0-pthread</c>), <c>libopenblas.so</c>, then the
/// system <c>libblas.so.3</c>; a library counts only if it exports <c>cblas_sgemm</c> and
/// <c>cblas_dgemm</c> (the reference <c>libblas.so.3</c> of some systems has no CBLAS layer) and is
/// a tuned BLAS (<see cref="Usable"/>): Debian's reference <c>libblas3</c>, which
/// <c>libblas.so.3</c> points to where no OpenBLAS, BLIS or MKL is installed, has the CBLAS layer
/// but multiplies float32 at 2 GFLOP/s, several times slower than <see cref="ManagedGemm"/>, so it
/// is passed over and the managed path runs.
/// <para>
/// Threads: the generated kernels run one step after another and split their own work over the
/// cores, so a product never runs beside a kernel of the same call; OpenBLAS may therefore use
/// every core the process may use. Its own default counts the machine's cores, which oversubscribes
/// a container or an affinity mask, so it is set to <see cref="Environment.ProcessorCount"/>
/// (which honours both) unless the user chose a count with <c>OPENBLAS_NUM_THREADS</c>,
/// <c>GOTO_NUM_THREADS</c> or <c>OMP_NUM_THREADS</c>, which is then left alone. Products smaller
/// than <see cref="SmallProduct"/> multiply-adds run on one thread: waking OpenBLAS's threads costs
/// more than such a product (a 32x500 by 500x50 product took 3 times as long on two threads).
/// </para>
/// </summary>
internal static unsafe class OpenBlas
{
    private static readonly string[] Candidates = OperatingSystem.IsWindows() ? ["libopenblas.dll", "openblas.dll"]
        : OperatingSystem.IsMacOS() ? ["libopenblas.0.dylib", "libopenblas.dylib"]
        : ["libopenblas.so.0", "libopenblas.so", "libblas.so.3"];

    private static readonly string[] ThreadVariables = ["OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"];

    /// <summary>The file name that was loaded, or null when no CBLAS library was found.</summary>
    public static readonly string? LibraryName;

    /// <summary>True when the library is OpenBLAS (it exports <c>openblas_get_num_threads</c>).</summary>
    public static readonly bool IsOpenBlas;

    private static readonly delegate* unmanaged<int, void> SetThreads;
    private static readonly delegate* unmanaged<int> GetThreads;

    static OpenBlas()
    {
        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, typeof(OpenBlas).Assembly, null, out var handle)) continue;
            if (!Usable(symbol => NativeLibrary.TryGetExport(handle, symbol, out _)))
            {
                NativeLibrary.Free(handle);
                continue;
            }
            NativeResolver.Register(CblasNative.Library, handle);
            LibraryName = name;
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var set)) SetThreads = (delegate* unmanaged<int, void>)set;
            if (NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out var get)) GetThreads = (delegate* unmanaged<int>)get;
            IsOpenBlas = GetThreads != null;
            if (SetThreads != null && !ThreadVariables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))))
            {
                SetThreads(Environment.ProcessorCount);
                managedThreads = currentThreads = Environment.ProcessorCount;
            }
            return;
        }
    }

    public static bool Found => LibraryName is not null;

    /// <summary>Exports that only a tuned BLAS has: OpenBLAS, BLIS, Intel MKL, ATLAS.</summary>
    internal static readonly string[] TunedMarkers = ["openblas_get_num_threads", "bli_info_get_version_str", "MKL_Get_Version", "ATL_buildinfo"];

    /// <summary>
    /// Whether a library with these exports runs products here: it has CBLAS's float and double
    /// gemm, and it is a tuned BLAS (one of <see cref="TunedMarkers"/>), not the reference one.
    /// </summary>
    internal static bool Usable(Func<string, bool> exports)
    {
        if (!exports("cblas_sgemm") || !exports("cblas_dgemm")) return false;
        foreach (var marker in TunedMarkers)
            if (exports(marker)) return true;
        return false;
    }

    /// <summary>Products of fewer multiply-adds run on one OpenBLAS thread.</summary>
    public const long SmallProduct = 1L << 22;

    /// <summary>The threads this class may give OpenBLAS (0: the user chose, leave it alone).</summary>
    private static readonly int managedThreads;

    private static int currentThreads;

    /// <summary>One thread for a small product, all for a large one; set only when it changes (a race between two calls costs speed, never a result).</summary>
    private static void ThreadsFor(int m, int n, int k)
    {
        if (managedThreads <= 1) return;
        int want = (long)m * n * k < SmallProduct ? 1 : managedThreads;
        if (want == currentThreads) return;
        SetThreads(want);
        currentThreads = want;
    }

    /// <summary>The threads OpenBLAS uses, or null where the library does not say.</summary>
    public static int? Threads => GetThreads != null ? GetThreads() : null;

    /// <summary>
    /// Row-major <c>C = alpha * op(A) * op(B) + beta * C</c> for float or double: one
    /// <c>cblas_?gemm</c>. m, n and k must be positive and the leading dimensions valid for BLAS.
    /// </summary>
    public static void Gemm<T>(bool transA, bool transB, int m, int n, int k, T alpha,
        T[] a, int ao, int lda, T[] b, int bo, int ldb, T beta, T[] c, int co, int ldc)
    {
        int ta = transA ? CblasNative.Trans : CblasNative.NoTrans, tb = transB ? CblasNative.Trans : CblasNative.NoTrans;
        ThreadsFor(m, n, k);
        if (typeof(T) == typeof(float))
        {
            fixed (float* pa = &As<T, float>(a, ao), pb = &As<T, float>(b, bo), pc = &As<T, float>(c, co))
                CblasNative.Sgemm(CblasNative.RowMajor, ta, tb, m, n, k, Unsafe.As<T, float>(ref alpha), pa, lda, pb, ldb, Unsafe.As<T, float>(ref beta), pc, ldc);
        }
        else if (typeof(T) == typeof(double))
        {
            fixed (double* pa = &As<T, double>(a, ao), pb = &As<T, double>(b, bo), pc = &As<T, double>(c, co))
                CblasNative.Dgemm(CblasNative.RowMajor, ta, tb, m, n, k, Unsafe.As<T, double>(ref alpha), pa, lda, pb, ldb, Unsafe.As<T, double>(ref beta), pc, ldc);
        }
        else throw new NotSupportedException($"BLAS has no gemm for {typeof(T).Name}.");
    }

    /// <summary>A reference to element <paramref name="index"/> of the array, checked against its bounds.</summary>
    private static ref TTo As<TFrom, TTo>(TFrom[] array, int index) =>
        ref Unsafe.As<TFrom, TTo>(ref array[index]);
}
