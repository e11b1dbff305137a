using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The CBLAS entry points the runtime calls, as <c>[LibraryImport]</c> declarations against the
/// logical library <see cref="Library"/>, which <see cref="NativeResolver"/> maps to whatever
/// <see cref="OpenBlas"/> found (Debian's <c>libopenblas.so.0</c> is LP64: 32-bit integers).
/// Call them only through <see cref="OpenBlas"/>, which checks that a library was found.
/// </summary>
internal static unsafe partial class CblasNative
{
    public const string Library = "symbolic-cblas";

    public const int RowMajor = 101;
    public const int NoTrans = 111;
    public const int Trans = 112;

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    public static partial void Sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "cblas_dgemm")]
    public static partial void Dgemm(int order, int transA, int transB, int m, int n, int k,
        double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);
}
