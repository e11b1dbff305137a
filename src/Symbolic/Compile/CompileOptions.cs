namespace Symbolic;

/// <summary>How <see cref="Function.Compile"/> builds a function.</summary>
public sealed record CompileOptions
{
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Run the rewrite phases (canonicalize, stabilize, specialize). Off: the graph is compiled as built.</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>Rules left out, by name (see <c>f.RewriteTrace</c> for the names that fire).</summary>
    public IReadOnlyCollection<string> ExcludeRules { get; init; } = [];

    /// <summary>Phases left out, by name: merge, canonicalize, stabilize, specialize.</summary>
    public IReadOnlyCollection<string> ExcludePhases { get; init; } = [];

    /// <summary>
    /// Leave out the rules that can change IEEE results (x - x to 0, x / x to 1, x * 0 to 0, 0 / x to 0 for floats,
    /// where x may be 0, infinite or NaN). True by default: the compiled function gives the value the formula as
    /// written gives (stabilized where it would over- or underflow). Set it to false for Theano's folds.
    /// </summary>
    public bool ExcludeUnsafeRules { get; init; } = true;

    /// <summary>
    /// Fuse elementwise nodes into shared kernels (the default). Off: one kernel per node, each
    /// writing its own buffer, as a baseline for measurements and for bisecting a suspected fusion bug.
    /// </summary>
    public bool Fusion { get; init; } = true;

    /// <summary>Time every kernel: <c>f.Profile</c> then reports calls and times per kernel. Costs a timestamp per kernel call.</summary>
    public bool Profile { get; init; }

    /// <summary>
    /// Check every kernel's float results for NaN and infinities and raise
    /// <see cref="NanGuardException"/> at the first kernel that makes one, naming it, the node and
    /// what it read; that call changes no shared variable. Costs a pass over each result.
    /// </summary>
    public bool NanGuard { get; init; }

    /// <summary>
    /// Record every rewrite in <c>Function.RewriteTrace</c> (the default). Off, the trace keeps only its
    /// notes: for very large graphs, whose every firing would otherwise be kept with the graphs it replaced.
    /// </summary>
    public bool RecordTrace { get; init; } = true;

    /// <summary>
    /// The width, in bits, of the vectors the C# kernels compute in: 256 or 512. Null (the default)
    /// takes the environment variable <c>SYMBOLIC_VECTOR_BITS</c> where it is set, else the widest
    /// the machine runs in hardware (512 with AVX-512). The result is the same either way; pinning
    /// it makes the generated source, and so the compile cache's entries, the same on every machine.
    /// The CUDA backend ignores it.
    /// </summary>
    public int? VectorBits
    {
        get => vectorBits;
        init => vectorBits = value is null or 256 or 512
            ? value
            : throw new ArgumentOutOfRangeException(nameof(VectorBits), value, "CompileOptions.VectorBits is 256 or 512 (or null for the machine's widest).");
    }

    private readonly int? vectorBits;

    public static CompileOptions Default { get; } = new();
}
