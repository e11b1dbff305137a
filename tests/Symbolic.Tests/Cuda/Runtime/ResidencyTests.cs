namespace Symbolic.Tests.Cuda.Runtime;

/// <summary>
/// The device-residency hook of shared variables, with a host-side stand-in for a device copy:
/// what a device function publishes is copied back only when Value is read, once; setting Value
/// or a CPU update drops the device copy; CPU functions read a device-only value through Value's
/// semantics; calls hold the copies they read.
/// </summary>
public class ResidencyTests
{
    /// <summary>A "device copy" kept in host memory, counting what happens to it.</summary>
    private sealed class FakeResident(NDArray value) : ResidentValue
    {
        public int Downloads, Holders = 1, Disposals;

        public override int[] Shape => value.Shape;

        public override NDArray Download()
        {
            Downloads++;
            return NDArray.From(value.ToArray<float>(), value.Shape);
        }

        public override void Acquire() => Holders++;

        public override void Release() => Holders--;

        public override void Dispose()
        {
            Disposals++;
            Holders--;
        }
    }

    [Fact]
    public void PublishedDeviceValuesAreCopiedBackOnceWhenRead()
    {
        var w = T.Shared(NDArray.From([1f, 2f, 3f]), "w");
        var copy = new FakeResident(NDArray.From([4f, 5f, 6f]));
        SharedVariable.PublishResident([w], [copy]);
        Assert.True(w.IsResident);
        Assert.False(w.IsOnHost);
        Assert.Equal(0, copy.Downloads);
        var v = w.Value;
        Assert.Equal([4f, 5f, 6f], v.ToArray<float>());
        Assert.Same(v, w.Value);
        Assert.Equal(1, copy.Downloads);
        Assert.True(w.IsOnHost);
        Assert.True(w.IsResident); // both copies current now
    }

    [Fact]
    public void SettingValueOrACpuUpdateDropsTheDeviceCopy()
    {
        var w = T.Shared(NDArray.From([1f, 2f]), "w");
        var first = new FakeResident(NDArray.From([3f, 4f]));
        SharedVariable.PublishResident([w], [first]);
        w.Value = NDArray.From([7f, 8f]);
        Assert.Equal(1, first.Disposals);
        Assert.False(w.IsResident);
        Assert.Equal(0, first.Downloads);

        var second = new FakeResident(NDArray.From([3f, 4f]));
        SharedVariable.PublishResident([w], [second]);
        var x = T.Vector("x");
        var f = Function.Compile([x], [w * x], updates: [(w, w + x)]);
        var outs = f.Invoke(NDArray.From([1f, 1f]));
        Assert.Equal([3f, 4f], outs[0].ToArray<float>()); // the CPU read the device copy's value
        Assert.Equal([4f, 5f], w.Value.ToArray<float>());
        Assert.Equal(1, second.Downloads);
        Assert.Equal(1, second.Disposals);
        Assert.False(w.IsResident);
    }

    [Fact]
    public void AttachingKeepsACopyOnlyOfTheCurrentValue()
    {
        var start = NDArray.From([1f]);
        var w = T.Shared(start, "w");
        var copy = new FakeResident(start);
        Assert.True(w.TryAttachResident(start, copy));
        Assert.False(w.TryAttachResident(start, new FakeResident(start))); // one copy at a time
        w.Value = NDArray.From([2f]);
        Assert.False(w.TryAttachResident(start, new FakeResident(start))); // no longer the value
        Assert.Equal(1, copy.Disposals);
    }

    [Fact]
    public void ReadStatesHoldsTheCopiesItReturns()
    {
        var a = T.Shared(NDArray.From([1f]), "a");
        var b = T.Shared(NDArray.From([2f]), "b");
        var copy = new FakeResident(NDArray.From([3f]));
        SharedVariable.PublishResident([b], [copy]);
        var order = new[] { a, b }.OrderBy(v => v.Id).ToArray();
        var states = SharedVariable.ReadStates(order);
        var sa = states[Array.IndexOf(order, a)];
        var sb = states[Array.IndexOf(order, b)];
        Assert.Equal([1f], sa.Host!.ToArray<float>());
        Assert.Null(sa.Resident);
        Assert.Null(sb.Host);
        Assert.Same(copy, sb.Resident);
        Assert.Equal(2, copy.Holders);
        b.Value = NDArray.From([9f]); // replaced while a call still holds the old copy
        Assert.Equal(1, copy.Holders);
        sb.Resident!.Release();
        Assert.Equal(0, copy.Holders);
    }

    [Fact]
    public void ShapePassFromShapesAgreesWithThePassFromArrays()
    {
        var x = T.Matrix("x");
        var n = T.Scalar("n", DType.Int64);
        var w = T.Shared(NDArray.From(new float[12], 3, 4), "w");
        var schedule = new Symbolic.CodeGen.Schedule([x, n], [T.Dot(x, w).Sum(1) + T.Cast(T.Arange(n), DType.Float32)]);
        NDArray[] values = [NDArray.From(new float[15], 5, 3), NDArray.Scalar(5, DType.Int64), w.Value];
        var fromArrays = schedule.Shapes.Run(values);
        var fromShapes = schedule.Shapes.Run(values.Select(v => v.Shape).ToArray(), i => i == 1 ? 5 : throw new InvalidOperationException($"input {i}'s value is not needed"));
        Assert.Equal(fromArrays, fromShapes);
        Assert.True(schedule.Shapes.ReadsValue(1));
        Assert.False(schedule.Shapes.ReadsValue(0));
        Assert.Throws<ShapeMismatchException>(() => schedule.Shapes.Run([[5, 3], [], [4, 4]], _ => 5));
    }
}
