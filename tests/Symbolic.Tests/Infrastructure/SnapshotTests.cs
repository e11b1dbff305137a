namespace Symbolic.Tests.Infrastructure;

public sealed class SnapshotTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "symbolic-snapshots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void MatchingTextPassesAndRemovesAStaleReceivedFile()
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "a.verified.txt"), "one\r\ntwo\n\n");
        File.WriteAllText(Path.Combine(root, "a.received.txt"), "old");
        Snapshot.Match(root, "a", "one\ntwo", accept: false);
        Assert.False(File.Exists(Path.Combine(root, "a.received.txt")));
    }

    [Fact]
    public void MismatchWritesReceivedAndFailsWithADiff()
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "b.verified.txt"), "one\ntwo\nthree\n");
        var e = Assert.ThrowsAny<Exception>(() => Snapshot.Match(root, "b", "one\nTWO\nthree", accept: false));
        Assert.Contains("   2 - two", e.Message);
        Assert.Contains("   2 + TWO", e.Message);
        Assert.Contains(Snapshot.AcceptVariable, e.Message);
        Assert.Equal("one\nTWO\nthree\n", File.ReadAllText(Path.Combine(root, "b.received.txt")));
    }

    [Fact]
    public void AcceptModeWritesTheVerifiedFile()
    {
        Snapshot.Match(root, "dir/c", "new text", accept: true);
        Assert.Equal("new text\n", File.ReadAllText(Path.Combine(root, "dir", "c.verified.txt")));
        Assert.False(File.Exists(Path.Combine(root, "dir", "c.received.txt")));
    }

    [Fact]
    public void MissingVerifiedFileFails()
    {
        var e = Assert.ThrowsAny<Exception>(() => Snapshot.Match(root, "d", "text", accept: false));
        Assert.Contains("No verified snapshot", e.Message);
        Assert.True(File.Exists(Path.Combine(root, "d.received.txt")));
    }
}
