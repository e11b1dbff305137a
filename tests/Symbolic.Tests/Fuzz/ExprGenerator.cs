using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Fuzz;

/// <summary>
/// A random expression together with what the generator knows about it: its run-time shape (a size 1
/// there is always a static, broadcastable 1) and a rough bound on the magnitude of its values.
/// </summary>
public sealed record Expr(Variable V, int[] Shape, double Bound);

/// <summary>
/// The inputs of one batch of random expressions: variables by run-time shape, each with its value,
/// so that expressions of one batch share inputs and can be compiled as the outputs of one function.
/// </summary>
public sealed class InputPool(DType dtype, int seed)
{
    private readonly Random values = new(seed);
    private readonly List<(Variable Var, NDArray Value)> inputs = [];
    private readonly Dictionary<string, List<Variable>> byShape = [];

    public DType DType { get; } = dtype;

    public Variable[] Variables => inputs.Select(p => p.Var).ToArray();

    public NDArray[] Values => inputs.Select(p => p.Value).ToArray();

    public Dictionary<Variable, NDArray> Given()
    {
        var given = new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance);
        foreach (var (v, a) in inputs) given[v] = a;
        return given;
    }

    /// <summary>An input of this shape: an existing one (so that subexpressions meet again) or a new one.</summary>
    public Variable Get(int[] shape, Random rng)
    {
        string key = string.Join("x", shape);
        if (!byShape.TryGetValue(key, out var list)) byShape[key] = list = [];
        if (list.Count > 0 && (list.Count >= 2 || rng.Next(3) > 0)) return list[rng.Next(list.Count)];
        var v = T.Tensor($"in{inputs.Count}", DType, shape.Select(d => d == 1 ? (int?)1 : null).ToArray());
        inputs.Add((v, BackendHarness.Random(values, DType, shape)));
        list.Add(v);
        return v;
    }
}

/// <summary>
/// A seeded generator of random float expressions over the elementwise ops, comparisons and switch,
/// casts, reductions, dot, transposes and dimshuffles, reshapes, slicing, concatenation, take and
/// softmax, broadcasting scalars, vectors, rows and columns against each other. Operands are kept in
/// their ops' domains (the argument of a log or a square root is made positive, that of an exp
/// bounded), so the values stay finite and comparisons between backends are meaningful. In smooth
/// mode only ops with a derivative everywhere (or almost everywhere, away from measure-zero ties)
/// are used, for finite-difference checks.
/// </summary>
public sealed class ExprGenerator
{
    private const int MaxRank = 3;
    private readonly Random rng;
    private readonly InputPool pool;
    private readonly bool smooth;
    private readonly int[] sizes;

    public ExprGenerator(Random rng, InputPool pool, bool smooth, int[] sizes)
    {
        this.rng = rng;
        this.pool = pool;
        this.smooth = smooth;
        this.sizes = sizes;
    }

    private DType F => pool.DType;

    private int Size() => sizes[rng.Next(sizes.Length)];

    private bool Coin(double p = 0.5) => rng.NextDouble() < p;

    private T1 Pick<T1>(params T1[] xs) => xs[rng.Next(xs.Length)];

    /// <summary>A random shape of rank at most <paramref name="maxRank"/>, with broadcastable 1s now and then.</summary>
    public int[] RandomShape(int maxRank = 2) =>
        Enumerable.Range(0, rng.Next(maxRank + 1)).Select(_ => Coin(0.2) ? 1 : Size()).ToArray();

    /// <summary>A top-level expression: never a bare leaf.</summary>
    public Expr Top(int[] shape, int depth)
    {
        for (int attempt = 0; ; attempt++)
        {
            var e = Node(shape, depth);
            if (e.V.Owner is not null || attempt > 20) return e;
        }
    }

    public Expr Gen(int[] shape, int depth)
    {
        if (depth <= 0 || Coin(0.12)) return Leaf(shape);
        return Node(shape, depth);
    }

    private Expr Node(int[] shape, int depth)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int choice = rng.Next(100);
            Expr? e = choice switch
            {
                < 12 => Bait(shape, depth - 1),
                < 18 => Unary(shape, depth - 1),
                < 38 => Binary(shape, depth - 1),
                < 44 => SwitchOf(shape, depth - 1),
                < 48 => CastOf(shape, depth - 1),
                < 58 => Reduction(shape, depth - 1),
                < 65 => DotOf(shape, depth - 1),
                < 70 => Shuffle(shape, depth - 1),
                < 75 => ReshapeOf(shape, depth - 1),
                < 80 => SliceOf(shape, depth - 1),
                < 84 => ConcatOf(shape, depth - 1),
                < 88 => TakeOf(shape, depth - 1),
                < 94 => SoftmaxOf(shape, depth - 1),
                < 96 => StackOf(shape, depth - 1),
                < 98 => Loss(shape, depth - 1),
                _ => Bait(shape, depth - 1),
            };
            if (e is not null) return Check(e);
        }
        return Leaf(shape);
    }

    /// <summary>
    /// An integer or boolean result computed from a float expression (casts, arg-reductions, integer
    /// sums and products that may wrap, comparisons), compared exactly.
    /// </summary>
    public Variable IntegerOutput(Expr e)
    {
        var it = Pick(DType.Int32, DType.Int64);
        var i = T.Cast(T.Tanh(e.V) * 7, it);
        var b = T.Gt(e.V, 0);
        int r = e.Shape.Length;
        return rng.Next(9) switch
        {
            0 => i,
            1 => r > 0 ? T.Argmax(e.V, rng.Next(-r, r), Coin()) : T.Argmax(e.V),
            2 => T.Sum(b),
            3 => r > 0 ? T.Sum(i, [rng.Next(r)], Coin()) : T.Sum(i),
            4 => T.Prod(i * 11 + 1),
            5 => i * i - 3 * i,
            6 => T.Cast(b, it) + T.Not(b),
            7 => r > 0 ? T.Argmin(i, -1, true) : T.Abs(i),
            _ => T.And(b, T.Lt(e.V, 1)),
        };
    }

    /// <summary>The generator's invariant: run-time size 1 exactly where the type says it broadcasts.</summary>
    private static Expr Check(Expr e)
    {
        if (e.V.NDim != e.Shape.Length)
            throw new InvalidOperationException($"Generator: {e.V} has rank {e.V.NDim}, expected shape [{string.Join(",", e.Shape)}].");
        for (int d = 0; d < e.Shape.Length; d++)
            if ((e.Shape[d] == 1) != e.V.Broadcastable[d])
                throw new InvalidOperationException($"Generator: {Graph.DebugPrint(e.V)} has broadcastable [{string.Join(",", e.V.Broadcastable)}], expected shape [{string.Join(",", e.Shape)}].");
        return e;
    }

    // ---- leaves ---------------------------------------------------------------------------------

    private Expr Leaf(int[] shape)
    {
        if (!constantsOnly && Coin(0.85)) return new Expr(pool.Get(shape, rng), shape, 2);
        double[] data = Enumerable.Range(0, NDArray.ShapeSize(shape)).Select(_ => Math.Round(rng.NextDouble() * 4 - 2, 2)).ToArray();
        return new Expr(T.Constant(NDArray.FromDoubles(F, shape, data)), shape, 2);
    }

    /// <summary>A bare number (a weak constant) or a scalar of the batch's dtype.</summary>
    private Expr Number() => Coin(0.7)
        ? new Expr(T.Constant(Pick(0.5, 2.0, -1.5, 3.0, 0.25, -0.75, 1.0, 0.0)), [], 3)
        : new Expr(T.Constant(Math.Round(rng.NextDouble() * 4 - 2, 2), F), [], 2);

    // ---- domains --------------------------------------------------------------------------------

    /// <summary>
    /// A bare number as a constant of the batch's dtype: alone, a bare number is FloatX, and an op on it
    /// alone would be computed in float32 even in a float64 graph.
    /// </summary>
    private Expr Typed(Expr e) => e.V is Constant { IsWeak: true } c ? e with { V = T.Constant(c.ScalarValue, F) } : e;

    /// <summary>Brings the values within [-limit, limit], by a smooth squash where it can.</summary>
    private Expr Bounded(Expr e, double limit)
    {
        e = Typed(e);
        if (e.Bound <= limit) return e;
        int k = rng.Next(smooth ? 3 : 4);
        return k switch
        {
            0 => new Expr(T.Tanh(e.V) * limit, e.Shape, limit),
            1 => new Expr(T.Sin(e.V) * limit, e.Shape, limit),
            2 => new Expr(e.V * (limit / e.Bound), e.Shape, limit),
            _ => new Expr(T.Clip(e.V, -limit, limit), e.Shape, limit),
        };
    }

    /// <summary>Values in [lo, hi] with lo at least <paramref name="minLo"/> (positive).</summary>
    private (Expr E, double Lo) Positive(Expr e, double minLo)
    {
        e = Typed(e);
        for (; ; )
        {
            int k = rng.Next(smooth ? 4 : 6);
            switch (k)
            {
                case 0:
                {
                    var b = Bounded(e, Math.Min(3, -Math.Log(minLo)));
                    return (new Expr(T.Exp(b.V), e.Shape, Math.Exp(b.Bound)), Math.Exp(-b.Bound));
                }
                case 1:
                {
                    var b = Bounded(e, 4);
                    return (new Expr(T.Sqr(b.V) + 0.5, e.Shape, b.Bound * b.Bound + 0.5), 0.5);
                }
                case 2:
                {
                    var b = Bounded(e, 3);
                    double lo = 1 / (1 + Math.Exp(b.Bound));
                    if (lo < minLo) continue;
                    return (new Expr(T.Sigmoid(b.V), e.Shape, 1), lo);
                }
                case 3:
                {
                    var b = Bounded(e, 3);
                    double lo = Math.Log(1 + Math.Exp(-b.Bound));
                    if (lo < minLo) continue;
                    return (new Expr(T.Softplus(b.V), e.Shape, b.Bound + 1), lo);
                }
                case 4:
                    return (new Expr(T.Abs(e.V) + 0.25, e.Shape, e.Bound + 0.25), 0.25);
                default:
                {
                    var b = Bounded(e, 5);
                    return (new Expr(T.Maximum(b.V, 0.3), e.Shape, Math.Max(b.Bound, 0.3)), 0.3);
                }
            }
        }
    }

    private Expr Squash(Expr e) => e.Bound > 30 ? Bounded(e, 3) : e;

    // ---- elementwise ----------------------------------------------------------------------------

    private Expr Unary(int[] shape, int depth)
    {
        var x = Gen(shape, depth);
        int k = rng.Next(smooth ? 13 : 19);
        Expr r = k switch
        {
            0 => new Expr(-x.V, shape, x.Bound),
            1 => new Expr(T.Tanh(x.V), shape, 1),
            2 => new Expr(T.Sigmoid(x.V), shape, 1),
            3 => new Expr(T.Softplus(Bounded(x, 10).V), shape, Math.Min(x.Bound, 10) + 1),
            4 => new Expr(T.Sin(x.V), shape, 1),
            5 => new Expr(T.Cos(x.V), shape, 1),
            6 => Sq(Bounded(x, 5)),
            7 => ExpOf(Bounded(x, 3)),
            8 => LogOf(Positive(x, 0.02)),
            9 => SqrtOf(Positive(x, 0.05)),
            10 => Log1pOf(x),
            11 => Expm1Of(Bounded(x, 3)),
            12 => PowOf(x),
            13 => new Expr(T.Abs(x.V), shape, x.Bound),
            14 => new Expr(T.Sign(x.V), shape, 1),
            15 => new Expr(T.Relu(x.V), shape, x.Bound),
            16 => new Expr(T.Floor(x.V), shape, x.Bound + 1),
            17 => new Expr(T.Ceil(x.V), shape, x.Bound + 1),
            _ => new Expr(T.Clip(x.V, -1, 0.5), shape, 1),
        };
        return Squash(r);

        Expr Sq(Expr b) => new(Coin() ? T.Sqr(b.V) : Coin() ? T.Pow(b.V, 2) : b.V * b.V, b.Shape, b.Bound * b.Bound);
    }

    private Expr ExpOf(Expr b) => new(T.Exp(b.V), b.Shape, Math.Exp(b.Bound));

    private Expr Expm1Of(Expr b) => new(T.Expm1(b.V), b.Shape, Math.Exp(b.Bound));

    private Expr LogOf((Expr E, double Lo) p) => new(T.Log(p.E.V), p.E.Shape, Math.Max(-Math.Log(p.Lo), Math.Log(Math.Max(1, p.E.Bound))) + 1);

    private Expr SqrtOf((Expr E, double Lo) p) => new(T.Sqrt(p.E.V), p.E.Shape, Math.Sqrt(p.E.Bound));

    private Expr Log1pOf(Expr x)
    {
        if (Coin(0.3))
        {
            // log1p(-sigmoid(x)) and log(1 - sigmoid(x)): arguments in (-1, 0).
            var b = Bounded(x, 3);
            var s = T.Sigmoid(b.V);
            return new Expr(Coin() ? T.Log1p(-s) : T.Log(1 - s), x.Shape, b.Bound + 1);
        }
        var (p, _) = Positive(x, 0.01);
        return new Expr(Coin() ? T.Log1p(p.V) : T.Log(1 + p.V), x.Shape, Math.Log(1 + p.Bound));
    }

    private Expr PowOf(Expr x)
    {
        // Bounded first: bounding after would lose the sign.
        var (p, lo) = Positive(Bounded(x, 2), 0.1);
        if (Coin(0.6))
        {
            double c = Pick(0.0, 1.0, 2.0, 0.5, 3.0, -1.0, -0.5, 1.5);
            return new Expr(T.Pow(p.V, c), x.Shape, Math.Max(Math.Pow(Math.Max(p.Bound, 1), Math.Abs(c)), Math.Pow(Math.Max(lo, 0.1), -Math.Abs(c))));
        }
        var y = Bounded(Gen(BroadcastPartner(x.Shape), 1), 2);
        return new Expr(T.Pow(p.V, y.V), x.Shape, Math.Max(Math.Pow(Math.Max(p.Bound, 1), 2), Math.Pow(Math.Max(lo, 0.1), -2)));
    }

    /// <summary>A shape that broadcasts onto <paramref name="shape"/>: trailing dimensions of it, some turned into 1.</summary>
    private int[] BroadcastPartner(int[] shape)
    {
        int r = Coin(0.6) ? shape.Length : rng.Next(shape.Length + 1);
        return shape[(shape.Length - r)..].Select(d => Coin(0.25) ? 1 : d).ToArray();
    }

    private (Expr A, Expr B) Operands(int[] shape, int depth)
    {
        var a = Gen(shape, depth);
        var b = Coin(0.2) ? Number() : Gen(BroadcastPartner(shape), depth);
        return Coin() ? (a, b) : (b, a);
    }

    private Expr Binary(int[] shape, int depth)
    {
        int k = rng.Next(smooth ? 5 : 7);
        var (a, b) = Operands(shape, depth);
        Expr r;
        switch (k)
        {
            case 0: r = new Expr(Coin() ? a.V + b.V : T.Add(a.V, b.V), shape, a.Bound + b.Bound); break;
            case 1: r = new Expr(a.V - b.V, shape, a.Bound + b.Bound); break;
            case 2:
                a = Bounded(a, 10);
                b = Bounded(b, 10);
                r = new Expr(a.V * b.V, shape, a.Bound * b.Bound);
                break;
            case 3:
            {
                // The divisor is kept away from zero.
                bool swap = Coin();
                var num = swap ? b : a;
                var (den, lo) = Positive(swap ? a : b, 0.1);
                r = new Expr(swap ? T.Div(num.V, den.V) : num.V / den.V, shape, num.Bound / lo);
                break;
            }
            case 4: r = PowOf(a.Shape.SequenceEqual(shape) ? a : b); break;
            case 5: r = new Expr(T.Maximum(a.V, b.V), shape, Math.Max(a.Bound, b.Bound)); break;
            default: r = new Expr(T.Minimum(a.V, b.V), shape, Math.Max(a.Bound, b.Bound)); break;
        }
        return Squash(r);
    }

    private Variable Condition(int[] shape, int depth)
    {
        var (a, b) = Operands(shape, depth);
        var c = rng.Next(smooth ? 4 : 6) switch
        {
            0 => T.Lt(a.V, b.V),
            1 => T.Le(a.V, b.V),
            2 => T.Gt(a.V, b.V),
            3 => T.Ge(a.V, b.V),
            4 => T.Eq(T.Sign(a.V), T.Sign(b.V)),
            _ => T.Neq(T.Floor(a.V), T.Floor(b.V)),
        };
        if (depth > 0 && Coin(0.25))
        {
            var d = Condition(BroadcastPartner(shape), depth - 1);
            c = rng.Next(3) switch { 0 => T.And(c, d), 1 => T.Or(c, d), _ => T.Not(T.And(c, d)) };
        }
        return c;
    }

    private Expr? SwitchOf(int[] shape, int depth)
    {
        var cond = Condition(Coin() ? shape : BroadcastPartner(shape), depth);
        var a = Gen(shape, depth);
        var b = Coin(0.3) ? Number() : Gen(BroadcastPartner(shape), depth);
        if (cond.NDim > shape.Length) return null;
        if (Coin(0.3)) return new Expr(T.Cast(cond, F) * a.V + b.V, shape, a.Bound + b.Bound);
        return Coin() ? new Expr(T.Switch(cond, a.V, b.V), shape, Math.Max(a.Bound, b.Bound))
                      : new Expr(T.Switch(cond, b.V, a.V), shape, Math.Max(a.Bound, b.Bound));
    }

    private Expr? CastOf(int[] shape, int depth)
    {
        // Casts round (to float32 at least), which finite differences cannot see through.
        if (smooth) return null;
        var x = Gen(shape, depth);
        if (Coin(0.2))
        {
            var other = F == DType.Float32 ? DType.Float64 : DType.Float32;
            return new Expr(T.Cast(T.Cast(x.V, other), F), shape, x.Bound);
        }
        var it = Pick(DType.Int32, DType.Int64);
        var i = T.Cast(Bounded(x, 20).V * 3, it);
        double bound = 61;
        switch (rng.Next(5))
        {
            case 0: i = T.Abs(i); break;
            case 1: i = -i + 2; break;
            case 2: i = i * T.Cast(T.Gt(x.V, 0), it); break;
            case 3: i = T.Maximum(i, T.Cast(Bounded(Gen(BroadcastPartner(shape), depth), 5).V, it)); break;
        }
        if (Coin(0.3)) return new Expr(i + x.V, shape, bound + x.Bound);  // int + float upcasts
        return new Expr(T.Cast(i, F), shape, bound);
    }

    // ---- reductions -----------------------------------------------------------------------------

    /// <summary>An operand shape and axes whose reduction gives <paramref name="shape"/>; null where none fits the rank limit.</summary>
    private (int[] Inner, int[] Axes, bool Keep)? ReducedFrom(int[] shape)
    {
        bool keep = Coin(0.35) && shape.Contains(1);
        int[] inner;
        List<int> axes = [];
        if (keep)
        {
            inner = (int[])shape.Clone();
            for (int d = 0; d < shape.Length; d++)
                if (shape[d] == 1 && (axes.Count == 0 || Coin()))
                {
                    axes.Add(d);
                    inner[d] = Coin(0.85) ? Size() : 1;
                }
        }
        else
        {
            int maxExtra = MaxRank - shape.Length;
            if (maxExtra <= 0) return null;
            int q = 1 + rng.Next(Math.Min(2, maxExtra));
            var list = shape.ToList();
            for (int j = 0; j < q; j++) list.Insert(rng.Next(list.Count + 1), -1);
            inner = list.Select(d => d == -1 ? (Coin(0.1) ? 1 : Size()) : d).ToArray();
            for (int d = 0; d < list.Count; d++) if (list[d] == -1) axes.Add(d);
        }
        return (inner, axes.ToArray(), keep);
    }

    private int[] SpellAxes(int[] axes, int ndim) => axes.Select(a => Coin(0.3) ? a - ndim : a).ToArray();

    private Expr? Reduction(int[] shape, int depth)
    {
        if (ReducedFrom(shape) is not var (inner, axes, keep)) return null;
        int kind = rng.Next(smooth ? 3 : 7);
        var x = Gen(inner, depth);
        int count = axes.Aggregate(1, (p, a) => p * inner[a]);
        bool all = !keep && axes.Length == inner.Length && Coin(0.4);
        int[] ax = SpellAxes(axes, inner.Length);
        if (kind == 2) x = Bounded(x, 1.3);
        var v = x.V;
        var r = kind switch
        {
            0 => all ? T.Sum(v) : ax.Length == 1 && Coin() ? T.Sum(v, ax[0], keep) : T.Sum(v, ax, keep),
            1 => all ? T.Mean(v) : T.Mean(v, ax, keep),
            2 => all ? T.Prod(v) : T.Prod(v, ax, keep),
            3 => all ? T.Max(v) : T.Max(v, ax, keep),
            4 => all ? T.Min(v) : T.Min(v, ax, keep),
            5 => T.Cast(all ? T.Argmax(v) : T.Argmax(v, ax, keep), F),
            _ => T.Cast(all ? T.Argmin(v) : T.Argmin(v, ax, keep), F),
        };
        double bound = kind switch { 0 => x.Bound * count, 2 => Math.Pow(x.Bound, count), 5 or 6 => count, _ => x.Bound };
        return Squash(new Expr(r, shape, bound));
    }

    // ---- bait: the shapes the rewrite rules look for, with broadcasting and views mixed in ----------

    private Expr? Bait(int[] shape, int depth)
    {
        switch (rng.Next(smooth ? 9 : 13))
        {
            case 0: return GemmBait(shape, depth);
            case 1: return SoftmaxBait(shape, depth);
            case 2: return LogSumExpBait(shape, depth);
            case 3: return StableFormsBait(shape, depth);
            case 4: return ReductionChainBait(shape, depth);
            case 5: return ShuffledReductionBait(shape, depth);
            case 6: return ViewBait(shape, depth);
            case 7: return SymbolicShapeBait(shape, depth);
            case 8: return ConstantBait(shape, depth);
            case 9: return IdentityBait(shape, depth);
            case 10: return CrossentropyBait(shape, depth);
            case 11: return ClipBait(shape, depth);
            default: return IntegerBait(shape, depth);
        }
    }

    private Expr? GemmBait(int[] shape, int depth)
    {
        if (shape.Length != 2) return null;
        int k = Size();
        var a = Bounded(Coin(0.3) ? Transposed([shape[0], k], depth) : Gen([shape[0], k], depth), 3);
        var b = Bounded(Coin(0.3) ? Transposed([k, shape[1]], depth) : Gen([k, shape[1]], depth), 3);
        var d = T.Dot(a.V, b.V);
        var c = Gen(Coin(0.6) ? shape : BroadcastPartner(shape), depth);
        var scale = Coin(0.6) ? Number() : Bounded(Gen([], depth), 2);
        double bound = c.Bound + 3 * 3 * k * scale.Bound;
        var v = rng.Next(6) switch
        {
            0 => d + c.V,
            1 => c.V + scale.V * d,
            2 => c.V - d,
            3 => c.V - scale.V * d,
            4 => d * scale.V + c.V,
            _ => c.V - d * scale.V,
        };
        return new Expr(v, shape, bound);
    }

    private Expr Transposed(int[] shape, int depth)
    {
        var x = Gen([shape[1], shape[0]], depth);
        return new Expr(T.Transpose(x.V), shape, x.Bound);
    }

    /// <summary>Reduction axes of <paramref name="shape"/> whose result (keeping dims or not) broadcasts back onto it.</summary>
    private (int[] Axes, bool Keep) BroadcastingAxes(int[] shape)
    {
        var axes = Enumerable.Range(0, shape.Length).Where(_ => Coin()).ToArray();
        if (axes.Length == 0) axes = [rng.Next(shape.Length)];
        if (Coin(0.4)) return (axes, true);
        var rest = shape.Where((_, d) => !axes.Contains(d)).ToArray();
        bool fits = rest.Select((r, i) => r == 1 || r == shape[shape.Length - rest.Length + i]).All(b => b);
        return (axes, !fits);
    }

    private Expr? SoftmaxBait(int[] shape, int depth)
    {
        if (shape.Length == 0) return null;
        var x = Bounded(Gen(shape, depth), 5);
        var (axes, keep) = BroadcastingAxes(shape);
        var ax = SpellAxes(axes, shape.Length);
        var s = Coin(0.2) ? x.V - T.Max(x.V, ax, keepDims: true) : x.V;
        var e = T.Exp(s);
        var sm = e / T.Sum(e, ax, keep);
        return Coin(0.3) ? new Expr(T.Log(sm), shape, 30) : new Expr(sm, shape, 20);
    }

    private Expr? LogSumExpBait(int[] shape, int depth)
    {
        if (Coin(0.4))
        {
            // log(exp(a) + exp(b)), broadcasting.
            var (a, b) = Operands(shape, depth);
            a = Bounded(a, 5);
            b = Bounded(b, 5);
            return new Expr(T.Log(T.Exp(a.V) + T.Exp(b.V)), shape, 6);
        }
        if (ReducedFrom(shape) is not var (inner, axes, keep)) return null;
        var x = Bounded(Gen(inner, depth), 5);
        bool all = !keep && axes.Length == inner.Length && Coin(0.3);
        var sum = all ? T.Sum(T.Exp(x.V)) : T.Sum(T.Exp(x.V), SpellAxes(axes, inner.Length), keep);
        return new Expr(T.Log(sum), shape, 10);
    }

    private Expr StableFormsBait(int[] shape, int depth)
    {
        var x = Bounded(Gen(shape, depth), 4);
        var v = x.V;
        return rng.Next(12) switch
        {
            0 => new Expr(1 / (1 + T.Exp(-v)), shape, 1),
            1 => new Expr(T.Exp(v) / (1 + T.Exp(v)), shape, 1),
            2 => new Expr(1 / (1 + T.Exp(v)), shape, 1),
            3 => new Expr(1 - T.Sigmoid(v), shape, 1),
            4 => new Expr(T.Log(T.Sigmoid(v)), shape, 5),
            5 => new Expr(T.Log1p(T.Exp(v)), shape, 5),
            6 => new Expr(T.Log(T.Exp(v)), shape, 4),
            7 => new Expr(T.Exp(v) - 1, shape, 60),
            8 => new Expr(T.Exp(v) + -1, shape, 60),
            9 => new Expr(-1 + T.Exp(v), shape, 60),
            10 => new Expr(T.Log1p(-T.Sigmoid(v)), shape, 5),
            _ => ExpLog(x),
        };

        Expr ExpLog(Expr e)
        {
            var (p, _) = Positive(e, 0.05);
            return new Expr(T.Exp(T.Log(p.V)), shape, p.Bound);
        }
    }

    private Variable ReduceBy(int kind, Variable v, int[] axes, bool keep) => kind switch
    {
        0 => T.Sum(v, axes, keep),
        1 => T.Mean(v, axes, keep),
        2 => T.Prod(v, axes, keep),
        3 => T.Max(v, axes, keep),
        _ => T.Min(v, axes, keep),
    };

    private Expr? ReductionChainBait(int[] shape, int depth)
    {
        if (ReducedFrom(shape) is not var (mid, axes2, keep2)) return null;
        if (ReducedFrom(mid) is not var (inner, axes1, keep1)) return null;
        int k1 = rng.Next(smooth ? 3 : 5), k2 = Coin(0.6) ? k1 : rng.Next(smooth ? 3 : 5);
        var x = Bounded(Gen(inner, depth), k1 == 2 || k2 == 2 ? 1.2 : 2);
        var r1 = ReduceBy(k1, x.V, SpellAxes(axes1, inner.Length), keep1);
        var r2 = ReduceBy(k2, r1, SpellAxes(axes2, mid.Length), keep2);
        int count = NDArray.ShapeSize(inner) / Math.Max(1, NDArray.ShapeSize(shape));
        return Squash(new Expr(r2, shape, k1 == 2 || k2 == 2 ? Math.Pow(1.2, count) : 2 * count));
    }

    /// <summary>A reduction without keeping dims, then a dimshuffle putting a new axis back (maybe where it was).</summary>
    private Expr? ShuffledReductionBait(int[] shape, int depth)
    {
        var ones = Enumerable.Range(0, shape.Length).Where(d => shape[d] == 1).ToArray();
        if (ones.Length == 0) return null;
        int at = Pick(ones);
        var reduced = shape.Where((_, d) => d != at).ToArray();
        if (reduced.Length >= MaxRank) return null;
        int where = rng.Next(reduced.Length + 1);
        var inner = reduced.ToList();
        inner.Insert(where, Size());
        var x = Gen(inner.ToArray(), depth);
        int kind = rng.Next(smooth ? 2 : 5);
        if (kind == 2) x = Bounded(x, 1.2);
        var r = ReduceBy(kind, x.V, [where], false);
        var pattern = Enumerable.Range(0, shape.Length).Select(d => d == at ? (object)'x' : d < at ? d : d - 1).ToArray();
        return Squash(new Expr(T.DimShuffle(r, pattern), shape, x.Bound * 6));
    }

    /// <summary>Reshapes, slices, dots and reductions of transposed and sliced views.</summary>
    private Expr? ViewBait(int[] shape, int depth)
    {
        switch (rng.Next(5))
        {
            case 0:
            {
                // reshape of a transpose or of a slice: not contiguous
                int n = NDArray.ShapeSize(shape);
                var divisors = Enumerable.Range(2, Math.Max(0, n - 1)).Where(d => n % d == 0 && n / d >= 2).ToArray();
                if (divisors.Length == 0) return null;
                int a = Pick(divisors);
                Expr x;
                if (Coin())
                {
                    x = Transposed([a, n / a], depth);
                }
                else
                {
                    var y = Gen([a, n / a + 1], depth);
                    x = new Expr(y.V[.., 1..], [a, n / a], y.Bound);
                }
                return new Expr(T.Reshape(x.V, shape.Length == 0 ? [] : shape.Select((d, i) => i == 0 && d != 1 && Coin() ? -1 : d).ToArray()), shape, x.Bound);
            }
            case 1 when shape.Length == 2 && shape[0] >= 2:
            {
                // slice of a transpose
                var x = Transposed([shape[0] + 1, shape[1]], depth);
                return new Expr(Coin() ? x.V[1..] : x.V[..^1], shape, x.Bound);
            }
            case 2 when shape.Length >= 1 && shape[0] != 1:
            {
                // take from a transpose or a slice
                int m = Size();
                var inner = (int[])shape.Clone();
                inner[0] = m;
                Expr x = shape.Length == 2 ? Transposed(inner, depth) : Gen(inner, depth);
                var idx = T.Constant(NDArray.From(Enumerable.Range(0, shape[0]).Select(_ => (long)rng.Next(m)).ToArray(), shape[0]));
                return new Expr(T.Take(x.V, idx), shape, x.Bound);
            }
            case 3 when shape.Length == 1:
            {
                // reduction of a transposed slice
                int m = Size();
                var x = Transposed([shape[0], m + 1], depth);
                return new Expr(T.Sum(x.V[.., ..^1], 1), shape, x.Bound * m);
            }
            case 4 when shape.Length == 2 && shape[0] != 1 && shape[1] != 1:
            {
                // concatenation of transposes
                int a = shape[0] >= 4 ? 2 : 1;
                if (shape[0] - a < 2 && a == 1) return null;
                var p = Transposed([a, shape[1]], depth);
                var q = Transposed([shape[0] - a, shape[1]], depth);
                if (a == 1) return null;
                return new Expr(T.Concatenate([p.V, q.V], 0), shape, Math.Max(p.Bound, q.Bound));
            }
            default:
                return null;
        }
    }

    /// <summary>Sizes read from other tensors: reshape to symbolic sizes, arange of a size, sizes in arithmetic.</summary>
    private Expr? SymbolicShapeBait(int[] shape, int depth)
    {
        if (shape.Length == 2 && shape[0] != 1 && shape[1] != 1 && Coin())
        {
            var x = Gen([shape[0] * shape[1]], depth);
            var y = Gen([shape[0], Size()], depth);
            var sizes = Coin() ? new Variable[] { T.Shape(y.V, 0), -1 } : [T.Shape(y.V, 0), T.Constant(shape[1], DType.Int64)];
            return new Expr(T.Reshape(x.V, sizes), shape, x.Bound);
        }
        if (shape.Length == 1 && shape[0] != 1 && Coin())
        {
            var y = Gen([shape[0], Size()], depth);
            return new Expr(T.Cast(T.Arange(T.Shape(y.V, 0)), F) * 0.5, shape, shape[0]);
        }
        var z = Gen(shape, depth);
        var w = Gen(RandomShape(2) is { Length: > 0 } s ? s : [2], depth);
        return new Expr(z.V * T.Cast(T.Shape(w.V, -1), F), shape, z.Bound * 5);
    }

    /// <summary>A subexpression of constants only, which constant folding computes at compile time.</summary>
    private Expr ConstantBait(int[] shape, int depth)
    {
        var e = new ExprGenerator(rng, new InputPool(F, rng.Next()), smooth, sizes) { constantsOnly = true }.Gen(shape, Math.Min(depth, 2));
        var x = Gen(BroadcastPartner(shape), depth);
        return new Expr(e.V + x.V, shape, e.Bound + x.Bound);
    }

    private bool constantsOnly;

    /// <summary>The algebraic identities, with operands that broadcast (a constant of ones larger than x, say).</summary>
    private Expr IdentityBait(int[] shape, int depth)
    {
        var x = Gen(shape, depth);
        var small = Gen(BroadcastPartner(shape), depth);
        var v = x.V;
        NDArray Full(double value) => NDArray.FromDoubles(F, shape, Enumerable.Repeat(value, NDArray.ShapeSize(shape)).ToArray());
        return rng.Next(17) switch
        {
            0 => new Expr(small.V * T.Constant(Full(1)), shape, small.Bound),
            1 => new Expr(small.V + T.Constant(Full(0)), shape, small.Bound),
            2 => new Expr(small.V * T.Constant(Full(0)), shape, 0),
            3 => new Expr(small.V * 0 + x.V, shape, x.Bound),
            4 => new Expr(v - v, shape, 0),
            5 => new Expr(T.Pow(small.V, T.Constant(Full(0))), shape, 1),
            6 => new Expr(T.Pow(v, 0) + small.V, shape, 1 + small.Bound),
            7 => new Expr(0 - v, shape, x.Bound),
            8 => new Expr(v * -1, shape, x.Bound),
            9 => new Expr(-(v - small.V), shape, x.Bound + small.Bound),
            10 => new Expr(v - (-small.V), shape, x.Bound + small.Bound),
            11 => new Expr(small.V + (-v), shape, x.Bound + small.Bound),
            12 => new Expr(T.Sqrt(T.Sqr(v)), shape, x.Bound),
            13 => new Expr(T.Abs(T.Abs(v)) + T.Abs(-small.V), shape, x.Bound + small.Bound),
            14 => new Expr(T.Sqr(-v), shape, x.Bound * x.Bound),
            15 => DivSelf(),
            _ => new Expr(T.Pow(v, 1) / 1 - 0 + 0 * 1, shape, x.Bound),
        };

        Expr DivSelf()
        {
            var (p, _) = Positive(small, 0.1);
            return new Expr(p.V / p.V * x.V, shape, x.Bound);
        }
    }

    private Expr? CrossentropyBait(int[] shape, int depth)
    {
        if (shape.Length != 1 || shape[0] == 1) return null;
        int n = shape[0], c = Size();
        var labels = T.Constant(NDArray.From(Enumerable.Range(0, n).Select(_ => (long)rng.Next(c)).ToArray(), n));
        if (Coin())
        {
            var x = Bounded(Gen([n, c], depth), 5);
            return new Expr(-T.Log(T.Take(T.Softmax(x.V), T.Arange(n), labels)), shape, 20);
        }
        // one row per distribution of a rank-3 tensor, reshaped
        if (n % 2 != 0) return null;
        var r = Bounded(Gen([2, n / 2, c], depth), 5);
        return new Expr(-T.Log(T.Take(T.Reshape(T.Softmax(r.V), -1, c), T.Arange(n), labels)), shape, 20);
    }

    private Expr ClipBait(int[] shape, int depth)
    {
        var x = Gen(shape, depth);
        var lo = Gen(BroadcastPartner(shape), depth);
        var hi = Coin() ? Number() : Gen(BroadcastPartner(shape), depth);
        return new Expr(T.Clip(x.V, lo.V, hi.V), shape, Math.Max(lo.Bound, hi.Bound));
    }

    private Expr IntegerBait(int[] shape, int depth)
    {
        var x = Bounded(Gen(shape, depth), 5);
        var y = Bounded(Gen(BroadcastPartner(shape), depth), 5);
        var it = Pick(DType.Int32, DType.Int64);
        var i = T.Cast(x.V * 2, it);
        var j = T.Cast(y.V * 2, it);
        return rng.Next(6) switch
        {
            0 => new Expr(T.Cast(i, F) / T.Cast(T.Abs(j) + 1, F), shape, 10),
            1 when F == DType.Float32 => new Expr(T.Cast(i / (T.Abs(j) + 1), F), shape, 10),
            2 => new Expr(T.Cast(i * 3 - j, F), shape, 40),
            3 => new Expr(T.Cast(T.Sign(i) * T.Sqr(j), F), shape, 100),
            4 => new Expr(T.Cast(T.Switch(T.Gt(i, j), i, j), F) + T.Cast(T.Eq(i, j), F), shape, 11),
            _ => new Expr(T.Cast(T.Maximum(i, j) - T.Minimum(i, 1), F), shape, 20),
        };
    }

    // ---- linear algebra and shapes ---------------------------------------------------------------

    private Expr? DotOf(int[] shape, int depth)
    {
        int k = Coin(0.15) ? 1 : Size();
        Expr a, b;
        switch (shape.Length)
        {
            case 0:
                a = Gen([k], depth); b = Gen([k], depth); break;
            case 1 when Coin():
                a = Gen([shape[0], k], depth); b = Gen([k], depth); break;
            case 1:
                a = Gen([k], depth); b = Gen([k, shape[0]], depth); break;
            case 2:
                a = Gen([shape[0], k], depth); b = Gen([k, shape[1]], depth); break;
            default:
                // batched; one side's batch dimension may broadcast, or b may be a plain matrix
                int batchA = shape[0], batchB = shape[0];
                bool plain = Coin(0.4);
                if (!plain && Coin(0.3)) { if (Coin()) batchA = 1; else batchB = 1; }
                a = Gen([batchA, shape[1], k], depth);
                b = Gen(plain ? [k, shape[2]] : [batchB, k, shape[2]], depth);
                break;
        }
        a = Bounded(a, 5);
        b = Bounded(b, 5);
        return Squash(new Expr(Coin() ? T.Dot(a.V, b.V) : a.V.Dot(b.V), shape, a.Bound * b.Bound * k));
    }

    private Expr? Shuffle(int[] shape, int depth)
    {
        // Some of the target's 1s are new axes; the other dimensions come from the operand, permuted;
        // an operand axis of size 1 may be dropped.
        var fromInner = new List<int>();
        for (int d = 0; d < shape.Length; d++) if (!(shape[d] == 1 && Coin())) fromInner.Add(d);
        var perm = fromInner.OrderBy(_ => rng.Next()).ToList();
        var inner = perm.Select(d => shape[d]).ToList();
        bool drop = inner.Count < MaxRank && Coin(0.2);
        int dropAt = drop ? rng.Next(inner.Count + 1) : -1;
        if (drop) inner.Insert(dropAt, 1);
        var x = Gen(inner.ToArray(), depth);
        var pattern = new object[shape.Length];
        for (int d = 0; d < shape.Length; d++)
        {
            int j = perm.IndexOf(d);
            pattern[d] = j < 0 ? (object)'x' : (drop && j >= dropAt ? j + 1 : j);
        }
        if (!drop && inner.Count == shape.Length && shape.Length >= 2 && Coin(0.5))
        {
            // A plain transpose.
            var p = pattern.Cast<int>().ToArray();
            bool reversed = p.SequenceEqual(Enumerable.Range(0, p.Length).Reverse());
            var v = reversed && Coin() ? (Coin() ? T.Transpose(x.V) : x.V.Transpose()) : T.Transpose(x.V, p);
            return new Expr(v, shape, x.Bound);
        }
        return new Expr(T.DimShuffle(x.V, pattern), shape, x.Bound);
    }

    private Expr? ReshapeOf(int[] shape, int depth)
    {
        int n = NDArray.ShapeSize(shape);
        // An operand of the same size, of rank 1 to 3, from the divisors of n.
        var divisors = Enumerable.Range(2, Math.Max(0, n - 1)).Where(d => n % d == 0).ToList();
        int[] inner = rng.Next(3) switch
        {
            0 => [n],
            1 when divisors.Count > 0 => Two(Pick(divisors.ToArray())),
            _ => shape.Reverse().ToArray(),
        };
        if (inner.Length == 1 && n == 1) inner = [1];
        var x = Gen(inner, depth);
        if (shape.Length == 1 && Coin(0.3) && inner.Length > 1) return new Expr(T.Flatten(x.V), shape, x.Bound);
        var target = (int[])shape.Clone();
        var wild = Enumerable.Range(0, shape.Length).Where(d => shape[d] != 1).ToList();
        if (wild.Count > 0 && Coin(0.4)) target[Pick(wild.ToArray())] = -1;
        var r = Coin() ? T.Reshape(x.V, target) : x.V.Reshape(target);
        return new Expr(r, shape, x.Bound);

        int[] Two(int a) => [a, n / a];
    }

    private Expr? SliceOf(int[] shape, int depth)
    {
        if (shape.Length < MaxRank && Coin(0.4))
        {
            // An integer index drops a dimension.
            int at = rng.Next(shape.Length + 1);
            int m = Size();
            var inner = shape.ToList();
            inner.Insert(at, m);
            var x = Gen(inner.ToArray(), depth);
            int i = rng.Next(-m, m);
            Index idx = i >= 0 ? i : ^(-i);
            var entries = Enumerable.Range(0, at).Select(_ => (object)(..)).Append(idx).ToArray();
            Variable v = entries.Length switch
            {
                1 => x.V[idx],
                2 => x.V[.., idx],
                _ => x.V[entries],
            };
            return new Expr(v, shape, x.Bound);
        }
        var axes = Enumerable.Range(0, shape.Length).Where(d => shape[d] >= 2).ToArray();
        if (axes.Length == 0) return null;
        int axis = Pick(axes);
        int extra = 1 + rng.Next(2), start = rng.Next(extra + 1);
        var innerShape = (int[])shape.Clone();
        innerShape[axis] += extra;
        var y = Gen(innerShape, depth);
        int end = start + shape[axis];
        Range range = rng.Next(3) switch
        {
            0 => start..end,
            1 => start..^(innerShape[axis] - end),
            _ => ^(innerShape[axis] - start)..end,
        };
        if (start == 0 && Coin(0.3)) range = ..end;
        var es = Enumerable.Range(0, axis).Select(_ => (object)(..)).Append(range).ToArray();
        Variable r = es.Length switch
        {
            1 => y.V[range],
            2 when Coin() => y.V[.., range],
            _ => y.V[es],
        };
        return new Expr(r, shape, y.Bound);
    }

    private Expr? ConcatOf(int[] shape, int depth)
    {
        var axes = Enumerable.Range(0, shape.Length).Where(d => shape[d] >= 3).ToArray();
        if (axes.Length == 0) return null;
        int axis = Pick(axes);
        int total = shape[axis];
        var parts = new List<int>();
        while (total > 0)
        {
            int p = total <= 3 ? total : 1 + rng.Next(total - 1);
            if (total - p == 1 && Coin()) p = total;
            parts.Add(p);
            total -= p;
        }
        if (parts.Count == 1) parts = [1, shape[axis] - 1];
        var xs = parts.Select(p => { var s = (int[])shape.Clone(); s[axis] = p; return Gen(s, depth); }).ToArray();
        int a = Coin(0.3) ? axis - shape.Length : axis;
        return new Expr(T.Concatenate(xs.Select(x => x.V).ToArray(), a), shape, xs.Max(x => x.Bound));
    }

    private Expr? StackOf(int[] shape, int depth)
    {
        var axes = Enumerable.Range(0, shape.Length).Where(d => shape[d] is >= 2 and <= 3).ToArray();
        if (axes.Length == 0) return null;
        int axis = Pick(axes);
        var inner = shape.Where((_, d) => d != axis).ToArray();
        var xs = Enumerable.Range(0, shape[axis]).Select(_ => Gen(inner, depth)).ToArray();
        return new Expr(T.Stack(xs.Select(x => x.V).ToArray(), Coin(0.3) ? axis - shape.Length : axis), shape, xs.Max(x => x.Bound));
    }

    private Variable Indices(int count, int bound, int[] shape)
    {
        var data = Enumerable.Range(0, count).Select(_ => (long)rng.Next(-bound, bound)).ToArray();
        return T.Constant(NDArray.From(data, shape));
    }

    private Expr? TakeOf(int[] shape, int depth)
    {
        if (shape.Length == 0 || shape[0] == 1) return null;
        if (shape.Length == 1 && Coin(0.4))
        {
            // One entry a row: x[k, idx[k]].
            int m = shape[0], c = Size();
            var x = Gen([m, c], depth);
            var rows = Coin() ? T.Arange(m) : Indices(m, m, [m]);
            return new Expr(T.Take(x.V, rows, Indices(m, c, [m])), shape, x.Bound);
        }
        if (shape.Length == 2 && shape[1] != 1 && Coin(0.3))
        {
            // A matrix of indices into a vector.
            int m = Size();
            var x = Gen([m], depth);
            return new Expr(T.Take(x.V, Indices(shape[0] * shape[1], m, shape)), shape, x.Bound);
        }
        {
            int m = Size();
            var inner = (int[])shape.Clone();
            inner[0] = m;
            var x = Gen(inner, depth);
            return new Expr(T.Take(x.V, Indices(shape[0], m, [shape[0]])), shape, x.Bound);
        }
    }

    private Expr? SoftmaxOf(int[] shape, int depth)
    {
        if (shape.Length == 0) return null;
        var x = Gen(shape, depth);
        int axis = rng.Next(-shape.Length, shape.Length);
        if (Coin(0.25) && axis is -1 or 1 && shape.Length == 2)
            return new Expr(T.Log(T.Softmax(x.V)), shape, 2 * x.Bound + 3);
        if (Coin())
            return new Expr(T.Softmax(x.V, axis), shape, 1);
        return new Expr(T.LogSoftmax(x.V, axis), shape, 2 * x.Bound + 3);
    }

    private Expr? Loss(int[] shape, int depth)
    {
        switch (shape.Length)
        {
            case 0:
            {
                var s = RandomShape(2);
                var a = Bounded(Gen(s, depth), 5);
                var b = Bounded(Gen(Coin() ? s : BroadcastPartner(s), depth), 5);
                return new Expr(T.MeanSquaredError(a.V, b.V), [], 100);
            }
            case 1 when shape[0] != 1:
            {
                int c = Size();
                var x = Bounded(Gen([shape[0], c], depth), 10);
                if (Coin())
                {
                    var labels = T.Constant(NDArray.From(Enumerable.Range(0, shape[0]).Select(_ => (long)rng.Next(c)).ToArray(), shape[0]));
                    return new Expr(T.CategoricalCrossentropy(T.Softmax(x.V), labels), shape, 25);
                }
                var t = T.Softmax(Gen([shape[0], c], depth).V);
                return new Expr(T.CategoricalCrossentropy(T.Softmax(x.V), t), shape, 25);
            }
            default:
            {
                var p = Bounded(Gen(shape, depth), 4);
                var t = T.Sigmoid(Gen(BroadcastPartner(shape), depth).V);
                return new Expr(T.BinaryCrossentropy(T.Sigmoid(p.V), t), shape, 10);
            }
        }
    }
}
