namespace Symbolic.CodeGen.Cuda.Native;

/// <summary>
/// A CUDA driver or cuBLAS call that failed: which call, the error's code, its name
/// (CUDA_ERROR_OUT_OF_MEMORY, CUBLAS_STATUS_INVALID_VALUE, ...) and its description, plus any
/// log the call produced (the JIT's error log for a module that did not load).
/// </summary>
public sealed class CudaException : Exception
{
    public CudaException(string call, int code, string errorName, string? errorText, string? log = null)
        : base(Compose(call, code, errorName, errorText, log))
    {
        Call = call;
        Code = code;
        ErrorName = errorName;
        ErrorText = errorText;
        Log = log;
    }

    /// <summary>The API function that failed, as called (e.g. <c>cuMemAlloc_v2</c>).</summary>
    public string Call { get; }

    /// <summary>The CUresult or cublasStatus_t value.</summary>
    public int Code { get; }

    /// <summary>The error's symbolic name.</summary>
    public string ErrorName { get; }

    /// <summary>The library's description of the error, where it gave one.</summary>
    public string? ErrorText { get; }

    /// <summary>A log that came with the failure (the JIT's error log), or null.</summary>
    public string? Log { get; }

    internal static CudaException FromDriver(int result, string call, string? log = null) =>
        new(call, result, CudaDriver.ErrorName(result), CudaDriver.ErrorText(result), log);

    private static string Compose(string call, int code, string name, string? text, string? log)
    {
        var message = $"{call} failed with {name} ({code}){(string.IsNullOrWhiteSpace(text) ? "" : ": " + text)}.";
        return string.IsNullOrWhiteSpace(log) ? message : message + Environment.NewLine + log.TrimEnd();
    }
}
