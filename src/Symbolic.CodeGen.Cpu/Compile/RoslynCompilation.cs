using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// The only place that touches Roslyn: C# source in, a compiled assembly's bytes out. Nothing on the
/// path that loads a cached program names a Roslyn type, so a process whose programs all come from
/// the disk cache never loads Microsoft.CodeAnalysis; keep it that way (no Roslyn types in fields,
/// signatures or lambdas outside this class).
/// </summary>
internal static class RoslynCompilation
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"))
            .ToList();
        paths.AddRange(CompilerStamp.RuntimeAssemblies.Select(a => a.Location));
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    /// <summary>Compiles <paramref name="source"/> into a deterministic release-mode library named <paramref name="assemblyName"/>; raises with the diagnostics and the source where it does not compile.</summary>
    public static byte[] Compile(string source, string assemblyName)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            assemblyName,
            [tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Disable, deterministic: true, allowUnsafe: true));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        if (!result.Success)
        {
            var errors = string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
            throw new InvalidOperationException($"The generated program does not compile:\n{errors}\n--- source ---\n{source}");
        }
        return pe.ToArray();
    }
}
