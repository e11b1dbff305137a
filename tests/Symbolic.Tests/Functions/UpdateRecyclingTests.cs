namespace Symbolic.Tests.Functions;

/// <summary>
/// Updates write into arrays their variables recycle (values replaced earlier that nobody outside
/// could see), and never into an array a caller may hold: one returned by Value, one returned as an
/// output, one a call without updates is still reading, or an input.
/// </summary>
public class UpdateRecyclingTests
{
    private static SharedVariable Weights(string name, int n, float start = 1) =>
        T.Shared(NDArray.From(Enumerable.Range(0, n).Select(i => start + i).ToArray(), n), name);

    private static float[] Expected(int n, float start, float added) =>
        Enumerable.Range(0, n).Select(i => start + i + added).ToArray();

    [Fact]
    public void SteadyStateStepsAlternateBetweenTwoArrays()
    {
        var w = Weights("w", 6);
        var step = Function.Compile([], [], [(w, w + 1)]);
        var seen = new List<NDArray>();
        for (int k = 1; k <= 6; k++)
        {
            step.Invoke();
            seen.Add(w.Peek()!);
            Assert.Equal(Expected(6, 1, k), w.Peek()!.ToArray<float>());
        }
        // The first two steps make fresh arrays (the initial value is the user's); from then on each
        // step writes into the array the step before replaced.
        Assert.NotSame(seen[0], seen[1]);
        for (int k = 2; k < seen.Count; k++) Assert.Same(seen[k - 2], seen[k]);
        Assert.False(w.IsExposed);
        Assert.Equal(Expected(6, 1, 6), w.Value.ToArray<float>());
    }

    [Fact]
    public void AnArrayReadThroughValueIsNeverWrittenAgain()
    {
        var w = Weights("w", 5);
        var x = T.Vector("x");
        var step = Function.Compile([x], [T.Sum(w)], [(w, w - 0.5 * x)]);
        var xs = NDArray.Full(2, DType.Float32, 5);
        for (int k = 0; k < 3; k++) step.Invoke(xs); // recycling from here on
        var held = w.Value;
        var before = held.ToArray<float>();
        Assert.Equal(Expected(5, 1, -3), before);
        for (int k = 0; k < 6; k++)
        {
            step.Invoke(xs);
            Assert.NotSame(held, w.Peek());
        }
        Assert.Equal(before, held.ToArray<float>());
        Assert.Equal(Expected(5, 1, -9), w.Value.ToArray<float>());
    }

    [Fact]
    public void AnOutputThatIsTheNewValueIsNeverWritten()
    {
        var w = Weights("w", 4);
        var step = Function.Compile([], [w + 1], [(w, w + 1)]);
        var outputs = Enumerable.Range(0, 6).Select(_ => step.Invoke()[0]).ToArray();
        for (int k = 0; k < outputs.Length; k++) Assert.Equal(Expected(4, 1, k + 1), outputs[k].ToArray<float>());
        Assert.Equal(Expected(4, 1, 6), w.Value.ToArray<float>());
    }

    [Fact]
    public void AnOutputThatIsTheOldValueIsNeverWritten()
    {
        var w = Weights("w", 4);
        var step = Function.Compile([], [w], [(w, w * 2)]);
        var outputs = Enumerable.Range(0, 6).Select(_ => step.Invoke()[0]).ToArray();
        for (int k = 0; k < outputs.Length; k++)
            Assert.Equal(Enumerable.Range(0, 4).Select(i => (1f + i) * (1 << k)).ToArray(), outputs[k].ToArray<float>());
    }

    [Fact]
    public void ACallWithoutUpdatesThatReturnsTheValueExposesIt()
    {
        var w = Weights("w", 3);
        var step = Function.Compile([], [], [(w, w + 1)]);
        var read = Function.Compile([], [w]);
        step.Invoke();
        step.Invoke();
        var got = read.Invoke()[0];
        Assert.Equal(Expected(3, 1, 2), got.ToArray<float>());
        for (int k = 0; k < 5; k++) step.Invoke();
        Assert.Equal(Expected(3, 1, 2), got.ToArray<float>());
        Assert.Equal(Expected(3, 1, 7), w.Value.ToArray<float>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ACallWithoutUpdatesKeepsWhatItReadsFromBeingRecycled(int variables)
    {
        // The reader takes the values, then (through the hook, on its own thread: it holds no gate)
        // two updating steps run before it computes. Had the value it read been recycled by the first
        // step, the second would have overwritten it.
        var ws = Enumerable.Range(0, variables).Select(k => Weights($"w{k}", 4, 10 * k)).ToArray();
        var step = Function.Compile([], [], ws.Select(w => (w, (Variable)(w + 1))).ToArray());
        var read = Function.Compile([], ws.Select(w => (Variable)(w * 2)).ToArray());
        step.Invoke();
        step.Invoke();
        var current = ws.Select(w => w.Peek()!).ToArray();
        read.AfterSharedRead = () =>
        {
            read.AfterSharedRead = null;
            step.Invoke();
            step.Invoke();
        };
        var outputs = read.Invoke();
        for (int k = 0; k < variables; k++)
        {
            Assert.Equal(Expected(4, 10 * k, 2).Select(v => v * 2).ToArray(), outputs[k].ToArray<float>());
            Assert.Equal(Expected(4, 10 * k, 2), current[k].ToArray<float>()); // dropped, not reused
            Assert.NotSame(current[k], ws[k].Peek());
        }
        // Once the reader is done, recycling resumes.
        var seen = new List<NDArray>();
        for (int s = 0; s < 4; s++)
        {
            step.Invoke();
            seen.Add(ws[0].Peek()!);
        }
        Assert.Same(seen[1], seen[3]);
        Assert.All(ws.Select((w, k) => (w, k)), p => Assert.Equal(Expected(4, 10 * p.k, 8), p.w.Value.ToArray<float>()));
    }

    [Fact]
    public void ShapeChangesDropTheSpareAndRecyclingResumes()
    {
        var w = T.Shared(NDArray.Zeros(DType.Float32, 2), "w");
        var x = T.Vector("x");
        var set = Function.Compile([x], [], [(w, x * 2)]);
        NDArray Input(int n, float v) => NDArray.Full(v, DType.Float32, n);
        var seen = new List<NDArray>();
        int[] sizes = [3, 3, 3, 3, 5, 5, 5, 5, 3, 3, 3];
        for (int k = 0; k < sizes.Length; k++)
        {
            set.Invoke(Input(sizes[k], k));
            seen.Add(w.Peek()!);
            Assert.Equal([sizes[k]], w.Peek()!.Shape);
            Assert.All(w.Peek()!.ToArray<float>(), v => Assert.Equal(2f * k, v));
        }
        Assert.Same(seen[1], seen[3]);
        Assert.Same(seen[5], seen[7]);
        Assert.Same(seen[8], seen[10]);
        Assert.DoesNotContain(seen[4], seen.Take(4));
    }

    [Fact]
    public void AnUpdateToAnInputCopiesItIntoTheSpareAndLeavesTheInputAlone()
    {
        var w = Weights("w", 3);
        var x = T.Vector("x");
        var set = Function.Compile([x], [], [(w, x)]);
        var grow = Function.Compile([], [], [(w, w + 1)]);
        var xs = NDArray.From(new float[] { 7, 8, 9 }, 3);
        set.Invoke(xs); // no spare yet: the value is the input's array, which must never be recycled
        for (int k = 0; k < 4; k++)
        {
            grow.Invoke();
            set.Invoke(xs);
            grow.Invoke();
        }
        Assert.Equal(new float[] { 7, 8, 9 }, xs.ToArray<float>());
        Assert.Equal(new float[] { 8, 9, 10 }, w.Value.ToArray<float>());
    }

    [Fact]
    public void TwoVariablesGivenTheSameValueNeverShareARecycledArray()
    {
        var a = Weights("a", 3);
        var b = Weights("b", 3, 5);
        var both = Function.Compile([], [], [(a, a + b), (b, a + b)]);
        var doubleA = Function.Compile([], [], [(a, a * 2)]);
        doubleA.Invoke();
        doubleA.Invoke(); // a has a spare now
        both.Invoke();
        var bValue = b.Peek()!.ToArray<float>();
        for (int k = 0; k < 4; k++) doubleA.Invoke();
        Assert.Equal(bValue, b.Value.ToArray<float>());
        Assert.Equal(bValue.Select(v => v * 16).ToArray(), a.Value.ToArray<float>());
    }

    [Fact]
    public void SettingValueKeepsTheUsersArrayAndRecyclesTheReplacedOne()
    {
        var w = Weights("w", 3);
        var step = Function.Compile([], [], [(w, w + 1)]);
        step.Invoke();
        step.Invoke();
        var mine = NDArray.From(new float[] { 0, 0, 0 }, 3);
        w.Value = mine;
        for (int k = 0; k < 4; k++) step.Invoke();
        Assert.Equal(new float[] { 0, 0, 0 }, mine.ToArray<float>());
        Assert.Equal(new float[] { 4, 4, 4 }, w.Value.ToArray<float>());
    }

    [Fact]
    public void ACallThatThrowsAfterRecyclingBeganChangesNothing()
    {
        var w = Weights("w", 3);
        var i = T.Vector("i", DType.Int64);
        var step = Function.Compile([i], [], [(w, w + T.Sum(T.Take(w, i)))]);
        var zero = NDArray.From(new long[] { 0 }, 1);
        for (int k = 0; k < 3; k++) step.Invoke(zero); // w += w[0] each time: 1 2 3 -> 2 3 4 -> 4 5 6 -> 8 9 10
        var current = w.Peek();
        Assert.Throws<IndexOutOfRangeException>(() => step.Invoke(NDArray.From(new long[] { 9 }, 1)));
        Assert.Same(current, w.Peek());
        Assert.Equal(new float[] { 8, 9, 10 }, w.Peek()!.ToArray<float>());
        step.Invoke(zero);
        Assert.Equal(new float[] { 16, 17, 18 }, w.Value.ToArray<float>());
    }

    [Fact]
    public void UpdatesWithDestinationsStillRecycle()
    {
        var w = Weights("w", 4);
        var step = Function.Compile([], [T.Sum(w)], [(w, w + 1)]);
        var loss = NDArray.Zeros(DType.Float32);
        var seen = new List<NDArray>();
        for (int k = 0; k < 4; k++)
        {
            Assert.Same(loss, step.Invoke(Array.Empty<NDArray>(), [loss])[0]);
            Assert.Equal(10f + 4 * k, loss.Item<float>());
            seen.Add(w.Peek()!);
        }
        Assert.Same(seen[1], seen[3]);
    }

    [Fact]
    public void StepsIntoRecycledArraysMatchTheInterpreter()
    {
        // A recycled array holds an older value, not zeros: every kernel of an update (the gemm with
        // beta = 1 included) must write its whole result regardless.
        var rng = new Random(3);
        NDArray Random(params int[] shape) => NDArray.From(Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), shape);
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w1 = T.Shared(Random(5, 4), "w1");
        var w2 = T.Shared(Random(4, 3), "w2");
        var b = T.Shared(Random(3), "b");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Relu(T.Dot(x, w1)), w2) + b), y));
        var g = T.Grad(loss, w1, w2, b);
        var next = new[] { w1 - 0.5 * g[0], w2 - 0.5 * g[1], b - 0.5 * g[2] };
        var train = Function.Compile([x, y], [loss], [(w1, next[0]), (w2, next[1]), (b, next[2])]);
        var xs = Random(6, 5);
        var ys = NDArray.From(new long[] { 0, 1, 2, 1, 0, 2 }, 6);
        var seen = new List<NDArray>();
        for (int k = 0; k < 6; k++)
        {
            // The interpreter's step from the current weights, read without exposing them.
            var current = new[] { w1, w2, b }.Select(w => NDArray.From(w.Peek()!.ToArray<float>(), w.Peek()!.Shape)).ToArray();
            var interpreter = new[] { x, y, w1, w2, b }.Zip(new[] { xs, ys }.Concat(current))
                .ToDictionary(p => p.First, p => p.Second);
            var expected = Interpreter.Evaluate([loss, .. next], interpreter);
            var got = train.Invoke(xs, ys);
            Backend.BackendHarness.AssertClose(expected[0], got[0], 1e-5);
            Backend.BackendHarness.AssertClose(expected[1], w1.Peek()!, 1e-5);
            Backend.BackendHarness.AssertClose(expected[2], w2.Peek()!, 1e-5);
            Backend.BackendHarness.AssertClose(expected[3], b.Peek()!, 1e-5);
            seen.Add(w1.Peek()!);
        }
        Assert.Same(seen[3], seen[5]);
    }

    [Fact]
    public void ASteadyStateStepAllocatesFarLessThanItsWeights()
    {
        // 1 MB of weights: without recycling every step allocates at least that much.
        const int n = 512;
        var w = T.Shared(NDArray.Zeros(DType.Float32, n, n), "w");
        var x = T.Matrix("x");
        var step = Function.Compile([x], [T.Sum(w)], [(w, w - 0.01 * T.Dot(T.Transpose(x), x))]);
        var xs = NDArray.Full(0.5, DType.Float32, 4, n);
        for (int k = 0; k < 4; k++) step.Invoke(xs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 4; k++) step.Invoke(xs);
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 4;
        Assert.True(perStep < n * n * sizeof(float) / 4, $"a step allocated {perStep} bytes");
        Assert.Equal(-8 * 0.01f * 4 * 0.25f, w.Value.Item<float>(0, 0), 1e-5f);
    }
}
