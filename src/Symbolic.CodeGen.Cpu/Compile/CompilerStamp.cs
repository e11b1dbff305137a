using System.Reflection;
using System.Runtime.InteropServices;
using Symbolic.CodeGen.Cpu.Runtime;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// What a compiled program depends on besides its source: the Symbolic assemblies the generated code
/// binds to (by module version id, which changes whenever they are rebuilt with different content),
/// Roslyn's version and the runtime's. Part of every disk cache key, so an upgraded or rebuilt
/// library never loads a stale entry. Reading Roslyn's version here does not load Roslyn.
/// </summary>
internal static class CompilerStamp
{
    /// <summary>The backend's name in cache keys.</summary>
    public const string Backend = "csharp";

    /// <summary>Bumped when the way programs are compiled changes (options, references) without any of the versions changing.</summary>
    private const int Format = 2;

    /// <summary>The Symbolic assemblies generated code is compiled against and binds to at run time.</summary>
    public static IReadOnlyList<Assembly> RuntimeAssemblies { get; } =
        new[] { typeof(Rt).Assembly, typeof(SubProgram).Assembly, typeof(Symbolic.Runtime.ScalarMath).Assembly, typeof(ProgramEntry).Assembly }
            .Distinct().ToArray();

    private static readonly Lazy<string> Stamp = new(() => string.Join("\n",
        [
            $"format {Format}",
            .. RuntimeAssemblies.Select(a => $"{a.GetName().Name} {a.ManifestModule.ModuleVersionId} {a.GetName().Version}"),
            .. new[] { "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp" }.Select(VersionOfDependency),
            RuntimeInformation.FrameworkDescription,
        ]));

    /// <summary>The whole stamp, one dependency a line.</summary>
    public static string Value => Stamp.Value;

    /// <summary>The disk cache key of a program's source.</summary>
    public static string KeyOf(string source) => DiskCache.KeyOf(new[] { Backend, Value, source });

    /// <summary>
    /// A Roslyn assembly's identity without loading it (which would start Roslyn) or parsing its
    /// metadata (which costs tens of milliseconds in a fresh process): the version this library
    /// was built against, and the size of the file the runtime would load, which tells builds of
    /// one version apart.
    /// </summary>
    private static string VersionOfDependency(string name)
    {
        var reference = typeof(CompilerStamp).Assembly.GetReferencedAssemblies().FirstOrDefault(r => r.Name == name);
        var file = name + ".dll";
        var path = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(p => Path.GetFileName(p).Equals(file, StringComparison.OrdinalIgnoreCase))
            ?? Path.Combine(AppContext.BaseDirectory, file);
        var info = new FileInfo(path);
        return $"{name} {reference?.Version?.ToString() ?? "unreferenced"} {(info.Exists ? info.Length : -1)}";
    }
}
