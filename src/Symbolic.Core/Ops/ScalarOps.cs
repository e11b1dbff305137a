using Symbolic.Runtime;

namespace Symbolic.Ops;

/// <summary>
/// The catalogue of scalar ops: one entry each, with its typing and evaluation (how each backend
/// spells an op is the backend's own table: Symbolic.CodeGen.Cpu's ScalarSpelling, and the CUDA
/// backend's). Their
/// gradient rules are text, in Symbolic.Rewrite's gradients.rules; only the cast's, which depends on
/// dtypes, is code here.
/// </summary>
public static class ScalarOps
{
    private static ScalarOp Unary(string name, ScalarTyping typing, Func<double, double> f, Func<long, long>? wrapping = null) =>
        new(name, 1, typing, a => f(a[0]), null, integerEval: wrapping is null ? null : a => wrapping(a[0]));

    private static ScalarOp Binary(string name, ScalarTyping typing, Func<double, double, double> f, Func<long, long, long>? wrapping = null) =>
        new(name, 2, typing, a => f(a[0], a[1]), null, integerEval: wrapping is null ? null : a => wrapping(a[0], a[1]));

    public static readonly ScalarOp Add = Binary("add", ScalarTyping.Arithmetic, (a, b) => a + b, (a, b) => unchecked(a + b));

    public static readonly ScalarOp Sub = Binary("sub", ScalarTyping.Arithmetic, (a, b) => a - b, (a, b) => unchecked(a - b));

    public static readonly ScalarOp Mul = Binary("mul", ScalarTyping.Arithmetic, (a, b) => a * b, (a, b) => unchecked(a * b));

    public static readonly ScalarOp Div = Binary("true_div", ScalarTyping.Float, (a, b) => a / b);

    public static readonly ScalarOp Pow = Binary("pow", ScalarTyping.Float, Math.Pow);

    public static readonly ScalarOp Maximum = Binary("maximum", ScalarTyping.Arithmetic, Math.Max);

    public static readonly ScalarOp Minimum = Binary("minimum", ScalarTyping.Arithmetic, Math.Min);

    public static readonly ScalarOp Neg = Unary("neg", ScalarTyping.Arithmetic, a => -a, a => unchecked(-a));

    public static readonly ScalarOp Exp = Unary("exp", ScalarTyping.Float, Math.Exp);

    public static readonly ScalarOp Log = Unary("log", ScalarTyping.Float, Math.Log);

    public static readonly ScalarOp Log1p = Unary("log1p", ScalarTyping.Float, ScalarMath.Log1p);

    public static readonly ScalarOp Expm1 = Unary("expm1", ScalarTyping.Float, ScalarMath.Expm1);

    public static readonly ScalarOp Sqrt = Unary("sqrt", ScalarTyping.Float, Math.Sqrt);

    public static readonly ScalarOp Sqr = Unary("sqr", ScalarTyping.Arithmetic, a => a * a, a => unchecked(a * a));

    public static readonly ScalarOp Abs = Unary("abs", ScalarTyping.Arithmetic, Math.Abs, ScalarMath.Abs);

    public static readonly ScalarOp Sign = Unary("sign", ScalarTyping.Arithmetic, ScalarMath.Sign);

    public static readonly ScalarOp Tanh = Unary("tanh", ScalarTyping.Float, Math.Tanh);

    public static readonly ScalarOp Sigmoid = Unary("sigmoid", ScalarTyping.Float, ScalarMath.Sigmoid);

    public static readonly ScalarOp Softplus = Unary("softplus", ScalarTyping.Float, ScalarMath.Softplus);

    /// <summary>log(1 - exp(x)), for x &lt;= 0: log(-expm1(x)) above -ln 2 and log1p(-exp(x)) below.</summary>
    public static readonly ScalarOp Log1mexp = Unary("log1mexp", ScalarTyping.Float, ScalarMath.Log1mexp);

    public static readonly ScalarOp Erf = Unary("erf", ScalarTyping.Float, ScalarMath.Erf);

    public static readonly ScalarOp Erfc = Unary("erfc", ScalarTyping.Float, ScalarMath.Erfc);

    /// <summary>exp(x^2) * erfc(x), finite where erfc underflows: log(erfc(x)) = log(erfcx(x)) - x^2.</summary>
    public static readonly ScalarOp Erfcx = Unary("erfcx", ScalarTyping.Float, ScalarMath.Erfcx);

    public static readonly ScalarOp Relu = Unary("relu", ScalarTyping.Arithmetic, ScalarMath.Relu);

    public static readonly ScalarOp Sin = Unary("sin", ScalarTyping.Float, Math.Sin);

    public static readonly ScalarOp Cos = Unary("cos", ScalarTyping.Float, Math.Cos);

    public static readonly ScalarOp Floor = Unary("floor", ScalarTyping.Arithmetic, Math.Floor);

    public static readonly ScalarOp Ceil = Unary("ceil", ScalarTyping.Arithmetic, Math.Ceiling);

    public static readonly ScalarOp Clip = new("clip", 3, ScalarTyping.Arithmetic, a => ScalarMath.Clip(a[0], a[1], a[2]), null);

    public static readonly ScalarOp Eq = Binary("eq", ScalarTyping.Compare, (a, b) => a == b ? 1 : 0);
    public static readonly ScalarOp Neq = Binary("neq", ScalarTyping.Compare, (a, b) => a != b ? 1 : 0);
    public static readonly ScalarOp Lt = Binary("lt", ScalarTyping.Compare, (a, b) => a < b ? 1 : 0);
    public static readonly ScalarOp Le = Binary("le", ScalarTyping.Compare, (a, b) => a <= b ? 1 : 0);
    public static readonly ScalarOp Gt = Binary("gt", ScalarTyping.Compare, (a, b) => a > b ? 1 : 0);
    public static readonly ScalarOp Ge = Binary("ge", ScalarTyping.Compare, (a, b) => a >= b ? 1 : 0);
    public static readonly ScalarOp And = Binary("and", ScalarTyping.Logical, (a, b) => a != 0 && b != 0 ? 1 : 0);
    public static readonly ScalarOp Or = Binary("or", ScalarTyping.Logical, (a, b) => a != 0 || b != 0 ? 1 : 0);
    /// <summary>True where the operand is neither infinite nor NaN (every integer is finite).</summary>
    public static readonly ScalarOp IsFinite = Unary("isfinite", ScalarTyping.Compare, a => double.IsFinite(a) ? 1 : 0);
    public static readonly ScalarOp Not = Unary("not", ScalarTyping.Logical, a => a != 0 ? 0 : 1);

    public static readonly ScalarOp Switch = new("switch", 3, ScalarTyping.Select, a => a[0] != 0 ? a[1] : a[2], null);

    /// <summary>Second(a, b): b, broadcast to the shape a and b make together (Theano's fill).</summary>
    public static readonly ScalarOp Second = new("second", 2, ScalarTyping.SecondOperand, a => a[1], null);

    private static readonly Dictionary<DType, ScalarOp> Casts = Enum.GetValues<DType>().ToDictionary(t => t, t =>
        new ScalarOp($"cast{{{t.ShortName()}}}", 1, ScalarTyping.Fixed, a => t.Normalize(a[0]),
            (x, _, g) => x[0].DType.IsFloat() && t.IsFloat() ? [TensorMath.Cast(g, x[0].DType)] : [null], t));

    public static ScalarOp Cast(DType to) => Casts[to];

    private static readonly Lazy<Dictionary<string, ScalarOp>> Named = new(() =>
        typeof(ScalarOps).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ScalarOp))
            .Select(f => (ScalarOp)f.GetValue(null)!)
            .ToDictionary(o => o.Name));

    /// <summary>The scalar op of a given name (<c>add</c>, <c>exp</c>, <c>true_div</c>), casts excepted; null if none.</summary>
    public static ScalarOp? ByName(string name) => Named.Value.GetValueOrDefault(name);

    /// <summary>Every named scalar op (casts excepted).</summary>
    public static IEnumerable<ScalarOp> All => Named.Value.Values;
}
