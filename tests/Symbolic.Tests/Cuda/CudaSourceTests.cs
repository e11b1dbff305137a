using Symbolic.Cli;
using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Native;
using Symbolic.Tests.Infrastructure;

namespace Symbolic.Tests.Cuda;

/// <summary>The CUDA source as a product: pinned by snapshots, deterministic, and deaf to users' names.</summary>
public class CudaSourceTests
{
    private static readonly CompileOptions Cuda = new() { Device = Device.Cuda };

    private static string Emit(Variable[] inputs, Variable[] outputs) => Function.Emit(inputs, outputs, Cuda).Source;

    public static TheoryData<string> Snapshots => new(["elementwise-chain", "reduction", "softmax-cross-entropy", "seed-training-step"]);

    private static (Variable[], Variable[]) Build(string name)
    {
        var x = T.Matrix("x");
        switch (name)
        {
            case "elementwise-chain":
            {
                var z = T.Matrix("z");
                return ([x, z], [T.Tanh(x) * T.Sigmoid(z) + T.Exp(-x * x)]);
            }
            case "reduction":
                return ([x], [T.Sum(T.Exp(x), 1), T.Argmax(x, 0)]);
            case "softmax-cross-entropy":
            {
                var y = T.Vector("y", DType.Int64);
                var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
                return ([x, y], [loss, T.Grad(loss, x)]);
            }
            case "seed-training-step":
                return SeedStep.Graph();
            default:
                throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(Snapshots))]
    public void SourceSnapshot(string name)
    {
        var (inputs, outputs) = Build(name);
        Snapshot.Match($"cuda/{name}", Emit(inputs, outputs));
    }

    [Fact]
    public void TheSameGraphGivesByteIdenticalSource()
    {
        var (i1, o1) = SeedStep.Graph();
        var (i2, o2) = SeedStep.Graph();
        Assert.Equal(Emit(i1, o1), Emit(i2, o2));
    }

    public static TheoryData<string> HostileNames => new(["*/ evil(); /*", "x\n#define float int", "x\\", "y\r\n#include <stdio.h>", "\u2028}; __global__ void evil() {"]);

    /// <summary>
    /// A user's name never reaches the module: not as an identifier, not in a comment. The source of
    /// a graph whose variables have hostile names is the source of the same graph with plain names,
    /// byte for byte, and it compiles.
    /// </summary>
    [Theory]
    [MemberData(nameof(HostileNames))]
    public void UserNamesStayInert(string name)
    {
        var x = T.Matrix(name);
        var w = T.Shared(NDArray.Zeros(DType.Float32, 3, 3), name);
        var y = T.Vector(name, DType.Int64);
        var plainX = T.Matrix("a");
        var plainW = T.Shared(NDArray.Zeros(DType.Float32, 3, 3), "b");
        var plainY = T.Vector("c", DType.Int64);
        Variable Loss(Variable a, Variable b, Variable c) => T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Exp(a), b)), c));
        var hostile = Emit([x, y], [Loss(x, w, y)]);
        Assert.Equal(Emit([plainX, plainY], [Loss(plainX, plainW, plainY)]), hostile);
        Assert.DoesNotContain("evil", hostile);
        Assert.DoesNotContain("#define float", hostile);
        Assert.DoesNotContain("#include", hostile);
        NvrtcRequirement.Check();
        Nvrtc.CompileToPtx(hostile);
    }

    /// <summary>Text that reaches comments (op names) is made inert: no line break, continuation or non-ASCII character survives.</summary>
    [Theory]
    [InlineData("*/ evil(); /*", "*/ evil(); /*")]
    [InlineData("x\n#define float int", "x?#define float int")]
    [InlineData("a\\", "a?")]
    [InlineData("a\u2028b\u0085c\rd", "a?b?c?d")]
    public void CommentTextCannotLeaveItsLine(string text, string expected)
    {
        var inert = Symbolic.CodeGen.Cuda.Render.CudaTypes.CommentText(text);
        Assert.Equal(expected, inert);
        NvrtcRequirement.Check();
        // Inside a // comment, "*/" ends nothing and the rest of the line stays a comment.
        Nvrtc.CompileToPtx($"// {inert}\nextern \"C\" __global__ void k(float* y) {{ y[0] = 1.0f; }}\n");
    }

    [Fact]
    public void KernelsOfAlikeStepsAreSharedAndNamedByPosition()
    {
        var x = T.Matrix("x");
        var e = Function.Emit([x], [T.Exp(x) + 1, T.Exp(x * 2) + 1], new CompileOptions { Device = Device.Cuda, Optimize = false });
        Assert.All(e.Kernels, k => Assert.Matches("^k[0-9]+_[A-Za-z0-9_]+$", k.Name));
        Assert.Equal(e.Kernels.Count, e.Kernels.Select(k => k.Source).Distinct().Count());
    }

    [Fact]
    public void ProductsAreCublasStepsNotKernels()
    {
        var (inputs, outputs) = SeedStep.Graph();
        var schedule = new Symbolic.CodeGen.Schedule(inputs, Rewritten(inputs, outputs));
        var module = Symbolic.CodeGen.Cuda.Render.CudaRenderer.Render(CudaEmitter.Lower(schedule));
        Assert.Contains(module.Steps, s => s is Symbolic.CodeGen.Cuda.Render.GemmStep);
        Assert.DoesNotContain(module.Kernels, k => k.Name.Contains("dot") || k.Name.Contains("gemm"));
    }

    /// <summary>The graph Function compiles (rewritten), for tests that lower it themselves.</summary>
    private static Variable[] Rewritten(Variable[] inputs, Variable[] outputs) =>
        Function.Compile(inputs, outputs).Optimized.ToArray();

    [Fact]
    public void TheCliShowsCudaKernelsSourceAndPtxWithoutAGpu()
    {
        var (code, output, err) = Cli("compile", "exp(x) * 2", "--var", "x:matrix", "--device", "cuda", "--show", "kernels");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal("", err);
        Assert.Matches(@"^// kernel k0_\w+ \(cuda\)\n", output);
        Assert.Contains("__global__", output);
        (code, output, _) = Cli("compile", "exp(x) * 2", "--var", "x:matrix", "--device", "cuda", "--show", "source");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("// ---- prelude", output);
        (code, output, err) = Cli("compile", "exp(x) * 2", "--var", "x:matrix", "--device", "cuda", "--show", "ptx");
        if (!Nvrtc.IsAvailable)
        {
            Assert.Equal(CliApp.Unavailable, code);
            Assert.Contains("NVRTC", err);
            NvrtcRequirement.Check();
        }
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains(".entry k0_", output);
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString().Replace("\r\n", "\n"), stderr.ToString());
    }
}
