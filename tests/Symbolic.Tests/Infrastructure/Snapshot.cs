using System.Text;

namespace Symbolic.Tests.Infrastructure;

/// <summary>
/// Snapshot testing without a library: text is compared with <c>snapshots/NAME.verified.txt</c> at
/// the repository root. A mismatch (or a missing file) writes <c>NAME.received.txt</c> beside it and
/// fails with a line diff; with <c>SYMBOLIC_ACCEPT_SNAPSHOTS=1</c> the received text becomes the
/// verified file instead.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "SYMBOLIC_ACCEPT_SNAPSHOTS";

    private static readonly Lazy<string> DefaultRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Symbolic.sln"))) dir = dir.Parent;
        return dir is null
            ? throw new InvalidOperationException("Cannot find the repository root (a folder with Symbolic.sln) above the test binaries.")
            : Path.Combine(dir.FullName, "snapshots");
    });

    public static void Match(string name, string actual) => Match(DefaultRoot.Value, name, actual, Environment.GetEnvironmentVariable(AcceptVariable) == "1");

    internal static void Match(string root, string name, string actual, bool accept)
    {
        var text = Normalize(actual);
        var verified = Path.Combine(root, name + ".verified.txt");
        var received = Path.Combine(root, name + ".received.txt");
        var expected = File.Exists(verified) ? Normalize(File.ReadAllText(verified)) : null;
        if (expected == text)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(verified)!);
        if (accept)
        {
            File.WriteAllText(verified, text);
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, text);
        var why = expected is null
            ? $"No verified snapshot {name} yet; the text is in {received}."
            : $"Snapshot {name} differs from {verified}; the new text is in {received}.\n{Diff(expected, text)}";
        Assert.Fail($"{why}\nSet {AcceptVariable}=1 to accept it.");
    }

    internal static string Normalize(string s) => s.Replace("\r\n", "\n").TrimEnd() + "\n";

    /// <summary>The differing lines, each with its number: - for the verified text, + for the received.</summary>
    internal static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.Max(e.Length, a.Length) && shown < 20; i++)
        {
            var le = i < e.Length ? e[i] : null;
            var la = i < a.Length ? a[i] : null;
            if (le == la) continue;
            if (le is not null) sb.Append($"{i + 1,4} - {le}\n");
            if (la is not null) sb.Append($"{i + 1,4} + {la}\n");
            shown++;
        }
        return sb.ToString();
    }
}
