using System.Text.Json;

namespace Symbolic.Bench;

/// <summary>One PyTorch measurement: the best (lowest median) over the thread counts tried.</summary>
public sealed record TorchTiming(string Workload, double MedianMs, int Threads);

/// <summary>
/// Runs <c>bench/torch_steps.py</c> under a Python that has <c>torch</c> and reads its JSON lines.
/// Python is looked for as <c>/usr/bin/python3</c> first (Debian's <c>python3-torch</c> installs
/// torch for it), then <c>python3</c> on PATH (which may be a pyenv Python without torch); the first
/// one where <c>import torch</c> works is used. The child gets <c>OMP_WAIT_POLICY=PASSIVE</c>.
/// </summary>
public static class TorchComparison
{
    public static readonly string[] PythonCandidates = ["/usr/bin/python3", "python3"];

    /// <summary>The Python to use, or null with the reason.</summary>
    public static (string? Python, string Why) FindPython()
    {
        var tried = new List<string>();
        foreach (var candidate in PythonCandidates)
        {
            if (candidate.StartsWith('/') && !File.Exists(candidate)) { tried.Add($"{candidate}: not there"); continue; }
            var r = ChildProcess.Run(candidate, ["-c", "import torch"], timeoutSeconds: 90);
            if (r.Ok) return (candidate, "");
            tried.Add($"{candidate}: {(r.Failure ?? "no torch module")}");
        }
        return (null, string.Join("; ", tried));
    }

    /// <summary>Runs the script; the timings by workload, or null with a line saying why not.</summary>
    public static (IReadOnlyDictionary<string, TorchTiming>? Timings, string Info) Run(bool quick = true)
    {
        var root = RepoRoot.Find();
        if (root is null) return (null, "PyTorch comparison skipped: the repository root (the folder holding Symbolic.sln) was not found");
        var script = Path.Combine(root, "bench", "torch_steps.py");
        if (!File.Exists(script)) return (null, $"PyTorch comparison skipped: {script} is missing");
        var (python, why) = FindPython();
        if (python is null) return (null, $"PyTorch comparison skipped: no Python with torch found ({why}); on Debian: apt-get install python3-torch");
        var r = ChildProcess.Run(python, quick ? [script, "--quick"] : [script],
            new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "PASSIVE" }, timeoutSeconds: 240, workingDirectory: root);
        if (!r.Ok) return (null, $"PyTorch comparison failed ({python} {script}): {r.Why}");
        var best = new Dictionary<string, TorchTiming>();
        string info = $"PyTorch via {python}";
        foreach (var line in r.JsonLines)
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                if (o.TryGetProperty("torch", out var version))
                {
                    info = $"PyTorch {version.GetString()} eager, CPU, via {python}, OMP_WAIT_POLICY=PASSIVE, best of {o.GetProperty("cores").GetInt32()} threads and 1 thread";
                    continue;
                }
                var t = new TorchTiming(o.GetProperty("workload").GetString()!, o.GetProperty("median_ms").GetDouble(), o.GetProperty("threads").GetInt32());
                if (!best.TryGetValue(t.Workload, out var b) || t.MedianMs < b.MedianMs) best[t.Workload] = t;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // a line that is not ours: skip it
            }
        }
        return best.Count == 0 ? (null, $"PyTorch comparison failed: no results in the output of {script}") : (best, info);
    }
}
