using Symbolic.Ops;

namespace Symbolic.Rewrite.Rules;

/// <summary>
/// Builds a rule's right side from a match. A call names an elementwise op (<c>add</c>,
/// <c>softplus</c>), a reduction over all axes (<c>sum</c>), an op registered by name, or, with a
/// bound parameter of the same op kind (<c>sum{a}(x)</c>), that very op. Numbers become weak
/// constants, which take the dtype of the tensors they meet.
/// </summary>
public static class TemplateBuilder
{
    /// <summary>A builder for a template call: the built arguments and the bound op parameter (null when none).</summary>
    public delegate Variable? Builder(Variable[] args, Op? param);

    private static readonly Dictionary<string, Builder> Registry = new();

    static TemplateBuilder()
    {
        foreach (var kind in Enum.GetValues<ReduceKind>())
        {
            var k = kind;
            // A max or min a template builds is a stabilizing shift (softmax, logsumexp): over an empty axis it is the
            // identity, -inf for max, so that the stabilized formula gives what the formula as written gives there.
            Register(kind.ToString().ToLowerInvariant(), (a, p) => p is Reduce r
                ? Apply.Make(new Reduce(k, r.Axes.ToArray(), r.KeepDims, emptyIsIdentity: true), a)
                : TensorMath.Reduce(k, a[0], null, false, emptyIsIdentity: true));
        }
        Register("max_keepdims", (a, p) => p is Reduce r
            ? Apply.Make(new Reduce(ReduceKind.Max, r.Axes.ToArray(), true, emptyIsIdentity: true), a)
            : TensorMath.Reduce(ReduceKind.Max, a[0], Enumerable.Range(0, a[0].NDim).ToArray(), keepDims: true, emptyIsIdentity: true));
        Register("dot", (a, _) => TensorMath.Dot(a[0], a[1]));
        Register("gemm", (a, _) => MakeGemm(a[0], a[1], a[2], a[3], a[4]));
        Register("take", (a, _) => TensorMath.Take(a[0], a[1..]));
        Register("reshape", (a, p) => p is Reshape r ? Apply.Make(r, a) : TensorMath.ReshapeTo(a[0], a[1..]));
        Register("dimshuffle", (a, p) => p is DimShuffle d ? Apply.Make(d, a) : null);
        Register("stop_gradient", (a, _) => TensorMath.StopGradient(a[0]));
        Register("zeros_like", (a, _) => TensorMath.ZerosLike(a[0]));
        Register("ones_like", (a, _) => TensorMath.OnesLike(a[0]));
        Register("true_like", (a, _) => TensorMath.Second(a[0], Constant.Scalar(1, DType.Bool)));
        Register("false_like", (a, _) => TensorMath.Second(a[0], Constant.Scalar(0, DType.Bool)));
        // A scalar NaN of x's dtype (a float; for an integer x, float64), for the branch where a formula is NaN.
        Register("nan", (a, _) => Constant.Scalar(double.NaN, a[0].DType.IsFloat() ? a[0].DType : DType.Float64));
    }

    /// <summary>
    /// gemm(c, alpha, a, b, beta), with the scalars in a's dtype; null where the operands do not fit a gemm,
    /// or where a scalar that is not a constant has another dtype: a float64 scale of a float32 product is
    /// computed in float64 as built, and a float32 gemm would round it.
    /// </summary>
    private static Variable? MakeGemm(Variable c, Variable alpha, Variable a, Variable b, Variable beta)
    {
        if (a.NDim != 2 || b.NDim != 2 || !a.DType.IsFloat() || a.DType != b.DType || c.NDim > 2 || c.DType != a.DType || alpha.NDim != 0 || beta.NDim != 0)
            return null;
        if (alpha is not Constant && alpha.DType != a.DType || beta is not Constant && beta.DType != a.DType) return null;
        Variable Scalar(Variable s) => s is Constant k ? k.As(a.DType) : TensorMath.Cast(s, a.DType);
        try
        {
            return Apply.Make(Gemm.Instance, c, Scalar(alpha), a, b, Scalar(beta));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Makes <paramref name="name"/> callable in templates.</summary>
    public static void Register(string name, Builder builder)
    {
        lock (Registry) Registry[name] = builder;
    }

    public static bool IsKnown(string name) => ScalarOps.ByName(name) is not null || Registry.ContainsKey(name) || name == "cast";

    /// <summary>The template built from a match, or null where a builder finds the operands do not fit.</summary>
    public static Variable? Build(Pattern template, Match match) => template switch
    {
        PatternVar v => match.Vars[v.Name],
        PatternNumber n => n.Value == Math.Floor(n.Value) && Math.Abs(n.Value) < 1e15 ? (Variable)(int)n.Value : n.Value,
        PatternCall c => BuildCall(c, match),
        _ => throw new InvalidOperationException($"Cannot build {template}."),
    };

    private static Variable? BuildCall(PatternCall c, Match match)
    {
        var built = c.Args.Select(a => Build(a, match)).ToArray();
        if (built.Any(b => b is null)) return null;
        var args = built.Select(b => b!).ToArray();
        Op? param = c.Param is { } p ? match.Params[p] : null;
        if (param is not null && Matcher.PatternName(param) == c.Op) return Apply.Make(param, args);
        if (c.Op == "cast" && param is Elemwise { Scalar.FixedType: { } to }) return TensorMath.Cast(args[0], to);
        if (ScalarOps.ByName(c.Op) is { } scalar) return TensorMath.Elem(scalar, args);
        Builder? b;
        lock (Registry) Registry.TryGetValue(c.Op, out b);
        return b is not null ? b(args, param) : throw new InvalidOperationException($"A rule template calls '{c.Op}', which names no op.");
    }
}
