namespace Symbolic;

/// <summary>One generated kernel: its name, its language (<c>csharp</c> or <c>cuda</c>) and its source.</summary>
public sealed record Kernel(string Name, string Language, string Source);

/// <summary>What <see cref="Function.Emit"/> renders: the kernels, the whole program, and for CUDA the PTX (null otherwise).</summary>
public sealed record EmitResult(IReadOnlyList<Kernel> Kernels, string Source, string? Ptx);
