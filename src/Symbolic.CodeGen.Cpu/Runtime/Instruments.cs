using System.Diagnostics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// What a program compiled with profiling or a NaN guard does around each kernel: time it (calls
/// and ticks per kernel, summed over calls and threads), and check the elements it wrote for NaN
/// and infinities, raising <see cref="NanGuardException"/> at the first kernel that made one.
/// Generated code calls <see cref="Start"/> before a kernel and <see cref="Done"/> after it; a
/// program compiled without either option has no such calls.
/// </summary>
public sealed class Instruments
{
    private readonly long[] ticks;
    private readonly long[] calls;

    /// <param name="kernels">Each kernel's name.</param>
    /// <param name="nodes">What each kernel computes, for messages.</param>
    /// <param name="inputs">What each kernel reads, for messages.</param>
    public Instruments(IReadOnlyList<string> kernels, IReadOnlyList<string> nodes, IReadOnlyList<string> inputs, bool profile, bool nanGuard)
    {
        Kernels = kernels;
        Nodes = nodes;
        Inputs = inputs;
        Profile = profile;
        NanGuard = nanGuard;
        ticks = new long[kernels.Count];
        calls = new long[kernels.Count];
    }

    public IReadOnlyList<string> Kernels { get; }

    public IReadOnlyList<string> Nodes { get; }

    public IReadOnlyList<string> Inputs { get; }

    public bool Profile { get; }

    public bool NanGuard { get; }

    public long Start() => Profile ? Stopwatch.GetTimestamp() : 0;

    /// <summary>After kernel <paramref name="kernel"/> wrote slot <paramref name="slot"/> of the frame.</summary>
    public void Done(Frame f, int kernel, int slot, long start)
    {
        if (Profile)
        {
            Interlocked.Add(ref ticks[kernel], Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref calls[kernel]);
        }
        if (NanGuard) Check(f, kernel, slot);
    }

    private void Check(Frame f, int kernel, int slot)
    {
        int n = Rt.Size(f.S[slot]);
        int bad = f.D[slot] switch
        {
            float[] a => Array.FindIndex(a, 0, n, v => !float.IsFinite(v)),
            double[] a => Array.FindIndex(a, 0, n, v => !double.IsFinite(v)),
            _ => -1,
        };
        if (bad < 0) return;
        double value = f.D[slot] is float[] fa ? fa[bad] : ((double[])f.D[slot])[bad];
        throw new NanGuardException(Kernels[kernel], Nodes[kernel], bad, value, Inputs[kernel]);
    }

    /// <summary>Calls and seconds per kernel so far.</summary>
    public (long Calls, double Seconds)[] Totals() =>
        ticks.Select((t, k) => (Interlocked.Read(ref calls[k]), Interlocked.Read(ref ticks[k]) / (double)Stopwatch.Frequency)).ToArray();
}
