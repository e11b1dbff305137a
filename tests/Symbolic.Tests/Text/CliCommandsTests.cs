using System.Diagnostics;
using Symbolic.Cli;

namespace Symbolic.Tests.Text;

/// <summary>
/// Every command of <c>symbolic</c>, run the way CI and users run it: each visible command's help,
/// <c>train</c> as a process whose standard output is not a terminal, and the README's graph picture.
/// </summary>
public class CliCommandsTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string RepoRoot => CliApp.FindRepositoryRoot(AppContext.BaseDirectory)!;

    [Fact]
    public void TheRootHelpListsTrain()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("\n  train <model-file>", output);
    }

    [Theory]
    [InlineData("compile")]
    [InlineData("graph")]
    [InlineData("train")]
    [InlineData("bench")]
    [InlineData("functions")]
    public void EveryCommandHasHelp(string command)
    {
        var (code, output, err) = Run(command, "--help");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.Contains($"Usage:\n  symbolic {command}", output);
    }

    [Fact]
    public void FunctionsListsWhatModelFilesCall()
    {
        var (code, output, _) = Run("functions");
        Assert.Equal(CliApp.Ok, code);
        foreach (var f in new[] { "tanh(x)", "sigmoid(x)", "softmax(x, axis?)", "categorical_crossentropy(probs, targets)", "binary_crossentropy(p, t)", "argmax(x, axis?, keepdims?)", "cast(x, dtype)", "eq(a, b)" })
            Assert.Contains(f + "\n", output);
    }

    [Fact]
    public void TrainRunsAsAProcessWithPlainOutputForLogs()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Symbolic.Cli.dll");
        var target = Path.Combine(Directory.CreateTempSubdirectory("symbolic-train-process-").FullName, "xor.safetensors");
        try
        {
            var model = Path.Combine(RepoRoot, "samples", "CaffeStyle", "xor.model");
            var ok = RunProcess(dll, "train", model, "--epochs", "20", "-o", target);
            Assert.Equal("", ok.Err);
            Assert.Equal(CliApp.Ok, ok.Code);
            var lines = ok.Out.ReplaceLineEndings("\n").Split('\n');
            Assert.Contains(lines, l => l.StartsWith("solver   adam lr=0.05"));
            Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["epoch", "loss", "accuracy", "seconds"]);
            Assert.Contains(lines, l => l.TrimStart().StartsWith("20 "));
            Assert.Contains(lines, l => l.StartsWith("saved    "));
            Assert.False(ok.Out.Contains((char)27), "no escape codes when standard output is not a terminal");
            Assert.True(new FileInfo(target).Length > 33 * 4);

            var bad = RunProcess(dll, "train", Path.Combine(RepoRoot, "samples", "CaffeStyle", "no-such.model"));
            Assert.Equal(CliApp.UsageError, bad.Code);
            Assert.Equal("", bad.Out);
            Assert.Single(bad.Err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
            Assert.Contains("no-such.model: cannot read the model file", bad.Err);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(target)!, recursive: true);
        }
    }

    [Fact]
    public void TheReadmePictureIsTheGraphCommandsSvg()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        const string command = "graph \"mean(categorical_crossentropy(softmax(relu(x @ w1) @ w2), y))\" --var x:matrix,w1:matrix,w2:matrix,y:vector:int64 --format svg -o docs/seed-network.svg";
        Assert.Contains(command, readme);
        Assert.Contains("<img src=\"docs/seed-network.svg\"", readme);
        var svg = File.ReadAllText(Path.Combine(RepoRoot, "docs", "seed-network.svg"));
        Assert.Contains("<svg", svg);
        // The picture shows the graph the command builds today: each node's label is in the DOT it draws.
        var (code, dot, _) = Run("graph", "mean(categorical_crossentropy(softmax(relu(x @ w1) @ w2), y))", "--var", "x:matrix,w1:matrix,w2:matrix,y:vector:int64", "--format", "dot");
        Assert.Equal(CliApp.Ok, code);
        foreach (var op in new[] { "dot", "relu", "exp", "log", "neg" })
        {
            Assert.Contains($">{op}<", svg);
            Assert.Contains(op, dot);
        }
    }

    private static (int Code, string Out, string Err) RunProcess(string dll, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "the symbolic process did not finish in three minutes");
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
