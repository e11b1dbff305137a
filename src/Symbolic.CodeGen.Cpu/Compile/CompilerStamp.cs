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
            .. RuntimeAssemblies.Select(Identity),
            .. new[] { "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp" }.Select(VersionOfDependency),
            RuntimeInformation.FrameworkDescription,
        ]));

    /// <summary>The whole stamp, one dependency a line.</summary>
    public static string Value => Stamp.Value;

    /// <summary>The disk cache key of a program's source.</summary>
    public static string KeyOf(string source) => DiskCache.KeyOf(new[] { Backend, Value, source });

    /// <summary>A Symbolic assembly's name, module version id and version.</summary>
    private static string Identity(Assembly a)
    {
        var name = a.GetName();
        return $"{name.Name} {GuidText(a.ManifestModule.ModuleVersionId)} {name.Version}";
    }

    /// <summary>The bytes of a Guid in the order it is printed (-1: a dash); the first three fields are little-endian in the bytes.</summary>
    private static readonly int[] GuidOrder = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];

    /// <summary>
    /// A Guid as <c>Guid.ToString()</c> spells it (32 lowercase hex digits in groups of 8-4-4-4-12),
    /// spelled here: the framework's formatting is JIT-compiled in a fresh process, even one whose
    /// code is precompiled, since it depends on the processor's vector instructions.
    /// </summary>
    internal static string GuidText(Guid g)
    {
        Span<byte> b = stackalloc byte[16];
        g.TryWriteBytes(b);
        // The first three fields are little-endian in the bytes, and printed most significant first.
        const string digits = "0123456789abcdef";
        var chars = new char[36];
        int at = 0;
        foreach (int i in GuidOrder)
        {
            if (i < 0)
            {
                chars[at++] = '-';
                continue;
            }
            chars[at++] = digits[b[i] >> 4];
            chars[at++] = digits[b[i] & 15];
        }
        return new string(chars);
    }

    /// <summary>
    /// A Roslyn assembly's identity without loading it (which would start Roslyn) or parsing its
    /// metadata (which costs tens of milliseconds in a fresh process): the version this library
    /// was built against, and the size of the file the runtime would load, which tells builds of
    /// one version apart.
    /// </summary>
    private static string VersionOfDependency(string name)
    {
        var reference = References.FirstOrDefault(r => r.Name == name);
        var file = name + ".dll";
        var path = TrustedPath(file) ?? Path.Combine(AppContext.BaseDirectory, file);
        var info = new FileInfo(path);
        return $"{name} {reference?.Version?.ToString() ?? "unreferenced"} {(info.Exists ? info.Length : -1)}";
    }

    /// <summary>This library's references, read once for both Roslyn assemblies.</summary>
    private static AssemblyName[] References => references ??= typeof(CompilerStamp).Assembly.GetReferencedAssemblies();

    private static AssemblyName[]? references;

    /// <summary>
    /// The path of <paramref name="file"/> among the trusted platform assemblies (the files the
    /// runtime loads assemblies from), found in the list's text rather than by splitting it.
    /// </summary>
    private static string? TrustedPath(string file)
    {
        var list = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        for (int at = 0; (at = list.IndexOf(file, at, StringComparison.OrdinalIgnoreCase)) >= 0; at += file.Length)
        {
            int end = at + file.Length;
            bool wholeName = (at == 0 || list[at - 1] is '/' or '\\' || list[at - 1] == Path.PathSeparator)
                && (end == list.Length || list[end] == Path.PathSeparator);
            if (!wholeName) continue;
            int start = list.LastIndexOf(Path.PathSeparator, at) + 1;
            return list[start..end];
        }
        return null;
    }
}
