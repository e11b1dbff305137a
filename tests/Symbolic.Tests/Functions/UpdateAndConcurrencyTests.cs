namespace Symbolic.Tests.Functions;

/// <summary>Shared-variable updates (all together, after the outputs, all-or-nothing) and calls from many threads.</summary>
public class UpdateAndConcurrencyTests
{
    private static (Function Train, SharedVariable W1, SharedVariable W2, Variable Loss) SeedNetwork(int features, int hidden, int classes)
    {
        var rng = new Random(5);
        NDArray Weights(int r, int c) => NDArray.From(Enumerable.Range(0, r * c).Select(_ => (float)(0.2 * (rng.NextDouble() - 0.5))).ToArray(), r, c);
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Shared(Weights(features, hidden), "w1");
        var w2 = T.Shared(Weights(hidden, classes), "w2");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2)), y));
        var g = T.Grad(loss, w1, w2);
        var train = Function.Compile([x, y], [loss], [(w1, w1 - 0.1 * g[0]), (w2, w2 - 0.1 * g[1])]);
        return (train, w1, w2, loss);
    }

    [Fact]
    public void AnOutOfRangeLabelChangesNoWeight()
    {
        var (train, w1, w2, _) = SeedNetwork(6, 4, 3);
        var xs = NDArray.Full(0.5, DType.Float32, 2, 6);
        var (before1, before2) = (w1.Value, w2.Value);
        var e = Assert.Throws<IndexOutOfRangeException>(() => train.Invoke(xs, NDArray.From(new long[] { 0, 3 }, 2)));
        Assert.Contains("index 3", e.Message);
        Assert.Same(before1, w1.Value);
        Assert.Same(before2, w2.Value);
        train.Invoke(xs, NDArray.From(new long[] { 0, 2 }, 2));
        Assert.NotSame(before1, w1.Value);
        Assert.NotSame(before2, w2.Value);
    }

    [Fact]
    public void AShapeMismatchWithASharedVariableChangesNothingAndNamesBoth()
    {
        var (train, w1, w2, _) = SeedNetwork(6, 4, 3);
        var (before1, before2) = (w1.Value, w2.Value);
        var e = Assert.Throws<ArgumentException>(() => train.Invoke(NDArray.Zeros(DType.Float32, 2, 5), NDArray.From(new long[] { 0, 1 }, 2)));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("'w1'", e.Message);
        Assert.Contains("(2, 5)", e.Message);
        Assert.Same(before1, w1.Value);
        Assert.Same(before2, w2.Value);
    }

    [Fact]
    public void UpdatesMatchTheInterpreter()
    {
        var (train, w1, w2, loss) = SeedNetwork(5, 4, 3);
        var xs = NDArray.From(Enumerable.Range(0, 20).Select(i => (float)Math.Sin(i)).ToArray(), 4, 5);
        var ys = NDArray.From(new long[] { 0, 1, 2, 1 }, 4);
        // The interpreter's view of one step: the loss and the new weights from the old ones.
        var g = T.Grad(loss, w1, w2);
        var inputs = train.Inputs.ToArray();
        var given = new Dictionary<Variable, NDArray> { [inputs[0]] = xs, [inputs[1]] = ys };
        var expected = Interpreter.Evaluate([loss, w1 - 0.1 * g[0], w2 - 0.1 * g[1]], given);
        var got = train.Invoke(xs, ys);
        Backend.BackendHarness.AssertClose(expected[0], got[0]);
        Backend.BackendHarness.AssertClose(expected[1], w1.Value);
        Backend.BackendHarness.AssertClose(expected[2], w2.Value);
    }

    [Fact]
    public void IncrementsAndDecrementsFromManyThreadsCancel()
    {
        var counter = T.Shared(NDArray.Scalar(0, DType.Int32), "counter");
        var inc = Function.Compile([], [], [(counter, counter + 1)]);
        var dec = Function.Compile([], [counter], [(counter, counter - 1)]);
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k => (k % 2 == 0 ? inc : dec).Invoke());
        Assert.Equal(0, counter.Value.Item<int>());
    }

    [Fact]
    public void UpdatesOfSeveralSharedVariablesAreAtomicTogether()
    {
        var a = T.Shared(NDArray.Scalar(0, DType.Int64), "a");
        var b = T.Shared(NDArray.Scalar(0, DType.Int64), "b");
        var both = Function.Compile([], [a - b], [(a, a + 1), (b, b + 1)]);
        var swapped = Function.Compile([], [b - a], [(b, b + 2), (a, a + 2)]);
        var differences = new long[1000];
        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k => differences[k] = (k % 2 == 0 ? both : swapped).Invoke()[0].Item<long>());
        Assert.All(differences, d => Assert.Equal(0L, d));
        Assert.Equal(1500L, a.Value.Item<long>());
        Assert.Equal(1500L, b.Value.Item<long>());
    }

    [Fact]
    public void ACallWithoutUpdatesSeesAllOfAnotherCallsUpdatesOrNone()
    {
        // Eight counters that one function increments together; another function, without updates,
        // reads them all. Each of its calls must see them equal: every update of a call or none.
        var counters = Enumerable.Range(0, 8).Select(k => T.Shared(NDArray.Scalar(0, DType.Int64), $"c{k}")).ToArray();
        var increment = Function.Compile([], [], counters.Select(c => (c, (Variable)(c + 1))).ToArray());
        var read = Function.Compile([], [T.Stack([.. counters], 0)]);
        const int steps = 20000;
        var writer = new Thread(() => { for (int k = 0; k < steps; k++) increment.Invoke(); });
        writer.Start();
        int reads = 0;
        var torn = new List<string>();
        while (writer.IsAlive || reads == 0)
        {
            var values = read.Invoke()[0].ToArray<long>();
            reads++;
            if (values.Distinct().Count() != 1 && torn.Count < 5) torn.Add(string.Join(", ", values));
        }
        writer.Join();
        Assert.True(torn.Count == 0, $"reads saw half-applied updates: {string.Join("; ", torn)}");
        Assert.All(counters, c => Assert.Equal(steps, c.Value.Item<long>()));
    }

    [Fact]
    public void CallsWithoutUpdatesTakeNoLockButCallsWithUpdatesWait()
    {
        var w = T.Shared(NDArray.Full(2, DType.Float32, 3), "w");
        var read = Function.Compile([], [T.Sum(w)]);
        var write = Function.Compile([], [], [(w, w * 2)]);
        NDArray[]? readResult = null;
        var reading = new Thread(() => readResult = read.Invoke());
        var writing = new Thread(() => write.Invoke());
        lock (w.Gate)
        {
            reading.Start();
            Assert.True(reading.Join(TimeSpan.FromSeconds(30)), "a call without updates waited for a shared variable's lock");
            Assert.Equal(6f, readResult![0].Item<float>());
            writing.Start();
            Assert.False(writing.Join(TimeSpan.FromMilliseconds(100)), "a call with updates ran while its shared variable was locked");
            Assert.Equal(6f, read.Invoke()[0].Item<float>());
        }
        Assert.True(writing.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(12f, read.Invoke()[0].Item<float>());
    }

    [Fact]
    public void ParallelCallsOfOneFunctionGiveEachCallersResult()
    {
        var x = T.Matrix("x");
        var v = T.Vector("v");
        var f = Function.Compile([x, v], [T.Softmax(T.Dot(x, T.Transpose(x)) + v), T.Argmax(x, 1)]);
        var inputs = Enumerable.Range(0, 32).Select(k =>
        (
            NDArray.From(Enumerable.Range(0, 12).Select(i => (float)Math.Cos(i * (k + 1))).ToArray(), 4, 3),
            NDArray.From(Enumerable.Range(0, 4).Select(i => (float)(k * 0.1 - i)).ToArray(), 4)
        )).ToArray();
        var serial = inputs.Select(p => f.Invoke(p.Item1, p.Item2)).ToArray();
        var parallel = new NDArray[32][];
        Parallel.For(0, 32, k => parallel[k] = f.Invoke(inputs[k].Item1, inputs[k].Item2));
        for (int k = 0; k < 32; k++)
        {
            Assert.Equal(serial[k][0].ToArray<float>(), parallel[k][0].ToArray<float>());
            Assert.Equal(serial[k][1].ToArray<long>(), parallel[k][1].ToArray<long>());
        }
    }

    [Fact]
    public void SharedValuesAreReadAtCallStartAndMayChangeSize()
    {
        var w = T.Shared(NDArray.From(new float[] { 1, 2 }, 2), "w");
        var x = T.Vector("x");
        var f = Function.Compile([x], [x * T.Sum(w)]);
        Assert.Equal(new float[] { 3 }, f.Invoke(NDArray.From(new float[] { 1 }, 1))[0].ToArray<float>());
        w.Value = NDArray.From(new float[] { 1, 2, 3, 4 }, 4);
        Assert.Equal(new float[] { 10, 20 }, f.Invoke(NDArray.From(new float[] { 1, 2 }, 2))[0].ToArray<float>());
    }

    [Fact]
    public void AnUpdateMayReadAnInputAndAnOutputMayBeTheSharedVariable()
    {
        var w = T.Shared(NDArray.From(new double[] { 1, 2 }, 2), "w");
        var x = T.Vector("x", DType.Float64);
        var f = Function.Compile([x], [w, w + x], [(w, x)]);
        var outs = f.Invoke(NDArray.From(new double[] { 5, 6 }, 2));
        Assert.Equal(new double[] { 1, 2 }, outs[0].ToArray<double>());
        Assert.Equal(new double[] { 6, 8 }, outs[1].ToArray<double>());
        Assert.Equal(new double[] { 5, 6 }, w.Value.ToArray<double>());
    }
}
