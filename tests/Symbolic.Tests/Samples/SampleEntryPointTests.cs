using KerasStyle;
using ManualGradients;
using SeedNetwork;
using Symbolic.Cli;
using TensorFlowStyle;
using TorchStyle;

namespace Symbolic.Tests.Samples;

/// <summary>
/// Every sample's program, run in-process through its entry point as <c>dotnet run --project samples/X -- --quick --show</c>
/// would run it, checking the lines a reader looks for; and the Caffe-style sample, a model file for <c>symbolic train</c>.
/// </summary>
public class SampleEntryPointTests
{
    private static string Run(Action<string[], TextWriter> entry, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        entry(args, output);
        return output.ToString();
    }

    private static void AssertShows(string output, string graphHeader)
    {
        Assert.Contains(graphHeader, output);
        Assert.Contains("== generated source ==", output);
        Assert.Contains("public", output);
    }

    [Fact]
    public void SeedNetwork()
    {
        var plain = Run(SeedNetworkSample.Entry, "--quick");
        Assert.StartsWith("step  1  loss ", plain);
        Assert.Contains("step  3  loss ", plain);
        Assert.Contains("Add -- --show", plain);
        AssertShows(Run(SeedNetworkSample.Entry, "--quick", "--show"), "== optimized graph ==");
    }

    [Fact]
    public void KerasStyle()
    {
        var output = Run(KerasStyleSample.Entry, "--quick", "--show");
        Assert.StartsWith("model: 2 -> 32 -> 32 -> 3", output);
        Assert.Contains("epoch   3/3  loss ", output);
        Assert.Contains("training accuracy ", output);
        AssertShows(output, "== optimized training graph ==");
    }

    [Fact]
    public void TorchStyle()
    {
        var output = Run(TorchStyleSample.Entry, "--quick", "--show");
        Assert.StartsWith("epoch  loss\n", output);
        Assert.Contains("    2  ", output);
        Assert.Contains("the same", output);
        AssertShows(output, "== optimized training graph ==");
    }

    [Fact]
    public void TensorFlowStyle()
    {
        var output = Run(TensorFlowStyleSample.Entry, "--quick", "--show");
        Assert.StartsWith("step  loss\n", output);
        Assert.Contains("   4  ", output);
        AssertShows(output, "== optimized graph ==");
    }

    [Fact]
    public void ManualGradients()
    {
        var output = Run(ManualGradientsSample.Entry, "--quick", "--show");
        Assert.StartsWith("step  loss", output);
        Assert.Contains("T.Grad agree (", output);
        AssertShows(output, "== optimized graph ==");
    }

    [Fact]
    public void EverySampleFolderIsRunHere()
    {
        // A new sample needs a test above (and a line in the README's table): this fails until it has them.
        var root = CliApp.FindRepositoryRoot(AppContext.BaseDirectory)!;
        var folders = Directory.GetDirectories(Path.Combine(root, "samples")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(["CaffeStyle", "KerasStyle", "ManualGradients", "SeedNetwork", "TensorFlowStyle", "TorchStyle"], folders);
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        foreach (var folder in folders) Assert.Contains($"`{folder}`", readme);
        // CaffeStyle is model files for symbolic train; CliTrainTests trains each one.
        Assert.Equal(["spirals.model", "xor.model"], Directory.GetFiles(Path.Combine(root, "samples", "CaffeStyle"), "*.model").Select(f => Path.GetFileName(f)!).Order().ToArray());
    }
}
