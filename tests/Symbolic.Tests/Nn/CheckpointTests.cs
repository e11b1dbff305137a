using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Symbolic.Nn;

namespace Symbolic.Tests.Nn;

public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("symbolic-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PathOf(string name) => System.IO.Path.Combine(dir, name);

    private static SharedVariable[] Mixed() =>
    [
        T.Shared(NDArray.From(new float[] { 1.5f, -2, 3, float.MaxValue, float.Epsilon, -0f }, 2, 3), "w"),
        T.Shared(NDArray.From(new double[] { Math.PI, -1e300 }), "b"),
        T.Shared(NDArray.From(new long[] { long.MinValue, 0, long.MaxValue }, 3, 1), "w"),
        T.Shared(NDArray.Scalar(7, DType.Int32), null!),
        T.Shared(NDArray.From(new[] { true, false, true }), "mask"),
        T.Shared(NDArray.Zeros(DType.Float32, 0, 4), "empty"),
    ];

    private static SharedVariable[] Blank(SharedVariable[] like) =>
        [.. like.Select(p => T.Shared(NDArray.Zeros(p.DType, p.Value.Shape), p.Name))];

    [Fact]
    public void RoundTripKeepsValuesDtypesAndShapes()
    {
        var saved = Mixed();
        var path = PathOf("model.safetensors");
        Checkpoint.Save(path, saved);
        var loaded = Blank(saved);
        Checkpoint.Load(path, loaded);
        for (int i = 0; i < saved.Length; i++)
        {
            Assert.Equal(saved[i].Value.DType, loaded[i].Value.DType);
            Assert.Equal(saved[i].Value.Shape, loaded[i].Value.Shape);
            Assert.Equal(saved[i].Value.ToDoubles(), loaded[i].Value.ToDoubles());
        }
        Assert.Equal(long.MinValue, loaded[2].Value.Item<long>(0, 0));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void TheFileIsSafetensorsWithUniqueDeterministicNames()
    {
        var saved = Mixed();
        Assert.Equal(["w", "b", "w_1", "param", "mask", "empty"], Checkpoint.TensorNames(saved));
        var path = PathOf("m.safetensors");
        Checkpoint.Save(path, saved);
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' '));
        var w = header.RootElement.GetProperty("w");
        Assert.Equal("F32", w.GetProperty("dtype").GetString());
        Assert.Equal([2, 3], w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0L, 24L], w.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("I64", header.RootElement.GetProperty("w_1").GetProperty("dtype").GetString());
        Assert.Equal("BOOL", header.RootElement.GetProperty("mask").GetProperty("dtype").GetString());
        Assert.Equal(JsonValueKind.Array, header.RootElement.GetProperty("param").GetProperty("shape").ValueKind);
        Assert.Equal(JsonValueKind.Object, header.RootElement.GetProperty("__metadata__").ValueKind);
        Action<string, IReadOnlyList<SharedVariable>> save = Checkpoint.Save, load = Checkpoint.Load;
        Checkpoint.Save(PathOf("meta.safetensors"), saved, new Dictionary<string, string> { ["epoch"] = "3" });
        var meta = File.ReadAllBytes(PathOf("meta.safetensors"));
        Assert.Contains("\"epoch\":\"3\"", Encoding.UTF8.GetString(meta, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(meta)));
        Assert.Equal(1.5f, BitConverter.ToSingle(bytes, 8 + (int)n));
        Assert.Equal(8 + n + 24 + 16 + 24 + 4 + 3, bytes.Length);

        var clash = new[] { T.Shared(NDArray.Zeros(DType.Float32, 1), "w_1"), T.Shared(NDArray.Zeros(DType.Float32, 1), "w"), T.Shared(NDArray.Zeros(DType.Float32, 1), "w") };
        Assert.Equal(["w_1", "w", "w_2"], Checkpoint.TensorNames(clash));
    }

    [Fact]
    public void SavingOverAnExistingFileReplacesIt()
    {
        var path = PathOf("over.safetensors");
        var p = T.Shared(NDArray.From(new float[] { 1, 2 }), "p");
        Checkpoint.Save(path, [p]);
        p.Value = NDArray.From(new float[] { 3, 4 });
        Checkpoint.Save(path, [p]);
        var q = T.Shared(NDArray.Zeros(DType.Float32, 2), "p");
        Checkpoint.Load(path, [q]);
        Assert.Equal(new float[] { 3, 4 }, q.Value.ToArray<float>());
        Assert.Single(Directory.GetFiles(dir));
    }

    private static void AssertNothingChanged(SharedVariable[] targets)
    {
        foreach (var t in targets) Assert.All(t.Value.ToDoubles(), v => Assert.Equal(0, v));
    }

    private (string Path, SharedVariable[] Targets) Saved()
    {
        var saved = Mixed();
        var path = PathOf($"{Guid.NewGuid():N}.safetensors");
        Checkpoint.Save(path, saved);
        return (path, Blank(saved));
    }

    [Fact]
    public void ATruncatedFileIsRefusedNamingTheTensorAndNothingIsLoaded()
    {
        var (path, targets) = Saved();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^2]);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, targets));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("'mask'", e.Message);
        Assert.Equal("mask", e.Tensor);
        AssertNothingChanged(targets);

        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("truncated", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, targets)).Message);
        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("truncated", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, targets)).Message);
        AssertNothingChanged(targets);
    }

    [Fact]
    public void AWrongShapeIsRefusedNamingTheTensor()
    {
        var (path, targets) = Saved();
        targets[1] = T.Shared(NDArray.Zeros(DType.Float64, 3), "b");
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, targets));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("shape (2,)", e.Message);
        Assert.Contains("(3,)", e.Message);
        AssertNothingChanged(targets);
    }

    [Fact]
    public void AWrongDtypeIsRefusedNamingTheTensor()
    {
        var (path, targets) = Saved();
        targets[2] = T.Shared(NDArray.Zeros(DType.Int32, 3, 1), "w");
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, targets));
        Assert.Contains("'w_1'", e.Message);
        Assert.Contains("I64", e.Message);
        Assert.Contains("I32", e.Message);
        AssertNothingChanged(targets);
    }

    [Fact]
    public void AMissingTensorIsRefusedNamingIt()
    {
        var (path, targets) = Saved();
        SharedVariable[] more = [.. targets, T.Shared(NDArray.Zeros(DType.Float32, 2), "extra")];
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, more));
        Assert.Contains("no tensor 'extra'", e.Message);
        Assert.Equal("extra", e.Tensor);
        AssertNothingChanged(more);
    }

    [Fact]
    public void GarbageIsRefused()
    {
        var path = PathOf("garbage.safetensors");
        var junk = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(junk, 40);
        File.WriteAllBytes(path, junk);
        var p = T.Shared(NDArray.Zeros(DType.Float32, 1), "p");
        Assert.Contains("JSON", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, [p])).Message);
        BinaryPrimitives.WriteUInt64LittleEndian(junk, ulong.MaxValue);
        File.WriteAllBytes(path, junk);
        Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, [p]));
    }

    [Fact]
    public void ATrainedModelRoundTrips()
    {
        var (x, y) = TrainerTests.Blobs(40, 3, 2, seed: 1);
        var rng = new Random(1);
        var net = new Sequential(new Dense(3, 5, T.Tanh, random: rng, name: "h"), new Dense(5, 2, random: rng, name: "out"), new Softmax());
        var trainer = Trainer.For(net, Loss.CategoricalCrossentropy, T.Vector("y", DType.Int64), new Adam(0.05));
        trainer.Fit(x, y, 3, 10, log: TextWriter.Null);
        var path = PathOf("trained.safetensors");
        Checkpoint.Save(path, net.Parameters);
        double before = trainer.Evaluate(x, y);
        var fresh = new Sequential(new Dense(3, 5, T.Tanh, random: new Random(9), name: "h"), new Dense(5, 2, random: new Random(9), name: "out"), new Softmax());
        Checkpoint.Load(path, fresh.Parameters);
        var xv = T.Matrix("x");
        var a = Function.Compile([xv], [net.Apply(xv)]).Invoke(x)[0].ToArray<float>();
        var b = Function.Compile([xv], [fresh.Apply(xv)]).Invoke(x)[0].ToArray<float>();
        Assert.Equal(a, b);
        Assert.Equal(before, trainer.Evaluate(x, y));
    }
}
