using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using System.Text;

namespace Symbolic.CodeGen.Cuda.Native;

/// <summary>NVRTC failed to compile a module: the message carries NVRTC's error and its log.</summary>
public sealed class NvrtcException : Exception
{
    public NvrtcException(string message, string log) : base(message) => Log = log;

    /// <summary>The compiler's log (empty where it wrote none).</summary>
    public string Log { get; }
}

/// <summary>
/// NVRTC, the CUDA run-time compiler: CUDA C++ source to PTX, on any machine where the library
/// loads, GPU or not. The library is found by <see cref="CudaLibraries"/>; <see cref="IsAvailable"/>
/// says whether it loads and <see cref="WhyUnavailable"/> what was looked for where it does not.
/// </summary>
public static partial class Nvrtc
{
    /// <summary>The architecture compiled for when no device is given: compute capability 8.0 (A100 and later read its PTX).</summary>
    public const string DefaultArchitecture = "compute_80";

    private const int Success = 0;

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcVersion")]
    private static partial int NativeVersion(out int major, out int minor);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcGetErrorString")]
    private static partial nint NativeErrorString(int result);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcCreateProgram", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeCreateProgram(out nint program, string source, string name, int headers, nint headerSources, nint headerNames);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcDestroyProgram")]
    internal static partial int NativeDestroyProgram(ref nint program);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcCompileProgram")]
    private static partial int NativeCompileProgram(ProgramHandle program, int count, nint[] options);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcGetPTXSize")]
    private static partial int NativeGetPtxSize(ProgramHandle program, out nuint size);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcGetPTX")]
    private static partial int NativeGetPtx(ProgramHandle program, byte[] ptx);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcGetProgramLogSize")]
    private static partial int NativeGetLogSize(ProgramHandle program, out nuint size);

    [LibraryImport(CudaLibraries.Nvrtc, EntryPoint = "nvrtcGetProgramLog")]
    private static partial int NativeGetLog(ProgramHandle program, byte[] log);

    /// <summary>Whether NVRTC loads on this machine.</summary>
    public static bool IsAvailable => CudaLibraries.IsAvailable(CudaLibraries.Nvrtc);

    /// <summary>Null where NVRTC loads; otherwise a sentence saying what was looked for.</summary>
    public static string? WhyUnavailable => IsAvailable ? null : $"NVRTC was not found: {CudaLibraries.NotFound(CudaLibraries.Nvrtc)}.";

    /// <summary>NVRTC's version, as "major.minor" (part of every PTX cache key).</summary>
    public static string Version
    {
        get
        {
            Ensure();
            Check(NativeVersion(out int major, out int minor), "nvrtcVersion");
            return $"{major}.{minor}";
        }
    }

    /// <summary>The <c>--gpu-architecture</c> value for a compute capability: <c>compute_86</c> for (8, 6).</summary>
    public static string Architecture(int major, int minor) =>
        major is >= 1 and < 100 && minor is >= 0 and < 10 ? $"compute_{major}{minor}" : throw new ArgumentOutOfRangeException(nameof(major), $"No compute capability {major}.{minor}.");

    /// <summary>The options every module is compiled with, for an architecture (<see cref="DefaultArchitecture"/> when null).</summary>
    public static IReadOnlyList<string> Options(string? architecture = null) =>
        [$"--gpu-architecture={architecture ?? DefaultArchitecture}", "--std=c++14", "--fmad=true"];

    /// <summary>
    /// Compiles a module to PTX. Raises <see cref="NvrtcException"/> with NVRTC's log where the
    /// source does not compile, and <see cref="DllNotFoundException"/> saying what was looked for
    /// where NVRTC does not load.
    /// </summary>
    /// <param name="source">The module's CUDA C++ text.</param>
    /// <param name="name">The module's name in NVRTC's messages (a file name).</param>
    /// <param name="options">NVRTC options; <see cref="Options"/> when null.</param>
    public static string CompileToPtx(string source, string name = "symbolic.cu", IReadOnlyList<string>? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        Ensure();
        options ??= Options();
        Check(NativeCreateProgram(out var raw, source, name, 0, 0, 0), "nvrtcCreateProgram");
        using var program = new ProgramHandle(raw);
        var optionPointers = options.Select(o => Marshal.StringToCoTaskMemUTF8(o)).ToArray();
        int result;
        try
        {
            result = NativeCompileProgram(program, optionPointers.Length, optionPointers);
        }
        finally
        {
            foreach (var p in optionPointers) Marshal.FreeCoTaskMem(p);
        }
        if (result != Success)
        {
            var log = Log(program);
            throw new NvrtcException(
                $"NVRTC could not compile {name} ({ErrorString(result)}, options {string.Join(" ", options)}):\n{log}", log);
        }
        Check(NativeGetPtxSize(program, out var size), "nvrtcGetPTXSize");
        var ptx = new byte[(int)size];
        Check(NativeGetPtx(program, ptx), "nvrtcGetPTX");
        int end = Array.IndexOf(ptx, (byte)0);
        return Encoding.UTF8.GetString(ptx, 0, end >= 0 ? end : ptx.Length);
    }

    private static string Log(ProgramHandle program)
    {
        if (NativeGetLogSize(program, out var size) != Success || size <= 1) return "";
        var log = new byte[(int)size];
        if (NativeGetLog(program, log) != Success) return "";
        return Encoding.UTF8.GetString(log, 0, (int)size - 1).TrimEnd();
    }

    private static void Ensure()
    {
        CudaLibraries.EnsureRegistered();
        if (!IsAvailable) throw new DllNotFoundException(WhyUnavailable);
    }

    private static string ErrorString(int result)
    {
        var p = NativeErrorString(result);
        return p == 0 ? $"NVRTC error {result}" : Marshal.PtrToStringUTF8(p) ?? $"NVRTC error {result}";
    }

    private static void Check(int result, string call)
    {
        if (result != Success) throw new NvrtcException($"{call} failed: {ErrorString(result)}.", "");
    }

    /// <summary>An NVRTC program, destroyed when released.</summary>
    internal sealed class ProgramHandle : SafeHandle
    {
        public ProgramHandle() : base(0, ownsHandle: true) { }

        public ProgramHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            nint h = handle;
            return NativeDestroyProgram(ref h) == Success;
        }
    }
}
