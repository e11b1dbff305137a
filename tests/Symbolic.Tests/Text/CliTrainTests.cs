using Symbolic.Cli;
using Symbolic.Cli.Train;
using Symbolic.Nn;

namespace Symbolic.Tests.Text;

/// <summary><c>symbolic train</c>: model files trained in-process, and every kind of bad input as one line naming the file and line.</summary>
public sealed class CliTrainTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("symbolic-train-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const string Csv = "a,b,xor\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n";

    private const string Xor = """
        # xor
        data      csv xor.csv
        input     x  matrix float32  columns=a,b
        input     y  matrix float32  columns=xor
        param     w1 2x8  init=glorot
        param     b1 8
        param     w2 8x1
        param     b2 1    init=constant(0.1)
        layer     h = tanh(x @ w1 + b1)
        layer     p = sigmoid(h @ w2 + b2)
        loss      mean(binary_crossentropy(p, y))
        metric    accuracy = mean(cast(eq(p > 0.5, y > 0.5), float32))
        optimizer adam lr=0.05
        epochs    200
        batch     4
        seed      1
        save      out/xor.safetensors
        """;

    private static string RepoRoot => CliApp.FindRepositoryRoot(AppContext.BaseDirectory)!;

    private string Write(string model, string csv = Csv, string name = "m.model")
    {
        File.WriteAllText(Path.Combine(dir, "xor.csv"), csv);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, model.Replace("\r\n", "\n"));
        return path;
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Exit code 2, nothing printed, one line on standard error naming the file (and line), no stack trace.</summary>
    private static string AssertBadInput((int Code, string Out, string Err) r, string where, bool trained = false)
    {
        Assert.Equal(CliApp.UsageError, r.Code);
        if (!trained) Assert.Equal("", r.Out);
        Assert.Equal(1, r.Err.Count(c => c == '\n'));
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("Exception", r.Err);
        Assert.StartsWith($"symbolic train: {where}", r.Err);
        return r.Err;
    }

    private (int Code, string Out, string Err) Check(string model, string csv = Csv) => Run("train", Write(model, csv), "--check");

    private static string Edit(string from, string to)
    {
        Assert.Contains(from, Xor);
        return Xor.Replace(from, to);
    }

    [Fact]
    public void TrainsXorPrintsATableAndSavesWeightsThatLoad()
    {
        var path = Write(Xor);
        var (code, output, err) = Run("train", path);
        Assert.Equal("", err);
        Assert.Equal(CliApp.Ok, code);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("model    ") && l.Contains("x (4x2 float32), y (4x1 float32)"));
        Assert.Contains(lines, l => l.StartsWith("solver   adam lr=0.05"));
        var header = Array.FindIndex(lines, l => l.Trim().StartsWith("epoch") && l.Contains("loss") && l.Contains("accuracy"));
        Assert.True(header >= 0, output);
        // Rows at epoch 1, every 20th and the last: 11 rows, the last showing the learned function.
        var rows = lines.Skip(header + 1).TakeWhile(l => l.Length > 0 && char.IsWhiteSpace(l[0]) || l.Length > 0 && char.IsDigit(l[0])).ToArray();
        Assert.Equal(11, rows.Length);
        var last = rows[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("200", last[0]);
        Assert.True(double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture) < 0.1, rows[^1]);
        Assert.Equal("1.000000", last[2]);
        var saved = Path.Combine(dir, "out", "xor.safetensors");
        Assert.Contains(lines, l => l.StartsWith("saved    ") && l.Contains("xor.safetensors"));
        Assert.False(output.Contains((char)27), "plain output holds no escape codes");

        // The weights load back into parameters of the declared shapes, and compute xor.
        var w1 = T.Shared(NDArray.Zeros(DType.Float32, 2, 8), "w1");
        var b1 = T.Shared(NDArray.Zeros(DType.Float32, 8), "b1");
        var w2 = T.Shared(NDArray.Zeros(DType.Float32, 8, 1), "w2");
        var b2 = T.Shared(NDArray.Zeros(DType.Float32, 1), "b2");
        Checkpoint.Load(saved, [w1, b1, w2, b2]);
        var x = T.Matrix("x");
        var predict = Function.Compile([x], [T.Sigmoid(T.Dot(T.Tanh(T.Dot(x, w1) + b1), w2) + b2)]);
        var p = predict.Invoke(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } })[0].ToArray<float>();
        Assert.True(p[0] < 0.5 && p[1] > 0.5 && p[2] > 0.5 && p[3] < 0.5, string.Join(", ", p));
    }

    [Fact]
    public void EpochsAndOutputOptionsOverrideTheFile()
    {
        var path = Write(Xor);
        var target = Path.Combine(dir, "elsewhere.safetensors");
        var (code, output, _) = Run("train", path, "--epochs", "3", "-o", target);
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("3 epochs of batches of 4", output);
        Assert.True(File.Exists(target));
        Assert.False(File.Exists(Path.Combine(dir, "out", "xor.safetensors")));
    }

    [Fact]
    public void CheckTrainsNothingAndSavesNothing()
    {
        var (code, output, err) = Check(Xor);
        Assert.Equal((CliApp.Ok, ""), (code, err));
        Assert.Contains("ok       ", output);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void GeneratedSpiralsAndBlobsTrainWithSgdAndRmsProp()
    {
        var spirals = """
            data spirals points=20 classes=3 seed=3
            input x matrix columns=0:2
            input y vector int64 columns=label
            param w 2x3 float64 init=normal(0.1)
            param b 3 float64
            layer p = softmax(cast(x, float64) @ w + b)
            loss = mean(categorical_crossentropy(p, y))
            optimizer sgd lr=0.5 momentum=0.9 nesterov=true
            epochs 5
            batch 16
            """;
        var (code, output, err) = Run("train", Write(spirals, name: "s.model"));
        Assert.Equal("", err);
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("spirals points=20 classes=3 noise=0.2 seed=3: 60 rows, columns x0, x1, label", output);
        Assert.True(File.Exists(Path.Combine(dir, "s.safetensors")), "the default save path is the model's name with .safetensors");

        var blobs = """
            data blobs points=30 classes=2 features=3 spread=0.5 seed=1
            input x matrix columns=0:3
            input y vector int64 columns=3
            param w 3x2 init=he
            layer p = softmax(x @ w)
            loss mean(categorical_crossentropy(p, y))
            metric accuracy = mean(cast(eq(argmax(p, 1), y), float32))
            optimizer rmsprop lr=0.05
            epochs 10
            batch 20
            """;
        (code, output, err) = Run("train", Write(blobs, name: "b.model"));
        Assert.Equal("", err);
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("solver   rmsprop lr=0.05", output);
    }

    [Fact]
    public void DatasetsAreSeeded()
    {
        Assert.Equal(Dataset.Spirals(10, 2, 0.2, 5).Rows.SelectMany(r => r), Dataset.Spirals(10, 2, 0.2, 5).Rows.SelectMany(r => r));
        Assert.NotEqual(Dataset.Blobs(10, 2, 2, 1, 5).Rows.SelectMany(r => r), Dataset.Blobs(10, 2, 2, 1, 6).Rows.SelectMany(r => r));
        var blobs = Dataset.Blobs(10, 4, 3, 1, 0);
        Assert.Equal(["x0", "x1", "x2", "label"], blobs.Columns);
        Assert.Equal(40, blobs.Rows.Length);
    }

    [Fact]
    public void HelpDocumentsTheFormat()
    {
        var (code, output, _) = Run("train", "--help");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("model-file", output);
        Assert.Contains("docs/train-format.md", output);
        Assert.Contains("--epochs", output);
        Assert.Contains("--check", output);
        Assert.Contains("Exit codes:", output);
        Assert.Contains("train", Run("--help").Out);
    }

    // ---- bad input: one line naming the file and the line ----

    [Fact]
    public void AnUnknownKeyIsNamedWithItsLine()
    {
        var err = AssertBadInput(Check(Edit("epochs    200", "epoch 200")), Path.Combine(dir, "m.model") + ":14: ");
        Assert.Contains("unknown key 'epoch' (did you mean 'epochs'?)", err);
    }

    [Fact]
    public void ABadExpressionIsNamedWithItsLineAndColumn()
    {
        var err = AssertBadInput(Check(Edit("tanh(x @ w1 + b1)", "tanh(x @ w1 + )")), Path.Combine(dir, "m.model") + ":9:29: ");
        Assert.Contains("layer 'h': expected", err);
        err = AssertBadInput(Check(Edit("tanh(x @ w1 + b1)", "tanh(x @ w9 + b1)")), Path.Combine(dir, "m.model") + ":9:24: ");
        Assert.Contains("unknown variable 'w9'; known: x, y, w1, b1, w2, b2", err);
    }

    [Fact]
    public void AShapeMismatchNamesTheLayerThatMeetsIt()
    {
        var err = AssertBadInput(Check(Edit("param     w2 8x1", "param     w2 7x1")), Path.Combine(dir, "m.model") + ":10:");
        Assert.Contains("layer 'p': the shapes do not fit on a batch of 4 rows", err);
        Assert.Contains("inner dimensions 8 and 7 differ", err);
    }

    [Theory]
    [InlineData("loss      mean(binary_crossentropy(p, y))", "loss binary_crossentropy(p, y)", ":11:", "the loss must be a scalar")]
    [InlineData("optimizer adam lr=0.05", "optimizer adam lr=-1", ":13:", "adam: lr must be a positive finite number")]
    [InlineData("optimizer adam lr=0.05", "optimizer adam rate=1", ":13:", "unknown setting 'rate' for optimizer adam; settings: lr, beta1, beta2, epsilon")]
    [InlineData("optimizer adam lr=0.05", "optimizer lbfgs", ":13:", "unknown optimizer 'lbfgs'; optimizers: sgd, adam, rmsprop")]
    [InlineData("param     b2 1    init=constant(0.1)", "param     b2 1x  init=constant(0.1)", ":8:", "'1x' is not a shape")]
    [InlineData("param     b2 1    init=constant(0.1)", "param     b2 1 init=xavier", ":8:", "unknown initializer 'xavier'")]
    [InlineData("param     b2 1    init=constant(0.1)", "param     b2 1\nparam     b3 1", ":9:", "parameter 'b3' is not used by the loss")]
    [InlineData("input     x  matrix float32  columns=a,b", "input     x  matrix float32  columns=a,c", ":3:", "input 'x': columns=a,c: 'c' is neither a column of the data nor an index; the columns are a, b, xor")]
    [InlineData("input     x  matrix float32  columns=a,b", "input     x  vector float32  columns=a,b", ":3:", "input 'x' is a vector, so it takes one column")]
    [InlineData("input     x  matrix float32  columns=a,b", "input     x  matrix float32  columns=0:5", ":3:", "column 5 is past the last one")]
    [InlineData("input     x  matrix float32  columns=a,b", "input     x  matrix", ":3:", "input 'x' has no columns=")]
    [InlineData("layer     h = tanh(x @ w1 + b1)", "layer     x = tanh(x @ w1 + b1)", ":9:", "'x' is declared twice (first on line 3)")]
    [InlineData("epochs    200", "epochs    many", ":14:", "epochs 'many' is not a whole number")]
    [InlineData("batch     4", "batch     4\nbatch 8", ":16:", "'batch' is given twice (first on line 15)")]
    [InlineData("data      csv xor.csv", "data      csv missing.csv", ":2:", "the data file")]
    [InlineData("data      csv xor.csv", "data      mnist", ":2:", "unknown data source 'mnist'; data sources: csv, spirals, blobs")]
    public void BadModelFilesAreOneLineNamingTheLine(string from, string to, string line, string message)
    {
        var err = AssertBadInput(Check(Edit(from, to)), Path.Combine(dir, "m.model") + line);
        Assert.Contains(message, err);
    }

    [Fact]
    public void AMissingStatementNamesTheFile()
    {
        var err = AssertBadInput(Check(string.Join('\n', Xor.Split('\n').Where(l => !l.StartsWith("loss")))), Path.Combine(dir, "m.model") + ": ");
        Assert.Contains("no 'loss' line", err);
    }

    [Theory]
    [InlineData("a,b,xor\n0,0,0\n0,1\n", ":3: ", "2 fields where the header names 3")]
    [InlineData("a,b,xor\n0,0,0\n0,x,1\n", ":3: ", "column 2 ('b'): 'x' is not a number")]
    [InlineData("a,b,xor\n", ": ", "the file holds a header but no rows of data")]
    [InlineData("a,a,xor\n0,0,0\n", ":1: ", "the header names column 'a' twice")]
    public void MalformedCsvIsNamedWithItsLine(string csv, string line, string message)
    {
        var err = AssertBadInput(Check(Xor, csv), Path.Combine(dir, "xor.csv") + line);
        Assert.Contains(message, err);
    }

    [Fact]
    public void AValueAnIntegerInputCannotTakeNamesTheCsvLine()
    {
        var model = Edit("input     y  matrix float32  columns=xor", "input     y  matrix int64  columns=xor")
            .Replace("binary_crossentropy(p, y)", "binary_crossentropy(p, cast(y, float32))");
        var err = AssertBadInput(Check(model, "a,b,xor\n0,0,0\n0,1,0.5\n"), Path.Combine(dir, "xor.csv") + ":3: ");
        Assert.Contains("column 'xor' holds 0.5, which input 'y' (int64", err);
    }

    [Fact]
    public void AMissingModelFileAndAMissingArgumentAreBadInput()
    {
        var err = AssertBadInput(Run("train", Path.Combine(dir, "nothing.model")), Path.Combine(dir, "nothing.model") + ": ");
        Assert.Contains("no such file", err);
        var r = Run("train");
        Assert.Equal(CliApp.UsageError, r.Code);
        Assert.Contains("model-file", r.Err);
        r = Run("train", Write(Xor), "--epochs", "0");
        Assert.Equal(CliApp.UsageError, r.Code);
        Assert.Contains("--epochs must be 1 or more", r.Err);
    }

    [Fact]
    public void ALossThatDivergesIsNamedAtTheOptimizer()
    {
        var model = Edit("optimizer adam lr=0.05", "optimizer sgd lr=1e30").Replace("mean(binary_crossentropy(p, y))", "mean(sqr(h @ w2 + b2 - y))");
        var err = AssertBadInput(Run("train", Write(model)), Path.Combine(dir, "m.model") + ":13: ", trained: true);
        Assert.Contains("the loss became", err);
        Assert.Contains("smaller learning rate", err);
    }

    [Fact]
    public void AnUnwritableSavePathIsBadInput()
    {
        File.WriteAllText(Path.Combine(dir, "blocker"), "");
        var r = Run("train", Write(Xor), "--epochs", "1", "-o", Path.Combine(dir, "blocker", "w.safetensors"));
        Assert.Equal(CliApp.UsageError, r.Code);
        Assert.Contains("cannot write the weights", r.Err);
        Assert.Equal(1, r.Err.Count(c => c == '\n'));
    }

    [Fact]
    public void TheInteractiveDisplayDrawsABarThenATable()
    {
        var model = ModelBuilder.Build(ModelFile.Load(Write(Xor)));
        var output = new StringWriter { NewLine = "\n" };
        var result = TrainRunner.Run(model, new TrainSettings(Epochs: 5, Output: Path.Combine(dir, "i.safetensors"), Interactive: true), output);
        Assert.Equal(5, result.Losses.Length);
        Assert.Contains("epoch 5/5", output.ToString());
        Assert.Contains("accuracy", output.ToString());
    }

    // ---- the shipped examples ----

    [Theory]
    [InlineData("xor.model")]
    [InlineData("spirals.model")]
    public void TheShippedModelFilesTrain(string name)
    {
        var path = Path.Combine(RepoRoot, "samples", "CaffeStyle", name);
        var target = Path.Combine(dir, name + ".safetensors");
        var (code, output, err) = Run("train", path, "--epochs", "3", "-o", target);
        Assert.Equal("", err);
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("saved    ", output);
        Assert.True(File.Exists(target));
    }
}
