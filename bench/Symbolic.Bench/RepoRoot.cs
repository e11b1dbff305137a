namespace Symbolic.Bench;

/// <summary>The repository root: the first folder upwards holding Symbolic.sln.</summary>
public static class RepoRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Symbolic.sln"))) return d.FullName;
        }
        return null;
    }
}
