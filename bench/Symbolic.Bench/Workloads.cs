namespace Symbolic.Bench;

/// <summary>
/// The graphs the benchmarks measure, each with its seeded data, built only through the public API
/// (<c>T</c>, <c>Function</c>, <c>CompileOptions</c>, <c>NDArray</c>, <c>SharedVariable</c>), so the
/// same code measures today's backend and whatever replaces it.
/// </summary>
public static class Workloads
{
    /// <summary><c>tanh(x) * sigmoid(y) + exp(-x * x)</c>.</summary>
    public static Variable Chain(Variable x, Variable y) => T.Tanh(x) * T.Sigmoid(y) + T.Exp(-x * x);

    /// <summary><c>(x * 2 + 1) * 3 - x</c>.</summary>
    public static Variable Affine(Variable x) => (x * 2 + 1) * 3 - x;
}

/// <summary>The fused elementwise chain over <see cref="N"/> float32 (x, y uniform in [-3, 3]).</summary>
public sealed class ElementwiseChain
{
    public const int N = 10_000_000;
    public float[] X { get; } = SeededData.Uniform(11, N, -3, 3);
    public float[] Y { get; } = SeededData.Uniform(12, N, -3, 3);
    public NDArray XArray { get; }
    public NDArray YArray { get; }

    public ElementwiseChain()
    {
        XArray = NDArray.From(X, N);
        YArray = NDArray.From(Y, N);
    }

    public static Function Compile(CompileOptions? options = null)
    {
        var x = T.Vector("x");
        var y = T.Vector("y");
        return Function.Compile([x, y], [Workloads.Chain(x, y)], options: options);
    }

    public NDArray Run(Function f) => f.Invoke(XArray, YArray)[0];
}

/// <summary><c>(x*2+1)*3 - x</c> over <see cref="N"/> float32.</summary>
public sealed class AffineChain
{
    public const int N = 4 * 1024 * 1024;
    public float[] X { get; } = SeededData.Uniform(21, N, -1, 1);
    public NDArray XArray { get; }

    public AffineChain() => XArray = NDArray.From(X, N);

    public static Function Compile(CompileOptions? options = null)
    {
        var x = T.Vector("x");
        return Function.Compile([x], [Workloads.Affine(x)], options: options);
    }

    public NDArray Run(Function f) => f.Invoke(XArray)[0];
}

/// <summary>
/// A classifier's SGD training step: <c>relu(x w1 + b1) w2 + b2</c>, softmax, mean categorical
/// cross-entropy against int64 labels, every parameter shared and updated by <c>p - lr * grad</c>.
/// Weights start at 0.01 times a standard normal, biases at zero; x is uniform in [0, 1).
/// </summary>
public sealed class TrainingStep
{
    public int Batch { get; }
    public int[] Layers { get; }
    public double LearningRate { get; }
    public NDArray XArray { get; }
    public NDArray YArray { get; }
    public IReadOnlyList<Variable> Inputs { get; }
    public IReadOnlyList<Variable> Outputs { get; }
    public IReadOnlyList<(SharedVariable, Variable)> Updates { get; }

    /// <param name="layers">Sizes from the input features to the classes, e.g. 500, 50, 5.</param>
    /// <param name="activation">The hidden layers' activation (relu where null).</param>
    public TrainingStep(int batch, int[] layers, double learningRate, int seed, Func<Variable, Variable>? activation = null)
    {
        activation ??= T.Relu;
        Batch = batch;
        Layers = layers;
        LearningRate = learningRate;
        int classes = layers[^1];
        XArray = NDArray.From(SeededData.Uniform(seed, batch * layers[0], 0, 1), batch, layers[0]);
        YArray = NDArray.From(SeededData.Labels(seed + 1, batch, classes), batch);

        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var parameters = new List<SharedVariable>();
        Variable h = x;
        for (int l = 0; l + 1 < layers.Length; l++)
        {
            var w = T.Shared(NDArray.From(SeededData.Normal(seed + 10 + l, layers[l] * layers[l + 1], 0.01f), layers[l], layers[l + 1]), $"w{l + 1}");
            var b = T.Shared(NDArray.Zeros(DType.Float32, layers[l + 1]), $"b{l + 1}");
            parameters.Add(w);
            parameters.Add(b);
            h = T.Dot(h, w) + b;
            if (l + 2 < layers.Length) h = activation(h);
        }
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(h), y));
        var grads = T.Grad(loss, parameters.Cast<Variable>().ToArray());
        Inputs = [x, y];
        Outputs = [loss];
        Updates = parameters.Select((p, i) => (p, p - learningRate * grads[i])).ToArray();
    }

    /// <summary>The seed network: x 32x500, 500 -> 50 -> 5, learning rate 0.1.</summary>
    public static TrainingStep Seed() => new(32, [500, 50, 5], 0.1, 100);

    /// <summary>The MLP: x 256x784, 784 -> 1024 -> 1024 -> 10, learning rate 0.01.</summary>
    public static TrainingStep Mlp() => new(256, [784, 1024, 1024, 10], 0.01, 200);

    public Function Compile(CompileOptions? options = null) =>
        Function.Compile(Inputs.ToArray(), Outputs.ToArray(), Updates.ToArray(), options);

    public float Run(Function train) => train.Invoke(XArray, YArray)[0].Item<float>();
}

/// <summary><c>dot(a, b)</c> of two n x n float32 matrices (uniform in [-1, 1]).</summary>
public sealed class Gemm
{
    public int Size { get; }
    public NDArray A { get; }
    public NDArray B { get; }

    public Gemm(int size)
    {
        Size = size;
        A = NDArray.From(SeededData.Uniform(31, size * size, -1, 1), size, size);
        B = NDArray.From(SeededData.Uniform(32, size * size, -1, 1), size, size);
    }

    public static Function Compile()
    {
        var a = T.Matrix("a");
        var b = T.Matrix("b");
        return Function.Compile([a, b], [T.Dot(a, b)]);
    }

    public NDArray Run(Function f) => f.Invoke(A, B)[0];

    public double GFlops(double ms) => 2.0 * Size * Size * Size / (ms * 1e6);
}
