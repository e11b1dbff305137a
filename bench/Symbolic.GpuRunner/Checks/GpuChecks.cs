using Symbolic.CodeGen.Cuda.Runtime;

namespace Symbolic.GpuRunner.Checks;

/// <summary>
/// The checks that need a CUDA device, shared by the test suite (which skips them, with the reason,
/// where no device answers) and the GPU runner (which runs them on GPU machines without an SDK).
/// </summary>
public static class GpuChecks
{
    /// <summary>Every check, by name.</summary>
    public static IEnumerable<GpuCheck> All()
    {
        foreach (var c in OpCases.All()) yield return new GpuCheck("op: " + c.Name, () => OpCases.Check(c));
        yield return new GpuCheck("seed network trains as on the CPU", SeedNetworkMatchesCpu);
        yield return new GpuCheck("shared variables stay on the device", SharedVariablesStayOnDevice);
        yield return new GpuCheck("10,000 calls leak no device memory", NoLeakOverManyCalls);
    }

    /// <summary>The seed network (32x500 -> 50 -> 5, relu, softmax cross-entropy, SGD at 0.1) as samples/SeedNetwork builds it.</summary>
    public static (Function Train, NDArray X, NDArray Y, SharedVariable W1, SharedVariable W2) SeedNetwork(Device device)
    {
        var s = SeedGraph();
        var train = Function.Compile([s.X, s.Y], [s.Loss], updates: [(s.W1, s.NewW1), (s.W2, s.NewW2)], options: new CompileOptions { Device = device });
        return (train, s.Xs, s.Ys, s.W1, s.W2);
    }

    /// <summary>The seed network's graph and data, uncompiled: its loss and the updated weights' values.</summary>
    public static (Variable X, Variable Y, SharedVariable W1, SharedVariable W2, Variable Loss, Variable NewW1, Variable NewW2, NDArray Xs, NDArray Ys) SeedGraph()
    {
        const int batch = 32, features = 500, hidden = 50, classes = 5;
        var rng = new Random(1234);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var xs = NDArray.From(Enumerable.Range(0, batch * features).Select(_ => (float)rng.NextDouble()).ToArray(), batch, features);
        var ys = NDArray.From(Enumerable.Range(0, batch).Select(_ => (long)rng.Next(classes)).ToArray());
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Shared(NDArray.From(Enumerable.Range(0, features * hidden).Select(_ => 0.01f * Normal()).ToArray(), features, hidden), "w1");
        var w2 = T.Shared(NDArray.From(Enumerable.Range(0, hidden * classes).Select(_ => 0.01f * Normal()).ToArray(), hidden, classes), "w2");
        var probs = T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2));
        var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
        var g = T.Grad(loss, w1, w2);
        return (x, y, w1, w2, loss, w1 - 0.1 * g[0], w2 - 0.1 * g[1], xs, ys);
    }

    /// <summary>
    /// One training step of the seed network on the host, by the reference interpreter (float64
    /// inside, no generated code: it runs in the single-file runner, where Roslyn cannot compile).
    /// </summary>
    public static (NDArray Loss, NDArray W1, NDArray W2) SeedStepOnHost(
        (Variable X, Variable Y, SharedVariable W1, SharedVariable W2, Variable Loss, Variable NewW1, Variable NewW2, NDArray Xs, NDArray Ys) s, NDArray w1, NDArray w2)
    {
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance) { [s.X] = s.Xs, [s.Y] = s.Ys, [s.W1] = w1, [s.W2] = w2 };
        var r = Interpreter.Evaluate([s.Loss, s.NewW1, s.NewW2], given);
        return (r[0], r[1], r[2]);
    }

    /// <summary>20 steps on the device and on the host (the reference interpreter): the losses and the final weights agree within float32 tolerance.</summary>
    public static void SeedNetworkMatchesCpu()
    {
        var host = SeedGraph();
        var gpu = SeedNetwork(Device.Cuda);
        using var _ = gpu.Train;
        NDArray w1 = host.W1.Value, w2 = host.W2.Value;
        for (int step = 0; step < 20; step++)
        {
            NDArray loss;
            (loss, w1, w2) = SeedStepOnHost(host, w1, w2);
            var b = gpu.Train.Invoke(gpu.X, gpu.Y)[0];
            Compare.Close(loss, b, $"loss at step {step + 1}", 1e-4);
        }
        Compare.Close(w1, gpu.W1.Value, "w1 after 20 steps", 1e-4);
        Compare.Close(w2, gpu.W2.Value, "w2 after 20 steps", 1e-4);
    }

    /// <summary>
    /// Training calls copy only their outputs to the host (one copy per call for the loss); the
    /// updated weights are copied back once, when .Value is read, and not again on a second read.
    /// </summary>
    public static void SharedVariablesStayOnDevice()
    {
        var net = SeedNetwork(Device.Cuda);
        using var _ = net.Train;
        var device = CudaDevice.Default;
        net.Train.Invoke(net.X, net.Y); // the first call copies the weights up
        long up = device.HostToDeviceCopies, down = device.DeviceToHostCopies;
        const int calls = 10;
        for (int i = 0; i < calls; i++) net.Train.Invoke(net.X, net.Y);
        long ups = device.HostToDeviceCopies - up, downs = device.DeviceToHostCopies - down;
        if (downs != calls) throw new GpuCheckException($"{calls} training calls made {downs} device-to-host copies; expected {calls} (the loss only).");
        if (ups != 2 * calls) throw new GpuCheckException($"{calls} training calls made {ups} host-to-device copies; expected {2 * calls} (x and y; the weights stay on the device).");
        down = device.DeviceToHostCopies;
        var w1 = net.W1.Value;
        var again = net.W1.Value;
        if (device.DeviceToHostCopies - down != 1 || !ReferenceEquals(w1, again))
            throw new GpuCheckException($"Reading w1.Value twice made {device.DeviceToHostCopies - down} copies; expected 1 (then the host copy is kept).");
        // Setting the value on the host goes back to the device on the next call, and is what it computes with.
        net.W2.Value = NDArray.Zeros(DType.Float32, 50, 5);
        var loss = net.Train.Invoke(net.X, net.Y)[0].Item<float>();
        if (Math.Abs(loss - Math.Log(5)) > 1e-5) throw new GpuCheckException($"With w2 set to zero on the host the loss is {loss}, expected log 5 = {Math.Log(5)}.");
    }

    /// <summary>10,000 training calls, then disposing the function: device memory (cuMemGetInfo) is back where it was after the first calls.</summary>
    public static void NoLeakOverManyCalls()
    {
        var device = CudaDevice.Default;
        var net = SeedNetwork(Device.Cuda);
        for (int i = 0; i < 10; i++) net.Train.Invoke(net.X, net.Y);
        device.Synchronize();
        long settled = device.MemoryInfo().Free;
        for (int i = 0; i < 10_000; i++) net.Train.Invoke(net.X, net.Y);
        device.Synchronize();
        long after = device.MemoryInfo().Free;
        // The driver allocates in 2 MiB pages: anything beyond a page of drift is a leak.
        if (settled - after > 2 << 20)
            throw new GpuCheckException($"Free device memory fell by {(settled - after) / 1024} KiB over 10,000 calls.");
        net.Train.Dispose();
        device.Synchronize();
        if (device.MemoryInfo().Free < settled - (2 << 20))
            throw new GpuCheckException("Disposing the function did not give its device memory back.");
    }
}
