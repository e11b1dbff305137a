using System.Globalization;

namespace Symbolic.Bench;

/// <summary>One line of the report: what was measured, its value, what it is compared with, the target.</summary>
public sealed record ReportRow(string What, string Value, string Reference = "", string Ratio = "", string Target = "", bool? Met = null);

/// <summary>The quick runner's Markdown table, filled section by section.</summary>
public sealed class ReportTable
{
    private readonly List<(string Section, ReportRow Row)> rows = [];
    private readonly List<string> notes = [];

    public void Add(string section, ReportRow row) => rows.Add((section, row));

    public void Note(string line) => notes.Add(line);

    public IReadOnlyList<string> Notes => notes;

    public void Write(TextWriter w)
    {
        w.WriteLine("| section | measurement | value | reference | ratio | target | met |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        string? last = null;
        foreach (var (section, r) in rows)
        {
            var s = section == last ? "" : section;
            last = section;
            var met = r.Met switch { true => "yes", false => "**no**", null => "" };
            w.WriteLine($"| {s} | {r.What} | {r.Value} | {r.Reference} | {r.Ratio} | {r.Target} | {met} |");
        }
        if (notes.Count > 0)
        {
            w.WriteLine();
            foreach (var n in notes) w.WriteLine($"- {n}");
        }
    }

    public static string Ms(double ms) => double.IsNaN(ms) ? "n/a" : ms >= 100 ? F("{0:F0} ms", ms) : ms >= 10 ? F("{0:F1} ms", ms) : F("{0:F2} ms", ms);

    public static string Us(double ms) => double.IsNaN(ms) ? "n/a" : F("{0:F0} µs", ms * 1000);

    public static string Bytes(double b) =>
        double.IsNaN(b) ? "n/a" : b >= 1 << 20 ? F("{0:F1} MB", b / (1 << 20)) : b >= 1 << 10 ? F("{0:F1} KB", b / 1024) : F("{0:F0} B", b);

    public static string X(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "n/a" : F("{0:F2}x", ratio);

    public static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
