using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace Symbolic.Bench;

/// <summary>
/// This runner published ReadyToRun (<c>dotnet publish -p:PublishReadyToRun=true</c>, framework-dependent),
/// the way an application that cares about its start-up ships: the library's own code is
/// precompiled, so a fresh process JIT-compiles only what no precompiled image holds (generic
/// code over value types from the framework's assemblies, and the generated program). Published
/// into <c>bench/Symbolic.Bench/bin/r2r-child</c> (ignored by git) when missing or stale: stale when
/// the Symbolic assemblies this process runs are not the ones it was published from.
/// </summary>
public static class ReadyToRunChild
{
    private const string Folder = "r2r-child";
    private const string StampFile = "published-from.txt";

    /// <summary>The published runner's entry (its apphost, else its dll to run with <c>dotnet</c>), publishing it first where needed; null with the reason where it cannot be had.</summary>
    public static (string File, string[] Prefix)? Ensure(out string why)
    {
        why = "";
        var root = RepoRoot.Find();
        if (root is null)
        {
            why = "no repository root (Symbolic.sln) above the working directory, nothing to publish";
            return null;
        }
        var project = Path.Combine(root, "bench", "Symbolic.Bench", "Symbolic.Bench.csproj");
        var output = Path.Combine(root, "bench", "Symbolic.Bench", "bin", Folder);
        var stampPath = Path.Combine(output, StampFile);
        var stamp = Stamp();
        var dll = Path.Combine(output, "Symbolic.Bench.dll");
        bool fresh = File.Exists(dll) && File.Exists(stampPath) && File.ReadAllText(stampPath) == stamp;
        if (!fresh)
        {
            Console.Error.WriteLine($"  publishing the ReadyToRun child into {output} ...");
            try { File.Delete(stampPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            var r = ChildProcess.Run(DotnetHost(),
                ["publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
                    "-p:PublishReadyToRun=true", "-o", output, "-nologo", "-v", "quiet"],
                timeoutSeconds: 600, workingDirectory: root);
            if (!r.Ok)
            {
                why = "dotnet publish failed: " + (r.Failure ?? r.StdOut.Trim().Split('\n').LastOrDefault()?.Trim() ?? r.Why);
                return null;
            }
            File.WriteAllText(stampPath, stamp);
        }
        var apphost = Path.Combine(output, OperatingSystem.IsWindows() ? "Symbolic.Bench.exe" : "Symbolic.Bench");
        return File.Exists(apphost) ? (apphost, []) : (DotnetHost(), [dll]);
    }

    /// <summary>
    /// Each Symbolic assembly beside this runner, by module version id (which ReadyToRun keeps): what
    /// the published child must have been built from.
    /// </summary>
    private static string Stamp()
    {
        var lines = new List<string>();
        foreach (var path in Directory.GetFiles(AppContext.BaseDirectory, "Symbolic*.dll"))
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata) continue;
            var md = pe.GetMetadataReader();
            lines.Add($"{Path.GetFileName(path)} {md.GetGuid(md.GetModuleDefinition().Mvid)}");
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines) + "\n";
    }

    private static string DotnetHost()
    {
        var host = Environment.ProcessPath;
        return host is not null && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? host : "dotnet";
    }
}
