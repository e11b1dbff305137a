using Symbolic.CodeGen.Cuda;
using Symbolic.GpuRunner.Checks;

namespace Symbolic.Tests.Cuda.Runtime;

/// <summary>
/// The GPU checks (shared with the GPU runner): every op against the interpreter, the seed
/// network against the CPU, shared variables staying on the device, no leak over 10,000 calls.
/// Skipped, with the probe's reason, where no CUDA device answers; SYMBOLIC_REQUIRE_GPU=1 turns
/// the skip into a failure (for machines that have a GPU).
/// </summary>
public class GpuTests
{
    public static TheoryData<string> Checks()
    {
        var d = new TheoryData<string>();
        foreach (var c in GpuChecks.All()) d.Add(c.Name);
        return d;
    }

    internal static void RequireDevice()
    {
        if (CudaProbe.WhyUnavailable is not { } why) return;
        if (Environment.GetEnvironmentVariable("SYMBOLIC_REQUIRE_GPU") == "1") Assert.Fail("SYMBOLIC_REQUIRE_GPU=1 but: " + why);
        Assert.Skip(why);
    }

    [Theory]
    [MemberData(nameof(Checks))]
    public void GpuCheck(string name)
    {
        RequireDevice();
        GpuChecks.All().Single(c => c.Name == name).Run();
    }

    [Fact]
    public void EveryCheckHasADistinctName() =>
        Assert.Equal(GpuChecks.All().Count(), GpuChecks.All().Select(c => c.Name).Distinct().Count());
}
