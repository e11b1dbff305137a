namespace Symbolic.Tests.Text;

public class ParseTests
{
    private static readonly Variable X = T.Matrix("x");
    private static readonly Variable Y = T.Matrix("y");
    private static readonly Variable V = T.Vector("v");
    private static readonly Variable L = T.Vector("labels", DType.Int64);

    private static Variable P(string text) => T.Parse(text, X, Y, V, L);

    [Fact]
    public void TheApiExampleBuildsTheSameNodeAsT() => Assert.Same(T.Log(1 + T.Exp(X)), P("log(1 + exp(x))"));

    public static TheoryData<string, Func<Variable>> Same() => new()
    {
        { "x + y * v", () => X + Y * V },
        { "(x + y) * v", () => (X + Y) * V },
        { "x - y - v", () => X - Y - V },
        { "x / y / 2", () => X / Y / 2 },
        { "-x", () => -X },
        { "-x ** 2", () => -T.Pow(X, 2) },
        { "x ** y ** 2", () => T.Pow(X, T.Pow(Y, 2)) },
        { "2 * x", () => 2 * X },
        { "x * 2.5", () => X * 2.5 },
        { "x * 1e-3", () => X * 1e-3 },
        { "  exp ( x )  ", () => T.Exp(X) },
        { "sigmoid(x) * tanh(y)", () => T.Sigmoid(X) * T.Tanh(Y) },
        { "maximum(x, 0)", () => T.Maximum(X, 0) },
        { "clip(x, -1, 1)", () => T.Clip(X, -1, 1) },
        { "switch(gt(x, y), x, y)", () => T.Switch(T.Gt(X, Y), X, Y) },
        { "and(lt(x, 1), not(eq(y, 0)))", () => T.And(T.Lt(X, 1), T.Not(T.Eq(Y, 0))) },
        { "pow(x, 3)", () => T.Pow(X, 3) },
        { "sum(x)", () => T.Sum(X) },
        { "sum(x, 1)", () => T.Sum(X, 1) },
        { "mean(x, -1, true)", () => T.Mean(X, -1, keepDims: true) },
        { "max(x, 0, 1)", () => T.Max(X, 0, keepDims: true) },
        { "argmax(x, 1)", () => T.Argmax(X, 1) },
        { "prod(v)", () => T.Prod(V) },
        { "min(x, 0)", () => T.Min(X, 0) },
        { "dot(x, y)", () => T.Dot(X, Y) },
        { "transpose(x)", () => T.Transpose(X) },
        { "transpose(x, 1, 0)", () => T.Transpose(X, 1, 0) },
        { "reshape(x, -1)", () => T.Reshape(X, -1) },
        { "flatten(x)", () => T.Flatten(X) },
        { "softmax(x)", () => T.Softmax(X) },
        { "log_softmax(x, 0)", () => T.LogSoftmax(X, 0) },
        { "logsoftmax(x)", () => T.LogSoftmax(X) },
        { "categorical_crossentropy(softmax(x), labels)", () => T.CategoricalCrossentropy(T.Softmax(X), L) },
        { "binary_crossentropy(sigmoid(x), y)", () => T.BinaryCrossentropy(T.Sigmoid(X), Y) },
        { "mean_squared_error(x, y)", () => T.MeanSquaredError(X, Y) },
        { "take(x, labels)", () => T.Take(X, L) },
        { "arange(4)", () => T.Arange(4) },
        { "zeros_like(x) + ones_like(y)", () => T.ZerosLike(X) + T.OnesLike(Y) },
        { "stop_gradient(x)", () => T.StopGradient(X) },
        { "log1p(x) + expm1(y) + softplus(v) + relu(x)", () => T.Log1p(X) + T.Expm1(Y) + T.Softplus(V) + T.Relu(X) },
        { "sqrt(abs(x)) + sqr(sign(y)) + floor(x) + ceil(y) + sin(x) + cos(y)", () => T.Sqrt(T.Abs(X)) + T.Sqr(T.Sign(Y)) + T.Floor(X) + T.Ceil(Y) + T.Sin(X) + T.Cos(Y) },
        { "neg(x) + div(x, y)", () => -X + X / Y },
    };

    [Theory]
    [MemberData(nameof(Same))]
    public void BuildsTheSameNodeAsT(string text, Func<Variable> expected) => Assert.Same(expected(), P(text));

    [Theory]
    [InlineData("log(1 + exp(x)", "')'", "position 15")]
    [InlineData("x + ", "position", "end of the text")]
    [InlineData("x $ y", "position 3", "'$'")]
    [InlineData("(x", "')'", "")]
    public void SyntaxErrorsSayWhatWasExpectedAndWhere(string text, string what, string where)
    {
        var e = Assert.Throws<ParseException>(() => P(text));
        Assert.Contains(what, e.Message);
        Assert.Contains(where, e.Message);
        Assert.Contains("^", e.Message);
    }

    [Fact]
    public void UnknownNamesAreNamed()
    {
        var e = Assert.Throws<ParseException>(() => P("x + z"));
        Assert.Contains("unknown variable 'z'", e.Message);
        Assert.Contains("known: x, y, v, labels", e.Message);
        var f = Assert.Throws<ParseException>(() => P("frobnicate(x)"));
        Assert.Contains("unknown function 'frobnicate'", f.Message);
        Assert.Contains("softmax", f.Message);
    }

    [Fact]
    public void WrongArityAndNonIntegerAxesAreExplained()
    {
        Assert.Contains("exp takes 1 argument but got 2", Assert.Throws<ParseException>(() => P("exp(x, y)")).Message);
        Assert.Contains("sum takes 1 to 3 arguments but got 4", Assert.Throws<ParseException>(() => P("sum(x, 1, 1, 1)")).Message);
        Assert.Contains("integer literal", Assert.Throws<ParseException>(() => P("sum(x, y)")).Message);
        Assert.Contains("true or false", Assert.Throws<ParseException>(() => P("sum(x, 1, 2)")).Message);
    }

    [Fact]
    public void AmbiguousNamesAreAnError()
    {
        var a = T.Vector("a");
        var b = T.Vector("a");
        Assert.Contains("ambiguous", Assert.Throws<ParseException>(() => T.Parse("a + 1", a, b)).Message);
    }

    [Fact]
    public void ParsedGraphsCompileAndRun()
    {
        var f = Function.Compile([V], [T.Parse("sum(v ** 2) / 2", V)]);
        Assert.Equal(7f, f.Invoke(NDArray.From(new float[] { 1, 2, 3 }, 3))[0].Item<float>());
    }

    [Fact]
    public void ParseErrorsAreArgumentExceptions() => Assert.IsAssignableFrom<ArgumentException>(Assert.Throws<ParseException>(() => P("")));
}
