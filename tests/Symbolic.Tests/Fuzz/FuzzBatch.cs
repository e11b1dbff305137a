namespace Symbolic.Tests.Fuzz;

/// <summary>
/// A batch of random expressions built from one seed over one pool of inputs, so that a whole batch
/// compiles as one function (one Roslyn compilation for many graphs). The same seed always builds the
/// same graphs, over fresh variables.
/// </summary>
public sealed class FuzzBatch
{
    private FuzzBatch(int seed, DType dtype, bool smooth, InputPool pool, Expr[] exprs)
    {
        Seed = seed;
        DType = dtype;
        Smooth = smooth;
        Pool = pool;
        Exprs = exprs;
    }

    public int Seed { get; }

    public int MaxDepth { get; private init; }

    public DType DType { get; }

    public bool Smooth { get; }

    public InputPool Pool { get; }

    public Expr[] Exprs { get; }

    public Variable[] Outputs => Exprs.Select(e => e.V).ToArray();

    public static FuzzBatch Build(int seed, DType dtype, bool smooth = false, int count = 25, int maxDepth = 3, int[]? sizes = null)
    {
        var rng = new Random(seed);
        var dims = sizes ?? new[] { 2, 3, 4, 5 }.OrderBy(_ => rng.Next()).Take(3).ToArray();
        var pool = new InputPool(dtype, seed * 7919 + 1);
        var gen = new ExprGenerator(rng, pool, smooth, dims);
        var exprs = new Expr[count];
        for (int i = 0; i < count; i++)
        {
            exprs[i] = gen.Top(gen.RandomShape(2), 1 + rng.Next(maxDepth));
            // Now and then an integer or boolean result, compared exactly (not where gradients are taken).
            if (!smooth && rng.Next(5) == 0) exprs[i] = exprs[i] with { V = gen.IntegerOutput(exprs[i]) };
        }
        return new FuzzBatch(seed, dtype, smooth, pool, exprs) { MaxDepth = maxDepth };
    }

    /// <summary>How to rebuild expression <paramref name="i"/>, and the graph as built.</summary>
    public string Describe(int i) =>
        $"seed {Seed}, expression {i} ({Exprs[i].V.Type}): " +
        $"FuzzBatch.Build({Seed}, DType.{DType}, smooth: {(Smooth ? "true" : "false")}, count: {Exprs.Length}, maxDepth: {MaxDepth}).Exprs[{i}]\n" +
        Graph.DebugPrint(Exprs[i].V);
}
