using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Symbolic.Nn;

/// <summary>
/// Saves and loads shared variables' values in the safetensors format: an 8-byte little-endian
/// header length, a UTF-8 JSON header <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets":
/// [begin, end]}, ..., "__metadata__": {...}}</c> padded with spaces to a multiple of 8 bytes, then
/// the tensors' raw little-endian bytes, back to back in the parameters' order (offsets count from
/// the end of the header). Dtypes: F32, F64, I32, I64, BOOL.
/// <para>
/// Tensor names come from the variables' names by <see cref="TensorNames"/>: a variable's name
/// (<c>param</c> when null or empty) if no earlier variable took it, else that name with
/// <c>_1</c>, <c>_2</c>, ... appended, the first suffix not yet taken. So <c>[w, w, b, w]</c> gives
/// <c>w, w_1, b, w_2</c>. Load names the same list the same way, so save and load with the
/// parameters in the same order (a model's <c>Parameters</c> are).
/// </para>
/// </summary>
public static class Checkpoint
{
    private const string MetadataKey = "__metadata__";
    private const long MaxHeader = 100_000_000;

    /// <summary>Writes the current values to <paramref name="path"/> atomically: a temporary file
    /// beside it, then a rename over it, so a reader never sees a partial checkpoint.</summary>
    public static void Save(string path, IReadOnlyList<SharedVariable> parameters) => Save(path, parameters, null);

    /// <summary>As <see cref="Save(string, IReadOnlyList{SharedVariable})"/>, adding string pairs to the header's <c>__metadata__</c>.</summary>
    public static void Save(string path, IReadOnlyList<SharedVariable> parameters, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoints are written on little-endian machines only.");
        var names = TensorNames(parameters);
        var values = parameters.Select(p => p.Value).ToArray();
        var header = new JsonObject();
        long offset = 0;
        var blobs = new byte[values.Length][];
        for (int i = 0; i < values.Length; i++)
        {
            blobs[i] = Bytes(values[i]);
            header[names[i]] = new JsonObject
            {
                ["dtype"] = DTypeName(values[i].DType),
                ["shape"] = new JsonArray([.. values[i].Shape.Select(d => (JsonNode)d)]),
                ["data_offsets"] = new JsonArray(offset, offset + blobs[i].Length),
            };
            offset += blobs[i].Length;
        }
        var meta = new JsonObject { ["format"] = "pt", ["writer"] = "Symbolic.Nn" };
        if (metadata is not null)
            foreach (var (k, v) in metadata) meta[k] = v;
        header[MetadataKey] = meta;
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;

        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
                stream.Write(len);
                stream.Write(json);
                for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
                foreach (var b in blobs) stream.Write(b);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// Sets each parameter's value from the tensor of its name (see <see cref="TensorNames"/>).
    /// Every tensor is checked first (present, same dtype, same shape as the variable's current
    /// value, its bytes within the file); if any check fails a <see cref="CheckpointException"/>
    /// naming the tensor is raised and no variable changes. Tensors in the file that no parameter
    /// names are ignored.
    /// </summary>
    public static void Load(string path, IReadOnlyList<SharedVariable> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoints are read on little-endian machines only.");
        var bytes = File.ReadAllBytes(path);
        var (header, dataStart) = ReadHeader(path, bytes);
        var names = TensorNames(parameters);
        var loaded = new NDArray[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            var name = names[i];
            var p = parameters[i];
            var current = p.Value;
            if (header[name] is not JsonObject entry)
                throw new CheckpointException($"Checkpoint '{path}' has no tensor '{name}'.", name);
            DType dtype;
            int[] shape;
            long begin, end;
            try
            {
                dtype = ParseDType(entry["dtype"]!.GetValue<string>());
                shape = [.. entry["shape"]!.AsArray().Select(n => n!.GetValue<int>())];
                var offs = entry["data_offsets"]!.AsArray();
                if (offs.Count != 2) throw new FormatException("data_offsets needs two numbers");
                begin = offs[0]!.GetValue<long>();
                end = offs[1]!.GetValue<long>();
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or ArgumentException)
            {
                throw new CheckpointException($"Checkpoint '{path}': tensor '{name}' has a malformed entry ({e.Message}).", name, e);
            }
            if (dtype != current.DType)
                throw new CheckpointException($"Checkpoint '{path}': tensor '{name}' is {DTypeName(dtype)} but the variable holds {DTypeName(current.DType)}.", name);
            if (!shape.SequenceEqual(current.Shape))
                throw new CheckpointException($"Checkpoint '{path}': tensor '{name}' has shape {NDArray.ShapeText(shape)} but the variable has shape {NDArray.ShapeText(current.Shape)}.", name);
            long need = (long)NDArray.ShapeSize(shape) * ElementSize(dtype);
            long available = bytes.Length - dataStart;
            if (begin < 0 || end < begin || end - begin != need)
                throw new CheckpointException($"Checkpoint '{path}': tensor '{name}' has data_offsets [{begin}, {end}], not the {need} bytes its shape needs.", name);
            if (end > available)
                throw new CheckpointException($"Checkpoint '{path}' is truncated: tensor '{name}' needs bytes [{begin}, {end}) of the data but there are only {available}.", name);
            loaded[i] = FromBytes(dtype, shape, bytes.AsSpan((int)(dataStart + begin), (int)need));
        }
        for (int i = 0; i < parameters.Count; i++) parameters[i].Value = loaded[i];
    }

    /// <summary>The tensor names <see cref="Save"/> and <see cref="Load"/> use for <paramref name="parameters"/>, in order (see the class summary for the rule).</summary>
    public static string[] TensorNames(IReadOnlyList<SharedVariable> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var taken = new HashSet<string>(StringComparer.Ordinal) { MetadataKey };
        var result = new string[parameters.Count];
        for (int i = 0; i < parameters.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(parameters[i], nameof(parameters));
            var name = string.IsNullOrEmpty(parameters[i].Name) ? "param" : parameters[i].Name!;
            var unique = name;
            for (int k = 1; !taken.Add(unique); k++) unique = $"{name}_{k}";
            result[i] = unique;
        }
        return result;
    }

    private static (JsonObject Header, long DataStart) ReadHeader(string path, byte[] bytes)
    {
        if (bytes.Length < 8)
            throw new CheckpointException($"Checkpoint '{path}' is truncated: {bytes.Length} bytes, too short for the 8-byte header length.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > MaxHeader)
            throw new CheckpointException($"Checkpoint '{path}' is not a safetensors file: its header length ({n}) is implausible.");
        if (8 + (long)n > bytes.Length)
            throw new CheckpointException($"Checkpoint '{path}' is truncated: its header needs {n} bytes but only {bytes.Length - 8} follow.");
        try
        {
            var node = JsonNode.Parse(bytes.AsSpan(8, (int)n));
            if (node is not JsonObject header) throw new CheckpointException($"Checkpoint '{path}': the header is not a JSON object.");
            return (header, 8 + (long)n);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"Checkpoint '{path}': the header is not valid JSON ({e.Message}).", null, e);
        }
    }

    private static string DTypeName(DType d) => d switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int32 => "I32",
        DType.Int64 => "I64",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    private static DType ParseDType(string s) => s switch
    {
        "F32" => DType.Float32,
        "F64" => DType.Float64,
        "I32" => DType.Int32,
        "I64" => DType.Int64,
        "BOOL" => DType.Bool,
        _ => throw new FormatException($"dtype {s} is not one Symbolic holds"),
    };

    private static int ElementSize(DType d) => d switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        _ => 1,
    };

    private static byte[] Bytes(NDArray a) => a.DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes<float>(a.ToArray<float>()).ToArray(),
        DType.Float64 => MemoryMarshal.AsBytes<double>(a.ToArray<double>()).ToArray(),
        DType.Int32 => MemoryMarshal.AsBytes<int>(a.ToArray<int>()).ToArray(),
        DType.Int64 => MemoryMarshal.AsBytes<long>(a.ToArray<long>()).ToArray(),
        DType.Bool => [.. a.ToArray<bool>().Select(b => b ? (byte)1 : (byte)0)],
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    private static NDArray FromBytes(DType d, int[] shape, ReadOnlySpan<byte> data) => d switch
    {
        DType.Float32 => NDArray.Wrap(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
        DType.Float64 => NDArray.Wrap(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
        DType.Int32 => NDArray.Wrap(MemoryMarshal.Cast<byte, int>(data).ToArray(), shape),
        DType.Int64 => NDArray.Wrap(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
        DType.Bool => NDArray.Wrap(data.ToArray().Select(b => b != 0).ToArray(), shape),
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };
}
