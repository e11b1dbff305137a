using System.Diagnostics;

namespace Symbolic.Nn;

/// <summary>
/// A compiled training step and the loop around it. The step takes (input, target), returns the
/// loss and applies the optimizer's updates; <see cref="Fit"/> runs it over shuffled mini-batches
/// (rows of the data, reshuffled each epoch from a seeded generator) and returns the mean loss of
/// each epoch.
/// </summary>
public sealed class Trainer
{
    /// <param name="input">The network's input variable.</param>
    /// <param name="target">The target variable the loss compares against.</param>
    /// <param name="loss">A scalar cost of <paramref name="input"/>, <paramref name="target"/> and the parameters.</param>
    /// <param name="parameters">What the optimizer trains.</param>
    /// <param name="optimizer">Builds the updates.</param>
    /// <param name="options">Compile options for both functions.</param>
    public Trainer(Variable input, Variable target, Variable loss, IReadOnlyList<SharedVariable> parameters,
        Optimizer optimizer, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (loss.NDim != 0) throw new ArgumentException($"The loss '{loss}' must be a scalar, not of rank {loss.NDim}.", nameof(loss));
        Input = input;
        Target = target;
        Loss = loss;
        Parameters = [.. parameters];
        Step = Function.Compile([input, target], [loss], updates: optimizer.Updates(loss, Parameters), options: options);
        Evaluator = Function.Compile([input, target], [loss], options: options);
    }

    /// <summary>A trainer for <paramref name="model"/> applied to a matrix input of its parameters'
    /// dtype, with <paramref name="loss"/> of (prediction, target).</summary>
    /// <param name="model">The network; its parameters are trained.</param>
    /// <param name="loss">For example <see cref="Nn.Loss.CategoricalCrossentropy"/>.</param>
    /// <param name="target">The target variable, for example <c>T.Vector("y", DType.Int64)</c>.</param>
    /// <param name="optimizer">Builds the updates.</param>
    /// <param name="options">Compile options.</param>
    public static Trainer For(Layer model, Func<Variable, Variable, Variable> loss, Variable target, Optimizer optimizer, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        var parameters = model.Parameters;
        var x = T.Matrix("x", parameters.Count > 0 ? parameters[0].DType : T.FloatX);
        return new Trainer(x, target, loss(model.Apply(x), target), parameters, optimizer, options);
    }

    public Variable Input { get; }

    public Variable Target { get; }

    public Variable Loss { get; }

    public IReadOnlyList<SharedVariable> Parameters { get; }

    /// <summary>(input, target) → loss, applying the updates.</summary>
    public Function Step { get; }

    /// <summary>(input, target) → loss, changing nothing.</summary>
    public Function Evaluator { get; }

    /// <summary>The loss on (<paramref name="x"/>, <paramref name="y"/>) with the current parameters.</summary>
    public double Evaluate(NDArray x, NDArray y) => Evaluator.Invoke(x, y)[0].ToDoubles()[0];

    /// <summary>
    /// Trains for <paramref name="epochs"/> passes over the rows of <paramref name="x"/> and
    /// <paramref name="y"/> (same first dimension) in shuffled batches of <paramref name="batchSize"/>
    /// rows (the last may be smaller). The order comes from <c>new Random(seed)</c>, so a run repeats
    /// exactly. Writes one line an epoch to <paramref name="log"/> (standard output when null; pass
    /// <see cref="TextWriter.Null"/> for silence) and returns each epoch's loss: the mean of its
    /// batches' losses weighted by their sizes, as computed before each batch's update.
    /// </summary>
    public double[] Fit(NDArray x, NDArray y, int epochs, int batchSize, int seed = 0, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (x.NDim == 0 || y.NDim == 0) throw new ArgumentException("Inputs and targets need a first (row) dimension.");
        int n = x.Shape[0];
        if (y.Shape[0] != n) throw new ArgumentException($"The input has {n} rows but the target has {y.Shape[0]}.", nameof(y));
        if (n == 0) throw new ArgumentException("There are no rows to train on.", nameof(x));
        log ??= Console.Out;
        var xs = Rows.Of(x);
        var ys = Rows.Of(y);
        var rng = new Random(seed);
        var order = Enumerable.Range(0, n).ToArray();
        var losses = new double[epochs];
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            rng.Shuffle(order);
            double sum = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                var rows = order.AsSpan(start, Math.Min(batchSize, n - start)).ToArray();
                var l = Step.Invoke(xs.Take(rows), ys.Take(rows))[0].ToDoubles()[0];
                sum += l * rows.Length;
            }
            losses[epoch] = sum / n;
            log.WriteLine($"epoch {epoch + 1,3}/{epochs}  loss {losses[epoch]:F6}  ({clock.Elapsed.TotalSeconds:F2} s)");
        }
        return losses;
    }
}
