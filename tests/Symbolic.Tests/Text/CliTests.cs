using System.Diagnostics;
using Symbolic.Cli;

namespace Symbolic.Tests.Text;

/// <summary>The symbolic command, run in-process through its entry method, and once as a process.</summary>
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => RunIn(null, args);

    private static (int Code, string Out, string Err) RunIn(CliContext? context, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr, context);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Bad input's promise: exit code 2, nothing on standard output, one line on standard error and no stack trace.</summary>
    private static void AssertOneLineError(int expectedCode, (int Code, string Out, string Err) result)
    {
        Assert.Equal(expectedCode, result.Code);
        Assert.Equal("", result.Out);
        Assert.EndsWith("\n", result.Err);
        Assert.Equal(1, result.Err.Count(c => c == '\n'));
        Assert.DoesNotContain("   at ", result.Err);
        Assert.DoesNotContain("Exception", result.Err);
    }

    // ---- compile ----

    [Fact]
    public void CompileShowsTheOptimizedGraphByDefault()
    {
        var (code, output, err) = Run("compile", "log(1 + exp(x))", "--var", "x:vector:float64");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        var x = T.Vector("x", DType.Float64);
        Assert.Equal(Function.Compile([x], [T.Log(1 + T.Exp(x))]).DebugPrint(), output);
        Assert.StartsWith("softplus [id A] <float64 (?,)>\n", output);
    }

    [Theory]
    [InlineData("graph")]
    [InlineData("optimized")]
    [InlineData("trace")]
    [InlineData("kernels")]
    [InlineData("source")]
    [InlineData("plan")]
    public void CompileShowsEachPart(string show)
    {
        var (code, output, err) = Run("compile", "log(1 + exp(x)) * 2", "--var", "x:matrix", "--show", show);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        var x = T.Matrix("x");
        var y = T.Log(1 + T.Exp(x)) * 2;
        var f = Function.Compile([x], [y]);
        var expected = show switch
        {
            "graph" => Graph.DebugPrint(y),
            "optimized" => f.DebugPrint(),
            "trace" => f.RewriteTrace.ToString(),
            "kernels" => string.Concat(f.Kernels.Select(k => $"// kernel {k.Name} (csharp)\n{k.Source}{(k.Source.EndsWith('\n') ? "" : "\n")}")),
            "source" => f.Source,
            _ => f.KernelPlan,
        };
        Assert.Equal(expected.EndsWith('\n') ? expected : expected + "\n", output);
        if (show == "trace") Assert.Contains("softplus-from-log1p-exp", output);
        if (show == "kernels") Assert.StartsWith("// kernel K0", output);
    }

    [Fact]
    public void CompileWithNothingToRewriteShowsNoTrace()
    {
        var (code, output, _) = Run("compile", "x", "--var", "x:matrix", "--show", "trace");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("(none)\n", output);
    }

    [Fact]
    public void SeveralShowsPrintInAFixedOrderUnderHeaders()
    {
        var (code, output, err) = Run("compile", "exp(x)", "-v", "x:vector", "--show", "trace", "--show", "graph,optimized", "-s", "graph");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Exp(x)]);
        Assert.Equal($"== graph ==\n{Graph.DebugPrint(T.Exp(x))}\n== optimized ==\n{f.DebugPrint()}\n== trace ==\n(none)\n", output);
    }

    [Fact]
    public void CompileForCudaIsUnavailableWhereThereIsNoBackendOrDevice()
    {
        // Without a CUDA device this is exit code 1 with one line; a machine with a device compiles.
        var result = Run("compile", "exp(x)", "--var", "x:vector", "--device", "cuda");
        Assert.True(result.Code is CliApp.Ok or CliApp.Unavailable, result.Err);
        if (result.Code == CliApp.Unavailable)
        {
            AssertOneLineError(CliApp.Unavailable, result);
            Assert.Contains("CUDA", result.Err);
        }
    }

    [Fact]
    public void PtxIsUnavailableWithoutACudaBackend()
    {
        var result = Run("compile", "exp(x)", "--var", "x:vector", "--device", "cuda", "--show", "ptx");
        Assert.True(result.Code is CliApp.Ok or CliApp.Unavailable, result.Err);
        if (result.Code == CliApp.Unavailable) AssertOneLineError(CliApp.Unavailable, result);
    }

    [Fact]
    public void PtxNeedsTheCudaDevice()
    {
        var result = Run("compile", "exp(x)", "--var", "x:vector", "--show", "ptx");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.StartsWith("symbolic compile: --show ptx needs --device cuda", result.Err);
    }

    // ---- graph ----

    [Fact]
    public void GraphPrintsTheDebugPrintOfTheParsedExpression()
    {
        var (code, output, err) = Run("graph", "log(1 + exp(x))", "--var", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        var x = T.Matrix("x");
        Assert.Equal(Graph.DebugPrint(T.Log(1 + T.Exp(x))), output);
        Assert.Equal(output, Run("graph", "log(1 + exp(x))", "--var", "x:matrix", "--format", "text").Out);
    }

    [Fact]
    public void VarsDeclareKindsAndDTypes()
    {
        var (code, output, _) = Run("graph", "mean(categorical_crossentropy(softmax(x @ w), y))", "--var", "x:matrix,w:matrix", "--var", "y:vector:int64");
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
        var (code, output, _) = Run("graph", "s", "--var", spec);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal($"s [id A] {type}\n", output);
    }

    [Theory]
    [InlineData("--vars=x:matrix", "--vars", "w:matrix")]
    [InlineData("--var=x:matrix", "-v", "w:matrix")]
    [InlineData("--var", "x:matrix", "--var=w:matrix")]
    public void VarsMayBeInlineAndRepeated(string a, string b, string c)
    {
        var (code, output, _) = Run("graph", "x @ w", a, b, c);
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("dot [id A] <float32 (?, ?)>\n", output);
    }

    [Fact]
    public void SeveralExpressionsPrintAsOneGraph()
    {
        var (code, output, _) = Run("graph", "exp(x)", "exp(x) * 2", "--var", "x:matrix");
        Assert.Equal(CliApp.Ok, code);
        var x = T.Matrix("x");
        Assert.Equal(Graph.DebugPrint(T.Exp(x), T.Exp(x) * 2), output);
        Assert.Contains("|exp [id A]\n", output);
    }

    [Fact]
    public void GraphAsDot()
    {
        var (code, output, _) = Run("graph", "relu(x) * 2", "--var", "x:matrix", "--format", "dot");
        Assert.Equal(CliApp.Ok, code);
        var x = T.Matrix("x");
        Assert.Equal(Graph.ToDot(T.Relu(x) * 2), output);
        DotPrinterTests.AssertWellFormed(output);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("dot")]
    public void GraphOptimizedShowsTheCompiledGraph(string format)
    {
        var (code, output, err) = Run("graph", "log(1 + exp(x))", "--var", "x:vector", "--optimized", "-f", format);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Log(1 + T.Exp(x))]);
        Assert.Equal(format == "text" ? f.DebugPrint() : Graph.ToDot([.. f.Optimized]), output);
        Assert.Contains("softplus", output);
        Assert.DoesNotContain("log", output);
    }

    [Fact]
    public void GraphWritesToAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"symbolic-cli-{Guid.NewGuid():N}.dot");
        try
        {
            var (code, output, err) = Run("graph", "exp(x)", "--var", "x:vector", "--format", "dot", "-o", path);
            Assert.Equal(CliApp.Ok, code);
            Assert.Equal("", output);
            Assert.Equal("", err);
            Assert.Equal(Graph.ToDot(T.Exp(T.Vector("x"))), File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SvgWithoutGraphvizSaysHowToInstallIt()
    {
        var result = RunIn(new CliContext(SearchPath: ""), "graph", "exp(x)", "--var", "x:vector", "--format", "svg");
        AssertOneLineError(CliApp.Unavailable, result);
        Assert.Contains("apt-get install graphviz", result.Err);
    }

    [Fact]
    public void SvgThroughGraphviz()
    {
        if (CliApp.FindOnPath("dot", Environment.GetEnvironmentVariable("PATH")) is null)
            Assert.Skip("Graphviz's dot is not on PATH here (apt-get install graphviz)");
        var (code, output, err) = Run("graph", "relu(x @ w)", "--var", "x:matrix,w:matrix", "--format", "svg");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.Contains("<svg", output);
        Assert.Contains("relu", output);
        Assert.EndsWith("</svg>", output.TrimEnd());
    }

    // ---- bench ----

    [Fact]
    public void BenchOutsideAClone()
    {
        var dir = Directory.CreateTempSubdirectory("symbolic-cli-").FullName;
        try
        {
            var result = RunIn(new CliContext(CurrentDirectory: dir), "bench");
            AssertOneLineError(CliApp.Unavailable, result);
            Assert.Contains("no Symbolic.sln", result.Err);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void BenchRunsTheQuickRunnerOfTheCloneAbove()
    {
        var root = CliApp.FindRepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(root);
        var (code, output, err) = RunIn(new CliContext(CurrentDirectory: AppContext.BaseDirectory), "bench", "--dry-run");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.Equal($"dotnet run -c Release --project {Path.Combine(root, "bench", "Symbolic.Bench")} -- quick\n", output);
    }

    [Fact]
    public void BenchForwardsItsArguments()
    {
        var (code, output, _) = RunIn(new CliContext(CurrentDirectory: AppContext.BaseDirectory), "bench", "--dry-run", "rewrite", "--", "--flag");
        Assert.Equal(CliApp.Ok, code);
        Assert.EndsWith(" -- rewrite --flag\n", output);
    }

    // ---- today's commands, kept as hidden aliases ----

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
        Assert.Equal(output, Run("compile", "tanh(x)", "--var", "x:matrix", "--show", "source").Out);
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
        var (code, output, _) = Run("graph", "-x**2", "--var", "x:scalar");
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("neg [id A]", output);
    }

    [Fact]
    public void DoubleDashEndsTheOptions()
    {
        var (code, output, _) = Run("graph", "--var", "x:scalar", "--", "--x");
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

    // ---- help ----

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
        Assert.Contains("symbolic [command] [options]", output);
        foreach (var command in new[] { "compile <expr>", "graph <expr>", "bench", "functions" })
            Assert.Contains("\n  " + command, output);
        // The old commands still work but are no longer advertised.
        Assert.DoesNotContain("\n  optimize", output);
        Assert.DoesNotContain("\n  source", output);
        Assert.DoesNotContain("\n  dot", output);
        Assert.EndsWith(CliApp.ExitCodesHelp + "\n", output);
    }

    [Theory]
    [InlineData("compile", "--help", "--show <graph|optimized|trace|kernels|source|plan|ptx>")]
    [InlineData("compile", "-h", "--device <cpu|cuda>")]
    [InlineData("graph", "--help", "--format <text|dot|svg>")]
    [InlineData("graph", "-?", "-o, --output <file>")]
    [InlineData("bench", "--help", "--dry-run")]
    [InlineData("dot", "-h", "--var")]
    [InlineData("optimize", "--help", "--var")]
    [InlineData("source", "-?", "--var")]
    [InlineData("help", "graph", "--format")]
    public void CommandHelp(string first, string second, string mentions)
    {
        var (code, output, err) = Run(first, second);
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.StartsWith("Description:\n", output);
        Assert.Contains($"Usage:\n  symbolic {(first == "help" ? second : first)} ", output);
        Assert.Contains(mentions, output);
        Assert.Contains("Exit codes:\n", output);
    }

    [Fact]
    public void HelpIsShownEvenWhereTheRestOfTheLineIsWrong()
    {
        var (code, output, _) = Run("compile", "--bogus", "--help");
        Assert.Equal(CliApp.Ok, code);
        Assert.StartsWith("Description:\n", output);
    }

    // ---- bad input: one line on standard error, exit code 2 ----

    [Fact]
    public void NoArgumentsIsAUsageError()
    {
        var result = Run();
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Equal("symbolic: give a command: compile, graph, train, bench, functions (run 'symbolic --help' for usage)\n", result.Err);
    }

    [Fact]
    public void HelpForAnUnknownCommand()
    {
        var result = Run("help", "frobnicate");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Contains("unknown command 'frobnicate'", result.Err);
    }

    [Fact]
    public void UnknownCommand()
    {
        var result = Run("frobnicate", "x");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Equal("symbolic: unknown command 'frobnicate'; commands: compile, graph, train, bench, functions (run 'symbolic --help' for usage)\n", result.Err);
    }

    [Fact]
    public void OptionBeforeTheCommand()
    {
        var result = Run("--vars", "x:matrix", "graph", "x");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Contains("unknown option '--vars'", result.Err);
    }

    [Fact]
    public void UnknownOption()
    {
        var result = Run("graph", "x", "--verbose");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Equal("symbolic graph: unknown option '--verbose' (run 'symbolic graph --help' for usage)\n", result.Err);
    }

    [Fact]
    public void VarsWithoutAValue()
    {
        var result = Run("graph", "x", "--var");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.StartsWith("symbolic graph: --var needs a value, as in --var x:matrix", result.Err);
    }

    [Theory]
    [InlineData("x", "--var: 'x' has no kind; write x:matrix, for instance (kinds: scalar, vector, matrix, tensor3, tensor4, row, col)")]
    [InlineData(":matrix", "--var: ':matrix' has no name; write name:kind, as in x:matrix")]
    [InlineData("x:cube", "--var: 'cube' in 'x:cube' is not a kind of variable; kinds: scalar, vector, matrix, tensor3, tensor4, row, col")]
    [InlineData("x:matrix:float16", "--var: 'float16' in 'x:matrix:float16' is not a dtype; dtypes: bool, int32, int64, float32, float64")]
    [InlineData("x:matrix:float32:extra", "--var: 'x:matrix:float32:extra' has too many parts; write name:kind or name:kind:dtype")]
    [InlineData("x:matrix,x:vector", "--var: 'x' is declared twice")]
    public void BadVariableDeclarations(string spec, string message)
    {
        var result = Run("graph", "x", "--var", spec);
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Equal($"symbolic graph: {message} (run 'symbolic graph --help' for usage)\n", result.Err);
    }

    [Fact]
    public void EmptyEntriesInVarsAreSkipped()
    {
        var (code, _, _) = Run("graph", "x", "--var", "x:matrix,,");
        Assert.Equal(CliApp.Ok, code);
    }

    [Fact]
    public void MissingExpression()
    {
        var result = Run("graph", "--var", "x:matrix");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.StartsWith("symbolic graph: give an expression, as in symbolic graph \"log(1 + exp(x))\" --var x:matrix", result.Err);
    }

    [Fact]
    public void FunctionsTakesNoArguments()
    {
        var result = Run("functions", "exp");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.StartsWith("symbolic functions: unexpected argument 'exp'", result.Err);
    }

    [Fact]
    public void AnExpressionErrorIsOneLineWithThePosition()
    {
        var result = Run("graph", "exp(x + 1", "--var", "x:matrix");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Equal("symbolic graph: expected ',' or ')' at position 10, found the end of the text in \"exp(x + 1\"\n", result.Err);
    }

    [Fact]
    public void UndeclaredVariableWithoutVarsGetsAHint()
    {
        var result = Run("dot", "exp(x)");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.StartsWith("symbolic dot: unknown variable 'x' at position 5; known: none", result.Err);
        Assert.EndsWith("declare the variables an expression uses with --var, as in --var x:matrix --var y:vector:int64\n", result.Err);
    }

    [Fact]
    public void ErrorInTheSecondExpressionPrintsNothing()
    {
        var result = Run("graph", "exp(x)", "exp(y)", "--var", "x:matrix");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.StartsWith("symbolic graph: expression 2: unknown variable 'y' at position 5; known: x", result.Err);
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
        var result = Run("graph", "arange(-1)");
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Contains("negative", result.Err);
        Assert.DoesNotContain("--var", result.Err);
    }

    [Theory]
    [InlineData("1x:matrix")]
    [InlineData("x y:matrix")]
    [InlineData("x-1:vector")]
    public void AVariableNameExpressionsCannotWriteIsAUsageError(string spec)
    {
        var result = Run("graph", "x", "--var", spec);
        AssertOneLineError(CliApp.UsageError, result);
        Assert.Contains("is not a name an expression can use", result.Err);
    }

    [Fact]
    public void AVariableNameOutsideTheBasicMultilingualPlaneIsOneExpressionsCanWrite()
    {
        // U+1D465, mathematical italic x: a letter the expression grammar reads, so --var takes it too.
        var (code, output, err) = Run("graph", "\U0001D465 + 1", "--var", "\U0001D465:vector");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.StartsWith("add", output);
    }

    /// <summary>About a dozen kinds of bad input, each one line on standard error with exit code 2.</summary>
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("compile", "x", "--var", "x:vector", "--frobnicate")]
    [InlineData("compile", "x", "--var", "x:vector", "--frobnicate=3")]
    [InlineData("compile", "exp(x", "--var", "x:vector")]
    [InlineData("compile", "x ** ** 2", "--var", "x:vector")]
    [InlineData("compile", "nosuchfunction(x)", "--var", "x:vector")]
    [InlineData("compile", "exp(x)")]
    [InlineData("compile", "x", "--var", "x:vector:complex128")]
    [InlineData("compile", "x", "--var")]
    [InlineData("compile", "--var", "x:vector")]
    [InlineData("compile", "x", "--var", "x:vector", "--show", "everything")]
    [InlineData("compile", "x", "--var", "x:vector", "--show", "graph,,nope")]
    [InlineData("compile", "x", "--var", "x:vector", "--show")]
    [InlineData("compile", "x", "--var", "x:vector", "--device", "tpu")]
    [InlineData("compile", "sum(x, 5)", "--var", "x:vector")]
    [InlineData("graph", "x", "--var", "x:vector", "--format", "png")]
    [InlineData("graph", "x", "--var", "x:vector", "-o", "/nonexistent-folder-for-symbolic/graph.txt")]
    [InlineData("graph", "x", "--var", "x:vector", "-o", "")]
    [InlineData("graph", "x", "--var", "x:vector", "--optimized=maybe")]
    [InlineData("bench", "--frobnicate")]
    [InlineData("functions", "--all")]
    public void BadInputIsOneLineAndExitCodeTwo(params string[] args)
    {
        AssertOneLineError(CliApp.UsageError, Run(args));
    }

    // ---- as a process ----

    [Fact]
    public void TheBuiltCommandRunsAsAProcess()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Symbolic.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references Symbolic.Cli, so it should be built beside the tests");

        var ok = RunProcess(dll, "graph", "log(1 + exp(x))", "--var", "x:matrix");
        Assert.Equal(CliApp.Ok, ok.Code);
        Assert.Equal("", ok.Err);
        Assert.Equal(Graph.DebugPrint(T.Log(1 + T.Exp(T.Matrix("x")))), ok.Out.ReplaceLineEndings("\n"));

        var help = RunProcess(dll, "--help");
        Assert.Equal(CliApp.Ok, help.Code);
        Assert.Contains("compile", help.Out);

        var bad = RunProcess(dll, "compile", "exp(x", "--var", "x:vector");
        Assert.Equal(CliApp.UsageError, bad.Code);
        Assert.Equal("", bad.Out);
        Assert.Single(bad.Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", bad.Err);

        var unknown = RunProcess(dll, "compile", "x", "--var", "x:vector", "--frobnicate");
        Assert.Equal(CliApp.UsageError, unknown.Code);
        Assert.Equal("symbolic compile: unknown option '--frobnicate' (run 'symbolic compile --help' for usage)", unknown.Err.TrimEnd());
    }

    private static (int Code, string Out, string Err) RunProcess(string dll, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the symbolic process did not finish in two minutes");
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
