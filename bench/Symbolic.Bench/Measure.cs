using System.Diagnostics;

namespace Symbolic.Bench;

/// <summary>The median time and allocation of one measured thing, per call.</summary>
public sealed record Timing(string Name, double MedianMs, double MinMs, double BytesPerCall, int Rounds, int CallsPerRound)
{
    public double MedianUs => MedianMs * 1000;
}

/// <summary>
/// How the quick runner times things: warm up first (<see cref="WarmMs"/> of calls), then rounds in which every case runs in turn
/// (the order rotating from round to round), so that load from other processes falls on all cases
/// alike; the median of the rounds is reported. A round is a batch of calls sized from the warm-up
/// to last at least <c>minRoundMs</c>, so tiny steps are not timed one call at a time. Allocation
/// is <see cref="GC.GetTotalAllocatedBytes(bool)"/> over the same batch (all threads).
/// </summary>
public static class Measure
{
    /// <summary>How long each case runs before its rounds are timed.</summary>
    public const double WarmMs = 1000;

    public static IReadOnlyList<Timing> Interleaved(
        IReadOnlyList<(string Name, Action Run)> cases, int rounds = 5, double minRoundMs = 25, double budgetSeconds = 30)
    {
        int n = cases.Count;
        var calls = new int[n];
        for (int i = 0; i < n; i++)
        {
            cases[i].Run(); // first call: JIT, pools, first touch of pages
            var sw = Stopwatch.StartNew();
            cases[i].Run();
            double ms = Math.Max(sw.Elapsed.TotalMilliseconds, 1e-3);
            calls[i] = (int)Math.Clamp(Math.Ceiling(minRoundMs / ms), 1, 100_000);
            // Then at least WarmMs of calls: a step's first calls after compiling run slower, by up
            // to 2x: the runtime's methods it calls start unoptimized and are recompiled in the
            // background some 100 ms after they turn hot (a seed step measured 77-91 us in the
            // first half second, 43-55 us after; 44 us at once with DOTNET_TC_CallCountingDelayMs=0),
            // and the BLAS library's threads, pooled buffers and caches warm up.
            for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalMilliseconds < WarmMs;) cases[i].Run();
        }
        var times = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
        var bytes = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
        var total = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < n; k++)
            {
                int i = (k + r) % n;
                var (ms, b) = Batch(cases[i].Run, calls[i]);
                times[i].Add(ms);
                bytes[i].Add(b);
            }
            if (r >= 2 && total.Elapsed.TotalSeconds > budgetSeconds) break;
        }
        return Enumerable.Range(0, n)
            .Select(i => new Timing(cases[i].Name, Median(times[i]), times[i].Min(), Median(bytes[i]), times[i].Count, calls[i]))
            .ToArray();
    }

    public static Timing Single(string name, Action run, int rounds = 5, double minRoundMs = 25, double budgetSeconds = 30) =>
        Interleaved([(name, run)], rounds, minRoundMs, budgetSeconds)[0];

    /// <summary>Milliseconds and bytes allocated per call over <paramref name="calls"/> calls.</summary>
    public static (double Ms, double Bytes) Batch(Action run, int calls)
    {
        long before = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        for (int c = 0; c < calls; c++) run();
        double ms = sw.Elapsed.TotalMilliseconds;
        long after = GC.GetTotalAllocatedBytes(true);
        return (ms / calls, (after - before) / (double)calls);
    }

    /// <summary>Wall time of one call, in milliseconds.</summary>
    public static double Once(Action run)
    {
        var sw = Stopwatch.StartNew();
        run();
        return sw.Elapsed.TotalMilliseconds;
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        var s = values.Order().ToArray();
        if (s.Length == 0) return double.NaN;
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
