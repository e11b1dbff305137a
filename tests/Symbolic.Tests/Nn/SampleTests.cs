using KerasStyle;
using ManualGradients;
using SeedNetwork;
using TensorFlowStyle;
using TorchStyle;

namespace Symbolic.Tests.Nn;

/// <summary>Each sample's training loop, run in process with few steps.</summary>
public class SampleTests
{
    [Fact]
    public void SeedNetworkLossFalls()
    {
        var log = new StringWriter();
        var (losses, train) = SeedNetworkSample.Run(5, log);
        Assert.Equal(5, losses.Length);
        Assert.True(losses[^1] < losses[0]);
        Assert.StartsWith("step  1  loss ", log.ToString());
        Assert.Contains("public", train.Source);
    }

    [Fact]
    public void KerasStyleFitsTheSpirals()
    {
        var (losses, accuracy, _) = KerasStyleSample.Run(12, TextWriter.Null);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses[^1] < 0.8 * losses[0], $"loss went {losses[0]} -> {losses[^1]}");
        Assert.True(accuracy > 0.5, $"accuracy {accuracy}");
    }

    [Fact]
    public void TorchStyleTrainsWithAdamAndItsCheckpointRoundTrips()
    {
        var log = new StringWriter();
        var (losses, _, agrees) = TorchStyleSample.Run(4, log);
        Assert.True(losses[^1] < 0.7 * losses[0], $"loss went {losses[0]} -> {losses[^1]}");
        Assert.True(agrees, log.ToString());
        Assert.Contains("the same", log.ToString());
    }

    [Fact]
    public void TensorFlowStyleFetchedGradientsReduceTheLoss()
    {
        var (losses, _) = TensorFlowStyleSample.Run(30, TextWriter.Null);
        Assert.True(losses[^1] < 0.8 * losses[0], $"loss went {losses[0]} -> {losses[^1]}");
    }

    [Fact]
    public void ManualGradientsAgreeWithTGrad()
    {
        var log = new StringWriter();
        var (losses, worst, _) = ManualGradientsSample.Run(20, log, every: 5);
        Assert.True(worst < 1e-9, $"largest relative difference {worst}");
        Assert.True(losses[^1] < losses[0]);
        Assert.Contains("agree", log.ToString());
    }
}
