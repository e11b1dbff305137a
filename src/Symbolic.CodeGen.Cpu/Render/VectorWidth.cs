using System.Runtime.Intrinsics;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// The width, in bits, of the vectors the C# backend's kernels compute in: 512 where the machine
/// runs <see cref="Vector512"/> in hardware (AVX-512), else 256. The kernels' text is the same for
/// both: it says <c>Vec</c>, <c>VecF</c>, <c>VecD</c> and <c>VM</c>, and the program's first lines
/// alias them to <c>Vector256</c> and <c>VMath</c> or to <c>Vector512</c> and <c>VMath512</c>
/// (the same math, generated from VMath at build). The environment variable
/// <c>SYMBOLIC_VECTOR_BITS</c> (256 or 512) sets the default, and <c>CompileOptions.VectorBits</c>
/// one function's.
/// </summary>
public static class VectorWidth
{
    /// <summary>The environment variable that sets <see cref="Default"/>.</summary>
    public const string Variable = "SYMBOLIC_VECTOR_BITS";

    /// <summary>The width programs get unless asked for another: <c>SYMBOLIC_VECTOR_BITS</c> where set, else the widest the machine runs in hardware.</summary>
    public static int Default { get; } = FromEnvironment(Environment.GetEnvironmentVariable(Variable));

    /// <summary><paramref name="bits"/> where given (checked), else <see cref="Default"/>.</summary>
    public static int Resolve(int? bits)
    {
        if (bits is not { } b) return Default;
        if (b is not (256 or 512))
            throw new ArgumentOutOfRangeException(nameof(bits), b, "The C# backend's vector width is 256 or 512 bits.");
        return b;
    }

    /// <summary>The width the variable's text names, else the machine's widest (an unreadable value is ignored, with one line to <paramref name="warnings"/>, stderr by default).</summary>
    internal static int FromEnvironment(string? text, TextWriter? warnings = null)
    {
        var machine = Vector512.IsHardwareAccelerated ? 512 : 256;
        if (string.IsNullOrWhiteSpace(text)) return machine;
        if (int.TryParse(text.Trim(), out int b) && b is 256 or 512) return b;
        (warnings ?? Console.Error).WriteLine($"symbolic: {Variable}={text} is not 256 or 512; using {machine}.");
        return machine;
    }

    /// <summary>The lines that say what <c>Vec</c>, <c>VecF</c>, <c>VecD</c> and <c>VM</c> are in a program of this width.</summary>
    internal static IEnumerable<string> Aliases(int bits)
    {
        var v = $"System.Runtime.Intrinsics.Vector{bits}";
        yield return $"using Vec = {v};";
        yield return $"using VecF = {v}<float>;";
        yield return $"using VecD = {v}<double>;";
        yield return $"using VM = Symbolic.CodeGen.Cpu.Runtime.{(bits == 512 ? "VMath512" : "VMath")};";
    }

    /// <summary>The vector type of one element type, as kernels spell it.</summary>
    internal static string Of(DType t) => t switch
    {
        DType.Float32 => "VecF",
        DType.Float64 => "VecD",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "Only float32 and float64 kernels are vectorized."),
    };
}
