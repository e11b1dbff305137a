using Symbolic.Cli;

namespace Symbolic.Tests.Text;

/// <summary>The symbolic command, run in-process through its entry method.</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void GraphPrintsTheDebugPrintOfTheParsedExpression()
    {
        var (code, output, err) = Run("graph", "log(1 + exp(x))", "--vars", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        var x = T.Matrix("x");
        Assert.Equal(Graph.DebugPrint(T.Log(1 + T.Exp(x))), output);
    }

    [Fact]
    public void VarsDeclareKindsAndDTypes()
    {
        var (code, output, _) = Run("graph", "mean(categorical_crossentropy(softmax(x @ w), y))", "--vars", "x:matrix,w:matrix,y:vector:int64");
        Assert.Equal(CliApp.Ok, code);
        var x = T.Matrix("x");
        var w = T.Matrix("w");
        var y = T.Vector("y", DType.Int64);
        Assert.Equal(Graph.DebugPrint(T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(x, w)), y))), output);
        Assert.Contains("y [id", output);
        Assert.Contains("<int64 (?,)>", output);
    }

    [Theory]
    [InlineData("s:scalar", "<float32 ()>")]
    [InlineData("s:vector", "<float32 (?,)>")]
    [InlineData("s:tensor3", "<float32 (?, ?, ?)>")]
    [InlineData("s:tensor4:float64", "<float64 (?, ?, ?, ?)>")]
    [InlineData("s:row", "<float32 (1, ?)>")]
    [InlineData("s:col:int32", "<int32 (?, 1)>")]
    [InlineData(" s : Matrix : BOOL ", "<bool (?, ?)>")]
    public void EveryKindOfVariable(string spec, string type)
    {
        var (code, output, _) = Run("graph", "s", "--vars", spec);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal($"s [id A] {type}\n", output);
    }

    [Fact]
    public void VarsMayBeInlineAndRepeated()
    {
        var (code, output, _) = Run("graph", "x @ w", "--vars=x:matrix", "--vars", "w:matrix");
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("dot [id A] <float32 (?, ?)>\n", output);
    }

    [Fact]
    public void SeveralExpressionsPrintAsOneGraph()
    {
        var (code, output, _) = Run("graph", "exp(x)", "exp(x) * 2", "--vars", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        var x = T.Matrix("x");
        Assert.Equal(Graph.DebugPrint(T.Exp(x), T.Exp(x) * 2), output);
        Assert.Contains("|exp [id A]\n", output);
    }

    [Fact]
    public void DotPrintsGraphviz()
    {
        var (code, output, _) = Run("dot", "relu(x) * 2", "--vars", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        var x = T.Matrix("x");
        Assert.Equal(Graph.ToDot(T.Relu(x) * 2), output);
        DotPrinterTests.AssertWellFormed(output);
    }

    [Fact]
    public void OptimizeShowsTheOptimizedGraphAndTheRewrites()
    {
        var (code, output, err) = Run("optimize", "log(1 + exp(x))", "--vars", "x:vector:float64");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.StartsWith("softplus [id A] <float64 (?,)>\n", output);
        Assert.Contains("\nrewrites:\n", output);
        Assert.Contains("softplus-from-log1p-exp", output);
    }

    [Fact]
    public void OptimizeWithNothingToRewrite()
    {
        var (code, output, _) = Run("optimize", "x", "--vars", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        Assert.EndsWith("rewrites:\n(none)\n", output);
    }

    [Fact]
    public void SourceShowsTheGeneratedProgram()
    {
        var (code, output, _) = Run("source", "tanh(x)", "--vars", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("MathF.Tanh", output);
        var x = T.Matrix("x");
        Assert.Equal(Function.Emit([x], [T.Tanh(x)], CompileOptions.Default).Source, output);
    }

    [Fact]
    public void SourceOfSeveralExpressions()
    {
        var (code, output, _) = Run("source", "exp(x)", "sum(x)", "--vars", "x:vector");
        Assert.Equal(CliApp.Ok, code);
        var x = T.Vector("x");
        Assert.Equal(Function.Emit([x], [T.Exp(x), T.Sum(x)], CompileOptions.Default).Source, output);
    }

    [Fact]
    public void AnExpressionMayStartWithAMinus()
    {
        var (code, output, _) = Run("graph", "-x**2", "--vars", "x:scalar");
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("neg [id A]", output);
    }

    [Fact]
    public void DoubleDashEndsTheOptions()
    {
        var (code, output, _) = Run("graph", "--vars", "x:scalar", "--", "--x");
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("neg [id A]", output);
    }

    [Fact]
    public void FunctionsListsTheSignatures()
    {
        var (code, output, _) = Run("functions");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("sum(x, axis?, keepdims?)\n", output);
        Assert.Contains("categorical_crossentropy(probs, targets)\n", output);
        Assert.Equal(Parsing.ExpressionParser.FunctionNames.Count, output.Count(c => c == '\n'));
    }

    [Fact]
    public void NoArgumentsPrintsUsageAsAnError()
    {
        var (code, output, err) = Run();
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Equal(CliApp.Usage(), err);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void HelpPrintsUsage(string flag)
    {
        var (code, output, err) = Run(flag);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.Equal(CliApp.Usage(), output);
        Assert.Contains("symbolic graph <expr>...", output);
        Assert.Contains("symbolic dot <expr>...", output);
        Assert.Contains("symbolic optimize <expr>...", output);
        Assert.Contains("symbolic source <expr>...", output);
        Assert.Contains("kinds:  scalar, vector, matrix, tensor3, tensor4, row, col", output);
    }

    [Theory]
    [InlineData("graph", "--help")]
    [InlineData("dot", "-h")]
    [InlineData("optimize", "--help")]
    [InlineData("source", "-?")]
    [InlineData("help", "graph")]
    public void CommandHelp(string first, string second)
    {
        var (code, output, _) = Run(first, second);
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith($"symbolic {(first == "help" ? second : first)} <expr>... [--vars VARS]\n", output);
        Assert.Contains("Example:", output);
    }

    [Fact]
    public void HelpForAnUnknownCommand()
    {
        var (code, _, err) = Run("help", "frobnicate");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("unknown command 'frobnicate'", err);
    }

    [Fact]
    public void UnknownCommand()
    {
        var (code, output, err) = Run("frobnicate", "x");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Equal("symbolic: unknown command 'frobnicate'; commands: graph, optimize, source, dot, functions.\nRun 'symbolic --help' for usage.\n", err);
    }

    [Fact]
    public void OptionBeforeTheCommand()
    {
        var (code, _, err) = Run("--vars", "x:matrix", "graph", "x");
        Assert.Equal(CliApp.UsageError, code);
        Assert.StartsWith("symbolic: expected a command before '--vars'.", err);
    }

    [Fact]
    public void UnknownOption()
    {
        var (code, _, err) = Run("graph", "x", "--verbose");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("symbolic graph: unknown option '--verbose'.\nRun 'symbolic graph --help' for usage.\n", err);
    }

    [Fact]
    public void VarsWithoutAValue()
    {
        var (code, _, err) = Run("graph", "x", "--vars");
        Assert.Equal(CliApp.UsageError, code);
        Assert.StartsWith("symbolic graph: --vars needs a value, as in --vars x:matrix,y:vector.", err);
    }

    [Theory]
    [InlineData("x", "--vars: 'x' has no kind; write x:matrix, for instance (kinds: scalar, vector, matrix, tensor3, tensor4, row, col).")]
    [InlineData(":matrix", "--vars: ':matrix' has no name; write name:kind, as in x:matrix.")]
    [InlineData("x:cube", "--vars: 'cube' in 'x:cube' is not a kind of variable; kinds: scalar, vector, matrix, tensor3, tensor4, row, col.")]
    [InlineData("x:matrix:float16", "--vars: 'float16' in 'x:matrix:float16' is not a dtype; dtypes: bool, int32, int64, float32, float64.")]
    [InlineData("x:matrix:float32:extra", "--vars: 'x:matrix:float32:extra' has too many parts; write name:kind or name:kind:dtype.")]
    [InlineData("x:matrix,x:vector", "--vars: 'x' is declared twice.")]
    public void BadVariableDeclarations(string spec, string message)
    {
        var (code, output, err) = Run("graph", "x", "--vars", spec);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Equal($"symbolic graph: {message}\nRun 'symbolic graph --help' for usage.\n", err);
    }

    [Fact]
    public void EmptyEntriesInVarsAreSkipped()
    {
        var (code, _, _) = Run("graph", "x", "--vars", "x:matrix,,");
        Assert.Equal(CliApp.Ok, code);
    }

    [Fact]
    public void MissingExpression()
    {
        var (code, _, err) = Run("graph", "--vars", "x:matrix");
        Assert.Equal(CliApp.UsageError, code);
        Assert.StartsWith("symbolic graph: give an expression, as in symbolic graph \"log(1 + exp(x))\" --vars x:matrix.", err);
    }

    [Fact]
    public void FunctionsTakesNoArguments()
    {
        var (code, _, err) = Run("functions", "exp");
        Assert.Equal(CliApp.UsageError, code);
        Assert.StartsWith("symbolic functions: unexpected argument 'exp'.", err);
    }

    [Fact]
    public void ExpressionErrorShowsTheMessageWithTheCaret()
    {
        var (code, output, err) = Run("graph", "exp(x + 1", "--vars", "x:matrix");
        Assert.Equal(CliApp.ExpressionError, code);
        Assert.Equal("", output);
        Assert.Equal("symbolic: expected ',' or ')' at position 10, found the end of the text:\n  exp(x + 1\n           ^\n", err);
    }

    [Fact]
    public void UndeclaredVariableWithoutVarsGetsAHint()
    {
        var (code, _, err) = Run("dot", "exp(x)");
        Assert.Equal(CliApp.ExpressionError, code);
        Assert.StartsWith("symbolic: unknown variable 'x' at position 5; known: none", err);
        Assert.EndsWith("Declare the variables an expression uses with --vars, as in --vars x:matrix,y:vector:int64.\n", err);
    }

    [Fact]
    public void ErrorInTheSecondExpressionPrintsNothing()
    {
        var (code, output, err) = Run("graph", "exp(x)", "exp(y)", "--vars", "x:matrix");
        Assert.Equal(CliApp.ExpressionError, code);
        Assert.Equal("", output);
        Assert.StartsWith("symbolic: unknown variable 'y' at position 5; known: x:", err);
    }

    [Fact]
    public void AConstantIndexOutOfRangeIsLeftForRunTime()
    {
        // take(arange(3), 7) once raised IndexOutOfRangeException from constant folding inside
        // Function.Compile, and the process died with a stack trace. Folding now leaves a node it
        // cannot evaluate, so the expression compiles and the error belongs to Invoke.
        var (code, output, err) = Run("optimize", "take(arange(3), 7)");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.StartsWith("take", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void TheVarsHintIsGivenOnlyForAnUnknownVariable()
    {
        var (code, _, err) = Run("graph", "arange(-1)");
        Assert.Equal(CliApp.ExpressionError, code);
        Assert.Contains("negative", err);
        Assert.DoesNotContain("--vars", err);
    }

    [Theory]
    [InlineData("1x:matrix")]
    [InlineData("x y:matrix")]
    [InlineData("x-1:vector")]
    public void AVariableNameExpressionsCannotWriteIsAUsageError(string spec)
    {
        var (code, output, err) = Run("graph", "x", "--vars", spec);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains("is not a name an expression can use", err);
    }

    [Fact]
    public void AVariableNameOutsideTheBasicMultilingualPlaneIsOneExpressionsCanWrite()
    {
        // U+1D465, mathematical italic x: a letter the expression grammar reads, so --vars takes it too.
        var (code, output, err) = Run("graph", "\U0001D465 + 1", "--vars", "\U0001D465:vector");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.StartsWith("add", output);
    }
}
