using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Lowering;

/// <summary>Profiling (<c>CompileOptions.Profile</c>, <c>f.Profile</c>) and the NaN guard (<c>CompileOptions.NanGuard</c>).</summary>
public class InstrumentTests
{
    [Fact]
    public void TheProfileCountsEveryKernelCallAndPrintsATable()
    {
        var x = T.Matrix("x");
        var r = T.Sum(T.Exp(x) * 2, 0) * T.Max(x);   // a sum with its prologue, a max, a product
        var f = Function.Compile([x], [r], options: new CompileOptions { Profile = true });
        Assert.Equal(3, f.Kernels.Count);
        Assert.NotNull(f.Profile);
        Assert.Equal(0, f.Profile!.Calls);
        var v = BackendHarness.Random(new Random(1), DType.Float32, [16, 8]);
        for (int i = 0; i < 3; i++) f.Invoke(v);
        var p = f.Profile!;
        Assert.Equal(3, p.Calls);
        Assert.Equal(f.Kernels.Select(k => k.Name).OrderBy(n => n), p.Kernels.Select(k => k.Kernel).OrderBy(n => n));
        Assert.All(p.Kernels, k => Assert.Equal(3, k.Calls));
        Assert.Equal(1.0, p.Kernels.Sum(k => k.Share), 6);
        var table = p.ToString();
        Assert.Contains("3 calls", table);
        Assert.Contains("share", table);
        foreach (var k in f.Kernels) Assert.Contains(k.Name, table);
        Assert.Contains("(with exp", table);
        BackendHarness.AssertClose(Function.Compile([x], [r]).Invoke(v)[0], f.Invoke(v)[0]);
    }

    [Fact]
    public void WithoutTheOptionThereIsNoProfileAndNoInstrumentedCode()
    {
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Exp(x) * 2]);
        Assert.Null(f.Profile);
        Assert.DoesNotContain("f.I", f.Source);
    }

    [Fact]
    public void TheNanGuardNamesTheKernelTheNodeAndWhatItReadAndChangesNoSharedVariable()
    {
        var x = T.Vector("x");
        var w = T.Shared(NDArray.From(new float[] { 1, 2, 3 }), "w");
        var h = T.Sqrt(x * w);                  // NaN where x * w < 0
        var loss = T.Sum(h);
        var f = Function.Compile([x], [loss], updates: [(w, w - 0.1 * T.Grad(loss, w))],
            options: new CompileOptions { NanGuard = true });
        f.Invoke(NDArray.From(new float[] { 1, 1, 1 }));
        var before = w.Value.ToArray<float>();
        var e = Assert.Throws<NanGuardException>(() => f.Invoke(NDArray.From(new float[] { 1, -1, 1 })));
        Assert.Equal(before, w.Value.ToArray<float>());
        Assert.Contains(e.Kernel, f.Kernels.Select(k => k.Name));
        Assert.Contains("sqrt", f.Kernels.Single(k => k.Name == e.Kernel).Source);
        Assert.Equal(1, e.Index);
        Assert.True(double.IsNaN(e.Value));
        Assert.Contains("NaN", e.Message);
        Assert.Contains("'x'", e.Message);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void TheNanGuardLetsFiniteResultsThrough()
    {
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Log(T.Exp(x) + 1)], options: new CompileOptions { NanGuard = true });
        var r = f.Invoke(NDArray.From(new float[] { -1000, 0, 1000 }))[0].ToArray<float>();
        Assert.All(r, v => Assert.True(float.IsFinite(v)));
    }
}
