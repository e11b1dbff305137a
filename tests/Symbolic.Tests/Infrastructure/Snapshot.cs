using System.Text;

namespace Symbolic.Tests;

/// <summary>
/// Snapshot testing: text compared with a verified file <c>snapshots/&lt;name&gt;.verified.txt</c>
/// under the repository root (the folder holding Symbolic.sln). On a mismatch the actual text is
/// written next to it as <c>.received.txt</c> and the test fails with a line diff; with the
/// environment variable <c>SYMBOLIC_ACCEPT_SNAPSHOTS=1</c> the actual text becomes the verified
/// file instead. Line endings are compared as <c>\n</c>.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "SYMBOLIC_ACCEPT_SNAPSHOTS";

    public static void Match(string name, string actual)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(actual);
        if (name.Contains("..") || Path.IsPathRooted(name))
            throw new ArgumentException($"Snapshot name '{name}' must be a relative path inside snapshots/.", nameof(name));
        actual = Normalize(actual);
        var basePath = Path.Combine([RepositoryRoot(), "snapshots", .. name.Split('/')]);
        var verified = basePath + ".verified.txt";
        var received = basePath + ".received.txt";
        Directory.CreateDirectory(Path.GetDirectoryName(verified)!);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Write(verified, actual);
            File.Delete(received);
            return;
        }
        if (!File.Exists(verified))
        {
            Write(received, actual);
            Assert.Fail($"Snapshot '{name}' has no verified file {verified}. The text was written to {received}; " +
                        $"review it and rename it, or run the tests with {AcceptVariable}=1.\n\n{actual}");
        }
        var expected = Normalize(File.ReadAllText(verified, Encoding.UTF8));
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        Write(received, actual);
        Assert.Fail($"Snapshot '{name}' differs from {verified} (- verified, + received; received text in {received}; " +
                    $"accept with {AcceptVariable}=1):\n{Diff(expected, actual)}");
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n");

    private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));

    /// <summary>The folder holding Symbolic.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Symbolic.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Symbolic.sln above {AppContext.BaseDirectory}; snapshots live at the repository root.");
    }

    /// <summary>A line diff (longest common subsequence), changed lines with two lines of context.</summary>
    internal static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var lines = new List<(char Mark, string Text)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { lines.Add((' ', a[x])); x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) lines.Add(('-', a[x++]));
            else lines.Add(('+', b[y++]));
        }
        var sb = new StringBuilder();
        bool skipped = false;
        for (int k = 0; k < lines.Count; k++)
        {
            bool near = false;
            for (int d = -2; d <= 2 && !near; d++)
                near = k + d >= 0 && k + d < lines.Count && lines[k + d].Mark != ' ';
            if (!near)
            {
                if (!skipped) sb.Append("  ...\n");
                skipped = true;
                continue;
            }
            skipped = false;
            sb.Append(lines[k].Mark).Append(' ').Append(lines[k].Text).Append('\n');
        }
        return sb.ToString();
    }
}
