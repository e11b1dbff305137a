using System.Text;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// A linked program as the disk cache holds it: a text header naming, for each kernel class that
/// calls a kernel compiled elsewhere, the program (by cache key) and the class and method holding
/// that kernel, then the compiled assembly's bytes.
/// <code>
/// symbolic linked program 1
/// 2
/// G3 9f2c...e1 G5 K5_add
/// G7 41aa...0b G0 K0_tanh
///
/// (assembly bytes)
/// </code>
/// </summary>
internal static class LinkedImage
{
    private const string Magic = "symbolic linked program 1";

    /// <summary>One link as stored: the linked class, and the kernel's program key, class and method.</summary>
    public sealed record Record(string Class, string ProgramKey, string KernelClass, string Method);

    public static byte[] Write(IReadOnlyList<Record> records, byte[] image)
    {
        var header = new StringBuilder();
        header.Append(Magic).Append('\n').Append(records.Count).Append('\n');
        foreach (var r in records)
            header.Append(r.Class).Append(' ').Append(r.ProgramKey).Append(' ').Append(r.KernelClass).Append(' ').Append(r.Method).Append('\n');
        header.Append('\n');
        var head = Encoding.UTF8.GetBytes(header.ToString());
        var bytes = new byte[head.Length + image.Length];
        head.CopyTo(bytes, 0);
        image.CopyTo(bytes, head.Length);
        return bytes;
    }

    /// <summary>The links and the assembly bytes of a stored linked program; false where the bytes are not one.</summary>
    public static bool TryRead(byte[] bytes, out List<Record> records, out byte[] image)
    {
        records = [];
        image = [];
        int at = 0;
        if (NextLine(bytes, ref at) != Magic) return false;
        if (!int.TryParse(NextLine(bytes, ref at), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) || count < 1)
            return false;
        for (int i = 0; i < count; i++)
        {
            if (NextLine(bytes, ref at)?.Split(' ') is not [var cls, var key, var kernelClass, var method] || key.Length != 64) return false;
            records.Add(new Record(cls, key, kernelClass, method));
        }
        if (NextLine(bytes, ref at) != "") return false;
        image = bytes[at..];
        return image.Length > 0;
    }

    /// <summary>The ASCII line starting at <paramref name="at"/> (moved past its newline), or null where there is no whole line.</summary>
    private static string? NextLine(byte[] bytes, ref int at)
    {
        int end = Array.IndexOf(bytes, (byte)'\n', at);
        if (end < 0 || end - at > 512) return null;
        var line = Encoding.ASCII.GetString(bytes, at, end - at);
        at = end + 1;
        return line;
    }
}
