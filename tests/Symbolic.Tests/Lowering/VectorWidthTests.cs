using Symbolic.CodeGen.Cpu.Render;
using Symbolic.Tests.Backend;

namespace Symbolic.Tests.Lowering;

/// <summary>
/// The C# kernels at both vector widths (<c>CompileOptions.VectorBits</c> 256 and 512, whatever the
/// machine runs: without AVX-512 the 512-bit program takes its scalar path): elementwise kernels and
/// reductions against the interpreter at sizes around both widths, contiguous and strided; the
/// two widths' elementwise results bit for bit the same; the kernels' text the same, the program's
/// header saying which width it is; the option and the environment variable checked.
/// </summary>
public class VectorWidthTests
{
    public static TheoryData<int, DType, int> Cases()
    {
        var data = new TheoryData<int, DType, int>();
        foreach (var bits in new[] { 256, 512 })
            foreach (var t in new[] { DType.Float32, DType.Float64 })
                foreach (var n in new[] { 7, 8, 15, 16, 17, 31, 32, 33, 65, 4099 })
                    data.Add(n, t, bits);
        return data;
    }

    private static Variable Chain(Variable a, Variable b) =>
        T.Tanh(a) * T.Sigmoid(b) + T.Exp(-a * a) - T.Softplus(b) / (1 + T.Sqr(a)) + T.Maximum(a, b) * T.Relu(b - 0.25)
        + T.Switch(T.Lt(a, b), T.Log1p(T.Abs(a)), T.Pow(T.Abs(b) + 0.5, a));

    [Theory]
    [MemberData(nameof(Cases))]
    public void ElementwiseAndReductionsAgreeWithTheInterpreter(int n, DType t, int bits)
    {
        var rng = new Random(n * 7 + bits);
        var x = T.Matrix("x", t);
        var u = T.Matrix("u", t);
        var c = Chain(x, u.Transpose());
        var outs = new[]
        {
            c,                                  // contiguous and strided operands
            T.Sum(c, 1),                        // a row reduction with its prologue (widened float sums)
            T.Max(T.Exp(x) - x, 1),             // a row max
            T.Sum(x * x, 0),                    // a column reduction
            T.Min(x, 0),
        };
        BackendHarness.AgreesWithInterpreter([x, u], outs,
            [BackendHarness.Random(rng, t, [3, n]), BackendHarness.Random(rng, t, [n, 3])], tolerance: t == DType.Float32 ? 1e-4 : 0, vectorBits: bits);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BothWidthsGiveTheSameBitsElementwise(DType t)
    {
        var rng = new Random(5);
        var a = T.Vector("a", t);
        var b = T.Vector("b", t);
        var values = new[] { BackendHarness.Random(rng, t, [1037], -30, 30), BackendHarness.Random(rng, t, [1037], -30, 30) };
        var narrow = Function.Compile([a, b], [Chain(a, b)], options: new CompileOptions { VectorBits = 256 }).Invoke(values)[0];
        var wide = Function.Compile([a, b], [Chain(a, b)], options: new CompileOptions { VectorBits = 512 }).Invoke(values)[0];
        if (t == DType.Float32) Assert.Equal(narrow.ToArray<float>(), wide.ToArray<float>());
        else Assert.Equal(narrow.ToArray<double>(), wide.ToArray<double>());
    }

    [Fact]
    public void TheKernelsReadTheSameAndTheHeaderSaysTheWidth()
    {
        var x = T.Matrix("x");
        var y = T.Sum(T.Tanh(x) * 2, 1);
        var narrow = Function.Compile([x], [y], options: new CompileOptions { VectorBits = 256 });
        var wide = Function.Compile([x], [y], options: new CompileOptions { VectorBits = 512 });
        Assert.Equal(narrow.Kernels.Select(k => k.Source), wide.Kernels.Select(k => k.Source));
        Assert.Contains("Vec.LoadUnsafe", narrow.Kernels[0].Source);
        Assert.Contains("using Vec = System.Runtime.Intrinsics.Vector256;", narrow.Source);
        Assert.Contains("using VM = Symbolic.CodeGen.Cpu.Runtime.VMath;", narrow.Source);
        Assert.Contains("using Vec = System.Runtime.Intrinsics.Vector512;", wide.Source);
        Assert.Contains("using VM = Symbolic.CodeGen.Cpu.Runtime.VMath512;", wide.Source);
        Assert.DoesNotContain("Vector256", wide.Source);
        var emitted = Function.Emit([x], [y], new CompileOptions { VectorBits = 512 });
        Assert.Equal(wide.Source, emitted.Source);
    }

    [Fact]
    public void WithoutTheOptionTheDefaultWidthIsUsed()
    {
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Exp(x)]);
        Assert.Contains($"using Vec = System.Runtime.Intrinsics.Vector{VectorWidth.Default};", f.Source);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(128)]
    [InlineData(1024)]
    public void AnotherWidthIsRefusedNamingTheOption(int bits)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CompileOptions { VectorBits = bits });
        Assert.Equal("VectorBits", e.ParamName);
        Assert.Contains("256 or 512", e.Message);
    }

    [Fact]
    public void TheEnvironmentVariableSetsTheDefaultAndAnUnreadableValueIsIgnored()
    {
        int machine = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : 256;
        Assert.Equal(256, VectorWidth.FromEnvironment("256"));
        Assert.Equal(512, VectorWidth.FromEnvironment(" 512 "));
        Assert.Equal(machine, VectorWidth.FromEnvironment(null));
        Assert.Equal(machine, VectorWidth.FromEnvironment(""));
        var said = new StringWriter();
        Assert.Equal(machine, VectorWidth.FromEnvironment("wide", said));
        Assert.Contains("SYMBOLIC_VECTOR_BITS=wide is not 256 or 512", said.ToString());
    }
}
