using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Symbolic.CodeGen.Cpu.Runtime;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>The entry point of a generated program.</summary>
public delegate void ProgramEntry(Frame frame);

/// <summary>
/// Compiles generated C# in memory with Roslyn and loads each program in its own collectible
/// AssemblyLoadContext. Programs are cached by the SHA-256 of their source, so compiling the same
/// graph again costs no compilation.
/// </summary>
public static class RoslynCompiler
{
    private static readonly ConcurrentDictionary<string, Lazy<ProgramEntry>> Cache = new();

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "mscorlib.dll"))
            .ToList();
        paths.Add(typeof(Rt).Assembly.Location);
        paths.Add(typeof(Symbolic.Runtime.ScalarMath).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    /// <summary>How many programs Roslyn has compiled in this process (cache misses).</summary>
    public static int CompileCount => compileCount;

    private static int compileCount;

    public static string Hash(string source) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));

    /// <summary>True when a program with this source has been compiled (or is being compiled) in this process.</summary>
    public static bool IsCached(string source) => Cache.ContainsKey(Hash(source));

    public static ProgramEntry Load(string source) =>
        Cache.GetOrAdd(Hash(source), h => new Lazy<ProgramEntry>(() => CompileNow(source, h))).Value;

    private static ProgramEntry CompileNow(string source, string hash)
    {
        Interlocked.Increment(ref compileCount);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var compilation = CSharpCompilation.Create(
            "Symbolic.Generated." + hash[..16],
            [tree],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Disable));
        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        if (!result.Success)
        {
            var errors = string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
            throw new InvalidOperationException($"The generated program does not compile:\n{errors}\n--- source ---\n{source}");
        }
        pe.Position = 0;
        var context = new AssemblyLoadContext("Symbolic.Generated." + hash[..16], isCollectible: true);
        var assembly = context.LoadFromStream(pe);
        var type = assembly.GetType("Symbolic.Generated." + Render.CSharpRenderer.ClassName)!;
        var run = type.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
        return run.CreateDelegate<ProgramEntry>();
    }
}
