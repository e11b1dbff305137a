using System.Buffers.Binary;
using System.Text;

namespace Symbolic.CodeGen;

/// <summary>
/// A directory of compiled artifacts (a C# program's assembly, a CUDA module's PTX), each a byte
/// array under a kind and a key. It knows no compiler: a backend hashes whatever its output depends
/// on into the key (<see cref="KeyOf"/>) and stores the bytes it would otherwise have to rebuild.
/// </summary>
/// <remarks>
/// <para>An entry is one file, <c>{key}.{kind}</c>: a header (magic, format, payload length), the
/// payload, and a trailer holding the SHA-256 of the kind, the key, the header and the payload. A
/// file that is truncated, padded, overwritten or renamed to another key fails that check; it is
/// deleted and reads as a miss, never as an error.</para>
/// <para>Writes go to a unique temporary file in the same directory that is then renamed over the
/// entry, so a reader sees a whole entry or none, and two writers of one entry (threads or
/// processes) both succeed; the last rename wins, and both wrote the same bytes.</para>
/// <para>A directory that cannot be created or written means no disk cache: one line to the log
/// (standard error for <see cref="Default"/>) saying which directory and why, then every read
/// misses and every write is skipped.</para>
/// </remarks>
public sealed class DiskCache
{
    /// <summary>Set to <c>0</c>, <c>false</c>, <c>off</c> or <c>no</c> to turn the disk cache off.</summary>
    public const string EnabledVariable = "SYMBOLIC_DISK_CACHE";

    /// <summary>The cache directory; set but empty turns the disk cache off.</summary>
    public const string DirectoryVariable = "SYMBOLIC_CACHE_DIR";

    private const int FormatVersion = 1;
    private const int HeaderSize = 8 + 4 + 8;
    private const int TrailerSize = 32;
    private static ReadOnlySpan<byte> Magic => "SYMCACHE"u8;

    private static readonly Lazy<DiskCache?> DefaultCache = new(() =>
    {
        var dir = ResolveDirectory(Environment.GetEnvironmentVariable, out var why);
        if (dir is null)
        {
            if (why is not null) Console.Error.WriteLine($"symbolic: no disk cache: {why}");
            return null;
        }
        return new DiskCache(dir, Console.Error);
    });

    private readonly TextWriter? log;
    private readonly Lazy<bool> usable;
    private int reported;
    private long hits, misses, corrupt, writes, writeFailures;

    /// <summary>A cache in <paramref name="directory"/>, created on first use; problems are written, once, to <paramref name="log"/>.</summary>
    public DiskCache(string directory, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        this.log = log;
        usable = new Lazy<bool>(Prepare);
    }

    /// <summary>The process's cache, from the environment (<see cref="ResolveDirectory"/>); null where it is turned off or cannot be used.</summary>
    public static DiskCache? Default => DefaultCache.Value is { IsUsable: true } d ? d : null;

    public string Directory { get; }

    /// <summary>False where the directory could not be created or written: every read then misses and every write is skipped.</summary>
    public bool IsUsable => usable.Value;

    /// <summary>Reads that found a whole entry.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Reads that found nothing usable (corrupt entries included).</summary>
    public long Misses => Interlocked.Read(ref misses);

    /// <summary>Entries found damaged (and deleted).</summary>
    public long Corrupt => Interlocked.Read(ref corrupt);

    /// <summary>Entries written.</summary>
    public long Writes => Interlocked.Read(ref writes);

    /// <summary>Writes that failed (the value is simply not cached).</summary>
    public long WriteFailures => Interlocked.Read(ref writeFailures);

    /// <summary>
    /// The cache directory for an environment, or null (with the reason, where it is worth a line)
    /// where there is none: <c>SYMBOLIC_DISK_CACHE=0</c> turns it off; else <c>SYMBOLIC_CACHE_DIR</c>
    /// (set but empty turns it off); else, on Windows, the local application data folder's
    /// <c>symbolic</c>; else <c>$XDG_CACHE_HOME/symbolic</c> (when absolute); else <c>~/.cache/symbolic</c>.
    /// </summary>
    public static string? ResolveDirectory(Func<string, string?> environment, out string? why)
    {
        why = null;
        var enabled = environment(EnabledVariable)?.Trim();
        if (enabled is not null && (enabled is "0" || enabled.Equals("false", StringComparison.OrdinalIgnoreCase)
                || enabled.Equals("off", StringComparison.OrdinalIgnoreCase) || enabled.Equals("no", StringComparison.OrdinalIgnoreCase)))
            return null;
        var explicitDir = environment(DirectoryVariable);
        if (explicitDir is not null) return explicitDir.Length == 0 ? null : explicitDir;
        if (OperatingSystem.IsWindows())
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            if (local.Length > 0) return Path.Combine(local, "symbolic");
        }
        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "symbolic");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (home.Length > 0) return Path.Combine(home, ".cache", "symbolic");
        why = $"no home directory to put it in (set {DirectoryVariable})";
        return null;
    }

    /// <summary>A key (64 hex digits) for everything a cached value depends on; each part counts with its length, so no two lists of parts share a key.</summary>
    public static string KeyOf(params ReadOnlySpan<string> parts)
    {
        var hash = new Sha256();
        Span<byte> length = stackalloc byte[8];
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
            hash.Append(length);
            hash.Append(bytes);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.Finish(digest);
        return Sha256.ToHex(digest);
    }

    /// <summary>The file that holds (or would hold) an entry.</summary>
    public string PathOf(string kind, string key)
    {
        Check(kind, key);
        return Path.Combine(Directory, key + "." + kind);
    }

    /// <summary>The entry's bytes, or null where there is none or it is damaged (a damaged entry is deleted).</summary>
    public byte[]? TryGet(string kind, string key)
    {
        var path = PathOf(kind, key);
        if (!IsUsable) return null;
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not there (the usual miss), or unreadable: either way, rebuild.
            Interlocked.Increment(ref misses);
            return null;
        }
        var payload = Unwrap(kind, key, file);
        if (payload is null)
        {
            Discard(path);
            return null;
        }
        Interlocked.Increment(ref hits);
        return payload;
    }

    /// <summary>Takes back a hit whose bytes were whole but unusable (a program that does not load): counts it as corrupt and deletes it.</summary>
    public void Reject(string kind, string key)
    {
        Interlocked.Decrement(ref hits);
        Discard(PathOf(kind, key));
    }

    /// <summary>Stores an entry, atomically; a failure is reported once and otherwise ignored.</summary>
    public void Put(string kind, string key, ReadOnlySpan<byte> value)
    {
        var path = PathOf(kind, key);
        if (!IsUsable) return;
        var temp = Path.Combine(Directory, $".{key}.{kind}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var file = Wrap(kind, key, value);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
                stream.Write(file);
            File.Move(temp, path, overwrite: true);
            Interlocked.Increment(ref writes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref writeFailures);
            TryDelete(temp);
            Report($"symbolic: disk cache: cannot write to {Directory}, not caching: {e.Message}");
        }
    }

    /// <summary>The file's bytes for an entry: header, payload, trailer.</summary>
    internal static byte[] Wrap(string kind, string key, ReadOnlySpan<byte> value)
    {
        var file = new byte[HeaderSize + value.Length + TrailerSize];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(12), value.Length);
        value.CopyTo(file.AsSpan(HeaderSize));
        Checksum(kind, key, file.AsSpan(0, HeaderSize + value.Length), file.AsSpan(HeaderSize + value.Length));
        return file;
    }

    /// <summary>The payload of an entry's file, or null where the file is not a whole entry for this kind and key.</summary>
    internal static byte[]? Unwrap(string kind, string key, ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderSize + TrailerSize || !file[..8].SequenceEqual(Magic)) return null;
        if (BinaryPrimitives.ReadInt32LittleEndian(file[8..]) != FormatVersion) return null;
        long length = BinaryPrimitives.ReadInt64LittleEndian(file[12..]);
        if (length != file.Length - HeaderSize - TrailerSize) return null;
        Span<byte> sum = stackalloc byte[TrailerSize];
        Checksum(kind, key, file[..(HeaderSize + (int)length)], sum);
        if (!sum.SequenceEqual(file[(HeaderSize + (int)length)..])) return null;
        return file.Slice(HeaderSize, (int)length).ToArray();
    }

    private static void Checksum(string kind, string key, ReadOnlySpan<byte> content, Span<byte> into)
    {
        var hash = new Sha256();
        hash.Append(Encoding.UTF8.GetBytes(kind + "\n" + key + "\n"));
        hash.Append(content);
        hash.Finish(into);
    }

    private static void Check(string kind, string key)
    {
        if (string.IsNullOrEmpty(kind) || kind.Length > 16 || !AllAscii(kind, lowerOnly: true))
            throw new ArgumentException($"A cache kind is 1 to 16 lowercase letters or digits, not '{kind}'.", nameof(kind));
        if (string.IsNullOrEmpty(key) || key.Length > 128 || !AllAscii(key, lowerOnly: false))
            throw new ArgumentException($"A cache key is 1 to 128 ASCII letters or digits (see KeyOf), not '{key}'.", nameof(key));
    }

    /// <summary>Every character an ASCII letter (lowercase only, where asked) or digit: a loop, not LINQ over chars, which a fresh process would JIT-compile.</summary>
    private static bool AllAscii(string text, bool lowerOnly)
    {
        foreach (var c in text)
            if (!(lowerOnly ? c is >= 'a' and <= 'z' or >= '0' and <= '9' : char.IsAsciiLetterOrDigit(c))) return false;
        return true;
    }

    private bool Prepare()
    {
        // A random name without a Guid, whose formatting a fresh process would JIT-compile first.
        var probe = Path.Combine(Directory, $".probe.{Environment.ProcessId}.{Random.Shared.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture)}.tmp");
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Report($"symbolic: no disk cache: cannot use {Directory}: {e.Message}");
            return false;
        }
    }

    private void Discard(string path)
    {
        Interlocked.Increment(ref corrupt);
        Interlocked.Increment(ref misses);
        TryDelete(path);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Whoever comes next finds it damaged too, or overwrites it.
        }
    }

    private void Report(string line)
    {
        if (Interlocked.Exchange(ref reported, 1) == 0) log?.WriteLine(line);
    }
}
