using System.Runtime.CompilerServices;

namespace Symbolic.Tests.Infrastructure;

/// <summary>
/// The test run compiles thousands of programs; their disk cache goes to a folder of its own under
/// the temporary directory, removed at exit, rather than into the user's cache. A run that sets
/// SYMBOLIC_CACHE_DIR (or turns the disk cache off) keeps its choice.
/// </summary>
internal static class TestCacheDirectory
{
    [ModuleInitializer]
    internal static void Use()
    {
        if (Environment.GetEnvironmentVariable("SYMBOLIC_CACHE_DIR") is not null) return;
        var dir = Path.Combine(Path.GetTempPath(), $"symbolic-tests-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable("SYMBOLIC_CACHE_DIR", dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
    }
}
