using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.Tests.Cuda;

/// <summary>
/// NVRTC runs without a GPU, so tests that compile kernels need only the library. Where it does not
/// load they skip, saying what was looked for, unless <c>SYMBOLIC_REQUIRE_NVRTC=1</c> (CI, which
/// installs it): then they fail.
/// </summary>
internal static class NvrtcRequirement
{
    public const string Variable = "SYMBOLIC_REQUIRE_NVRTC";

    public static void Check()
    {
        if (Nvrtc.IsAvailable) return;
        var why = Nvrtc.WhyUnavailable!;
        if (Environment.GetEnvironmentVariable(Variable) is "1" or "true")
            Assert.Fail($"{Variable} is set, but {why}");
        Assert.Skip(why);
    }
}
