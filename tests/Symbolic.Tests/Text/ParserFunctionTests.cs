using Symbolic.Parsing;

namespace Symbolic.Tests.Text;

/// <summary>Every function name the parser knows reaches the same node as the T function it names.</summary>
public class ParserFunctionTests
{
    private static readonly Variable X = T.Matrix("x");
    private static readonly Variable Y = T.Matrix("y");
    private static readonly Variable V = T.Vector("v");
    private static readonly Variable Labels = T.Vector("labels", DType.Int64);
    private static readonly Variable Cond = T.Matrix("cond", DType.Bool);
    private static readonly Variable N = T.Scalar("n", DType.Int64);
    private static readonly Variable X3 = T.Tensor3("x3");

    private static readonly Dictionary<string, Func<Variable>> Cases = new()
    {
        // Elementwise, one operand.
        ["exp(x)"] = () => T.Exp(X),
        ["log(x)"] = () => T.Log(X),
        ["log1p(x)"] = () => T.Log1p(X),
        ["expm1(x)"] = () => T.Expm1(X),
        ["sqrt(x)"] = () => T.Sqrt(X),
        ["sqr(x)"] = () => T.Sqr(X),
        ["abs(x)"] = () => T.Abs(X),
        ["sign(x)"] = () => T.Sign(X),
        ["neg(x)"] = () => T.Neg(X),
        ["tanh(x)"] = () => T.Tanh(X),
        ["sigmoid(x)"] = () => T.Sigmoid(X),
        ["softplus(x)"] = () => T.Softplus(X),
        ["relu(x)"] = () => T.Relu(X),
        ["log1mexp(x)"] = () => T.Log1mexp(X),
        ["erf(x)"] = () => T.Erf(X),
        ["erfc(x)"] = () => T.Erfc(X),
        ["erfcx(x)"] = () => T.Erfcx(X),
        ["sin(x)"] = () => T.Sin(X),
        ["cos(x)"] = () => T.Cos(X),
        ["floor(x)"] = () => T.Floor(X),
        ["ceil(x)"] = () => T.Ceil(X),
        ["not(cond)"] = () => T.Not(Cond),
        ["zeros_like(x)"] = () => T.ZerosLike(X),
        ["ones_like(v)"] = () => T.OnesLike(V),
        ["stop_gradient(x)"] = () => T.StopGradient(X),

        // Elementwise, several operands.
        ["add(x, y)"] = () => T.Add(X, Y),
        ["sub(x, 1)"] = () => T.Sub(X, 1),
        ["mul(2, x)"] = () => T.Mul(2, X),
        ["div(x, v)"] = () => T.Div(X, V),
        ["pow(x, 2)"] = () => T.Pow(X, 2),
        ["pow(x, 0.5)"] = () => T.Pow(X, 0.5),
        ["maximum(x, 0)"] = () => T.Maximum(X, 0),
        ["minimum(x, y)"] = () => T.Minimum(X, Y),
        ["clip(x, -1, 1)"] = () => T.Clip(X, -1, 1),
        ["eq(x, y)"] = () => T.Eq(X, Y),
        ["neq(x, 0)"] = () => T.Neq(X, 0),
        ["lt(x, y)"] = () => T.Lt(X, Y),
        ["le(x, y)"] = () => T.Le(X, Y),
        ["gt(x, 0)"] = () => T.Gt(X, 0),
        ["ge(x, y)"] = () => T.Ge(X, Y),
        ["and(cond, x > 0)"] = () => T.And(Cond, T.Gt(X, 0)),
        ["or(cond, not(cond))"] = () => T.Or(Cond, T.Not(Cond)),
        ["switch(cond, x, y)"] = () => T.Switch(Cond, X, Y),
        ["switch(x > 0, x, 0.1 * x)"] = () => T.Switch(T.Gt(X, 0), X, 0.1 * X),
        ["cast(x, float64)"] = () => T.Cast(X, DType.Float64),
        ["cast(labels, int32)"] = () => T.Cast(Labels, DType.Int32),
        ["cast(x, bool)"] = () => T.Cast(X, DType.Bool),

        // Reductions: all axes, one axis (negative too), keepdims as true/false or 1/0.
        ["sum(x)"] = () => T.Sum(X),
        ["sum(x, 0)"] = () => T.Sum(X, 0),
        ["sum(x, -1, true)"] = () => T.Sum(X, -1, keepDims: true),
        ["sum(x, 1, 1)"] = () => T.Sum(X, 1, keepDims: true),
        ["sum(x, 1, false)"] = () => T.Sum(X, 1),
        ["mean(x)"] = () => T.Mean(X),
        ["mean(x, 1, 0)"] = () => T.Mean(X, 1),
        ["max(x)"] = () => T.Max(X),
        ["max(x, 1, true)"] = () => T.Max(X, 1, keepDims: true),
        ["min(x, 0)"] = () => T.Min(X, 0),
        ["prod(x)"] = () => T.Prod(X),
        ["prod(x, -2)"] = () => T.Prod(X, -2),
        ["argmax(x, 1)"] = () => T.Argmax(X, 1),
        ["argmax(x)"] = () => T.Argmax(X),
        ["argmin(x, 0, true)"] = () => T.Argmin(X, 0, keepDims: true),

        // Linear algebra, shape, indexing.
        ["dot(x, y)"] = () => T.Dot(X, Y),
        ["dot(x, v)"] = () => T.Dot(X, V),
        ["dot(x3, v)"] = () => T.Dot(X3, V),
        ["transpose(x)"] = () => T.Transpose(X),
        ["transpose(x3, 1, 0, 2)"] = () => T.Transpose(X3, 1, 0, 2),
        ["reshape(x, 2, -1)"] = () => T.Reshape(X, 2, -1),
        ["reshape(v, shape(x, 0), -1)"] = () => T.Reshape(V, [T.Shape(X, 0), -1]),
        ["flatten(x3)"] = () => T.Flatten(X3),
        ["flatten(x3, 2)"] = () => T.Flatten(X3, 2),
        ["concatenate([x, y])"] = () => T.Concatenate([X, Y]),
        ["concatenate([x, y, x], 1)"] = () => T.Concatenate([X, Y, X], 1),
        ["stack([v, v])"] = () => T.Stack([V, V]),
        ["stack([x, y], -1)"] = () => T.Stack([X, Y], -1),
        ["take(x, labels)"] = () => T.Take(X, Labels),
        ["take(x, arange(shape(x, 0)), labels)"] = () => T.Take(X, T.Arange(T.Shape(X, 0)), Labels),
        ["arange(5)"] = () => T.Arange(5),
        ["arange(n)"] = () => T.Arange(N),
        ["shape(x, -1)"] = () => T.Shape(X, -1),

        // Neural networks.
        ["softmax(x)"] = () => T.Softmax(X),
        ["softmax(x, 0)"] = () => T.Softmax(X, 0),
        ["log_softmax(x)"] = () => T.LogSoftmax(X),
        ["logsoftmax(x, -1)"] = () => T.LogSoftmax(X, -1),
        ["categorical_crossentropy(softmax(x), labels)"] = () => T.CategoricalCrossentropy(T.Softmax(X), Labels),
        ["categorical_crossentropy(softmax(x), y)"] = () => T.CategoricalCrossentropy(T.Softmax(X), Y),
        ["binary_crossentropy(sigmoid(x), y)"] = () => T.BinaryCrossentropy(T.Sigmoid(X), Y),
        ["mean_squared_error(x, y)"] = () => T.MeanSquaredError(X, Y),
    };

    public static TheoryData<string> CaseTexts => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseTexts))]
    public void FunctionReachesTheSameNodeAsT(string text)
    {
        var expected = Cases[text]();
        var parsed = T.Parse(text, X, Y, V, Labels, Cond, N, X3);
        Assert.True(ReferenceEquals(expected, parsed),
            $"'{text}' parsed to\n{Graph.DebugPrint(parsed)}but T built\n{Graph.DebugPrint(expected)}");
    }

    [Fact]
    public void EveryKnownFunctionHasACase()
    {
        var missing = ExpressionParser.FunctionNames
            .Where(name => !Cases.Keys.Any(k => k.StartsWith(name + "(", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void TheRequiredFunctionsAreKnown()
    {
        string[] required =
        [
            "exp", "log", "log1p", "expm1", "sqrt", "sqr", "abs", "sign", "neg", "tanh", "sigmoid", "softplus", "relu",
            "sin", "cos", "floor", "ceil", "pow", "maximum", "minimum", "clip", "eq", "neq", "lt", "le", "gt", "ge",
            "and", "or", "not", "switch", "sum", "mean", "max", "min", "prod", "argmax", "argmin", "dot", "transpose",
            "flatten", "softmax", "log_softmax", "logsoftmax", "categorical_crossentropy", "binary_crossentropy",
            "mean_squared_error", "take", "arange", "zeros_like", "ones_like", "stop_gradient",
        ];
        Assert.Empty(required.Except(ExpressionParser.FunctionNames));
    }

    [Fact]
    public void SignaturesAreListedByName()
    {
        Assert.Equal(ExpressionParser.FunctionNames.Count, ExpressionParser.FunctionSignatures.Count);
        Assert.Contains("sum(x, axis?, keepdims?)", ExpressionParser.FunctionSignatures);
        Assert.Equal(ExpressionParser.FunctionNames.Order(StringComparer.Ordinal), ExpressionParser.FunctionNames);
    }

    [Theory]
    [InlineData("arange(1.5)", "length")]
    [InlineData("arange(2.0)", "length")]
    [InlineData("reshape(v, 1.5)", "size")]
    [InlineData("reshape(x, 2, 0.5)", "size")]
    [InlineData("take(v, 1.5)", "index")]
    public void AFloatNumberWhereAnIntegerIsNeededIsAnError(string text, string what)
    {
        // NumPy refuses arange, reshape and take with float sizes; they were truncated (arange(1.5)
        // had one element, take(v, 1.5) read v[1]).
        var e = Assert.Throws<ParseException>(() => T.Parse(text, X, V));
        Assert.Contains($"the {what} must be an integer", e.Message);
        Assert.Contains("float", e.Message);
    }

    [Fact]
    public void AFloatTensorIsNotASize()
    {
        // reshape(v, s) with a float32 scalar s was cast to int64, truncating, where the op itself
        // (and NumPy) wants integer sizes.
        var s = T.Scalar("s");
        var e = Assert.Throws<ParseException>(() => T.Parse("reshape(v, s)", V, s));
        Assert.Contains("must be an integer scalar", e.Message);
        Assert.Throws<ArgumentException>(() => T.Reshape(V, [s]));
        var n32 = T.Scalar("n32", DType.Int32);
        Assert.Equal(DType.Int64, T.Reshape(V, [n32]).Owner!.Inputs[1].DType);
    }

    [Fact]
    public void AFloatNumberWhereAnIntegerIsNeededIsAnErrorInCSharpToo()
    {
        Assert.Throws<ArgumentException>(() => T.Take(V, 1.5));
        Assert.Throws<ArgumentException>(() => T.Arange(2.5));
        Assert.Same(T.Take(V, 1), T.Parse("take(v, 1)", V));
        Assert.Same(T.Arange(3), T.Parse("arange(3)", V));
        Assert.Equal([2, 3], T.Parse("reshape(v, 2, 3)", V).Type.Shape.Select(d => d!.Value).ToArray());
    }

    [Fact]
    public void AVariableMayShareAFunctionsName()
    {
        var exp = T.Matrix("exp");
        Assert.Same(T.Exp(exp), T.Parse("exp(exp)", exp));
    }
}
