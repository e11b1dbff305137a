using System.Diagnostics;
using System.Text;

namespace Symbolic.Bench;

/// <summary>What a child process did: its exit code and output, or why it could not run.</summary>
public sealed record ChildResult(int ExitCode, string StdOut, string StdErr, double WallMs, string? Failure)
{
    public bool Ok => Failure is null && ExitCode == 0;

    /// <summary>One line saying why it did not succeed (the last line of stderr where there is one).</summary>
    public string Why => Failure ?? $"exit code {ExitCode}: {StdErr.Trim().Split('\n').LastOrDefault()?.Trim()}";

    /// <summary>The lines of stdout starting with <c>{</c>: the machine-readable results.</summary>
    public IEnumerable<string> JsonLines => StdOut.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{'));
}

/// <summary>Starts child processes (this runner again, Python) with a timeout; never throws.</summary>
public static class ChildProcess
{
    public static ChildResult Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, int timeoutSeconds = 120, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        try
        {
            using var p = Process.Start(psi);
            if (p is null) return new ChildResult(-1, "", "", 0, $"could not start {file}");
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return new ChildResult(-1, stdout.ToString(), stderr.ToString(), sw.Elapsed.TotalMilliseconds, $"timed out after {timeoutSeconds} s");
            }
            p.WaitForExit(); // drains the asynchronous readers
            return new ChildResult(p.ExitCode, stdout.ToString(), stderr.ToString(), sw.Elapsed.TotalMilliseconds, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new ChildResult(-1, "", "", sw.Elapsed.TotalMilliseconds, $"could not start {file}: {e.Message}");
        }
    }

    /// <summary>
    /// This runner again with <paramref name="args"/>: the apphost when the process is one, else
    /// <c>dotnet Symbolic.Bench.dll</c>.
    /// </summary>
    public static ChildResult Self(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, int timeoutSeconds = 120)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var list = args.ToList();
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            list.Insert(0, typeof(ChildProcess).Assembly.Location);
        return Run(host, list, env, timeoutSeconds);
    }
}
