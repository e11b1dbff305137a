using System.Globalization;
using System.Text;

namespace Symbolic;

/// <summary>One kernel's line of a profile: what it computes, how often it ran and for how long.</summary>
public sealed record KernelProfile(string Kernel, string Nodes, long Calls, double Seconds, double Share);

/// <summary>
/// Where a function compiled with <c>CompileOptions.Profile</c> spends its time, per kernel, summed
/// over every call so far (in the spirit of Theano's profile). <see cref="ToString"/> is a table,
/// slowest kernel first.
/// </summary>
public sealed class ProfileReport
{
    internal ProfileReport(IReadOnlyList<KernelProfile> kernels, long calls)
    {
        Kernels = kernels;
        Calls = calls;
    }

    /// <summary>Every kernel, slowest first.</summary>
    public IReadOnlyList<KernelProfile> Kernels { get; }

    /// <summary>Calls of the function so far.</summary>
    public long Calls { get; }

    /// <summary>Time in kernels, all calls together.</summary>
    public double Seconds => Kernels.Sum(k => k.Seconds);

    public override string ToString()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.Append(c, $"Function profile: {Calls} call{(Calls == 1 ? "" : "s")}, {Seconds * 1e3:F3} ms in {Kernels.Count} kernel{(Kernels.Count == 1 ? "" : "s")}\n");
        int width = Math.Max(6, Kernels.Count == 0 ? 0 : Kernels.Max(k => k.Kernel.Length));
        sb.Append(c, $"{"share",7} {"time (ms)",11} {"calls",7} {"ms/call",9}  {"kernel".PadRight(width)}  computes\n");
        foreach (var k in Kernels)
            sb.Append(c, $"{k.Share * 100,6:F1}% {k.Seconds * 1e3,11:F3} {k.Calls,7} {(k.Calls == 0 ? 0 : k.Seconds * 1e3 / k.Calls),9:F4}  {k.Kernel.PadRight(width)}  {k.Nodes}\n");
        return sb.ToString();
    }
}
