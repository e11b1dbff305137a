using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Native;
using Symbolic.Ops;

namespace Symbolic.Tests.Cuda;

/// <summary>
/// Every op of the catalogue, rendered as CUDA C and compiled by NVRTC (no GPU needed): each
/// scalar op over each dtype it accepts, every cast, and every structural and specialized op the
/// C# backend has a kernel for, in float32 and float64. A module that does not compile fails with
/// NVRTC's log and the source.
/// </summary>
public class CudaKernelCompileTests
{
    private static readonly CompileOptions AsBuilt = new() { Device = Device.Cuda, Optimize = false };
    private static readonly CompileOptions Optimized = new() { Device = Device.Cuda };

    private static readonly DType[] Floats = [DType.Float32, DType.Float64];

    [Fact]
    public void EveryScalarOpOfTheCatalogueHasACudaSpelling() => Assert.Empty(CudaSpelling.Missing);

    /// <summary>The dtypes a scalar op accepts: floats for all, integers and booleans where its typing reads them.</summary>
    private static IEnumerable<DType> DTypesOf(ScalarOp op) => op.Typing switch
    {
        ScalarTyping.Logical => [DType.Bool, DType.Float32, DType.Int64],
        ScalarTyping.Float => [DType.Float32, DType.Float64, DType.Int32],
        _ => [DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Bool],
    };

    public static TheoryData<string> ScalarCases() => new(ScalarOps.All.Select(o => o.Name).OrderBy(n => n, StringComparer.Ordinal));

    /// <summary>One module per scalar op, with one kernel per dtype the op accepts (a module per kernel would cost an NVRTC run each).</summary>
    [Theory]
    [MemberData(nameof(ScalarCases))]
    public void ScalarOpCompilesForEveryDtype(string name)
    {
        NvrtcRequirement.Check();
        var op = ScalarOps.ByName(name)!;
        var inputs = new List<Variable>();
        var outputs = new List<Variable>();
        foreach (var dtype in DTypesOf(op))
        {
            var args = Enumerable.Range(0, op.Arity)
                .Select(i => op.Typing == ScalarTyping.Select && i == 0 ? T.Matrix("c", DType.Bool) : T.Matrix($"x{i}", dtype))
                .ToArray();
            inputs.AddRange(args);
            // A row broadcast (a slice of the second operand), so the strided path reads a view.
            outputs.Add(TensorMath.Elem(op, args.Select((a, i) => i == 1 ? T.DimShuffle(a[0], 'x', 0) : a).ToArray()));
        }
        var e = AssertCompiles([.. inputs], [.. outputs], AsBuilt);
        Assert.True(e.Kernels.Count >= DTypesOf(op).Count() - 1, $"{name}: {e.Kernels.Count} kernels");
    }

    public static TheoryData<DType> CastCases() => new(Enum.GetValues<DType>());

    [Theory]
    [MemberData(nameof(CastCases))]
    public void CastsToEveryDtypeCompile(DType from)
    {
        NvrtcRequirement.Check();
        var x = T.Vector("x", from);
        AssertCompiles([x], Enum.GetValues<DType>().Where(t => t != from).Select(t => T.Cast(x, t)).ToArray(), AsBuilt);
    }

    public static TheoryData<string, DType> StructureCases()
    {
        var d = new TheoryData<string, DType>();
        foreach (var name in Structures.Keys.OrderBy(k => k, StringComparer.Ordinal))
            foreach (var t in Floats) d.Add(name, t);
        return d;
    }

    /// <summary>Graphs that make every non-elementwise op of the catalogue, each with the options that keep or form it.</summary>
    private static readonly Dictionary<string, Func<DType, (Variable[] In, Variable[] Out, CompileOptions Options)>> Structures = new()
    {
        ["reductions"] = t =>
        {
            var x = T.Tensor3("x", t);
            return ([x], [T.Sum(x, [0, 2]), T.Mean(x, 1, keepDims: true), T.Max(x), T.Min(x, -1), T.Prod(x, 0), T.Argmax(x, 1), T.Argmin(x), T.Sum(T.Exp(x) * 2, 1)], AsBuilt);
        },
        ["integer-reductions"] = t =>
        {
            var x = T.Matrix("x", t == DType.Float32 ? DType.Int32 : DType.Int64);
            var b = T.Matrix("b", DType.Bool);
            return ([x, b], [T.Sum(x, 0), T.Prod(x, 1), T.Max(x), T.Min(x, 0), T.Argmax(x, 0), T.Sum(b)], AsBuilt);
        },
        ["softmax"] = t =>
        {
            var x = T.Matrix("x", t);
            var z = T.Tensor3("z", t);
            return ([x, z], [T.Softmax(x), T.Softmax(z, 1), T.LogSoftmax(x)], Optimized);
        },
        ["softmax-cross-entropy"] = t =>
        {
            var x = T.Matrix("x", t);
            var y = T.Vector("y", DType.Int64);
            var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
            return ([x, y], [loss, T.Grad(loss, x)], Optimized);
        },
        ["log-softmax-row-steps"] = t =>
        {
            // The row steps: log-softmax and its gradient over rank 3 and over a transpose, with
            // integer labels and with target distributions.
            var z = T.Tensor3("z", t);
            var x = T.Matrix("x", t);
            var w = T.Matrix("w", t);
            var y = T.Matrix("y", DType.Int64);
            var ce = T.Mean(T.CategoricalCrossentropy(T.Softmax(z), y));
            var onehot = T.Sum(T.CategoricalCrossentropy(T.Softmax(x.Transpose()), w));
            return ([z, x, w, y], [T.LogSoftmax(z), ce, T.Grad(ce, z), onehot, T.Grad(onehot, x)], Optimized);
        },
        ["dot-and-gemm"] = t =>
        {
            var a = T.Matrix("a", t);
            var b = T.Matrix("b", t);
            var v = T.Vector("v", t);
            var c = T.Vector("c", t);
            var s = T.Tensor3("s", t);
            return ([a, b, v, c, s], [T.Dot(a, b), T.Dot(a, v), T.Dot(v, v), T.Dot(a, b) * 2 + c, T.Dot(s, b), T.Dot(a.Transpose(), b)], Optimized);
        },
        ["integer-and-mixed-dot"] = t =>
        {
            var a = T.Matrix("a", DType.Int64);
            var b = T.Matrix("b", DType.Int32);
            var f = T.Matrix("f", t);
            var v = T.Vector("v", DType.Int32);
            return ([a, b, f, v], [T.Dot(a, b), T.Dot(f, T.Cast(b, t == DType.Float32 ? DType.Float64 : DType.Float32)), T.Dot(b, v), T.Dot(v, v)], AsBuilt);
        },
        ["take-and-its-gradient"] = t =>
        {
            var x = T.Matrix("x", t);
            var i = T.Vector("i", DType.Int64);
            var j = T.Vector("j", DType.Int32);
            var picked = T.Take(x, i, j);
            var rows = T.Take(x, i);
            return ([x, i, j], [picked, rows, T.Grad(T.Sum(picked) + T.Sum(rows), x)], AsBuilt);
        },
        ["slicing-and-its-gradient"] = t =>
        {
            var x = T.Tensor3("x", t);
            var part = x[1.., 0, ..^1];
            return ([x], [part * 2, T.Grad(T.Sum(part * part), x)], AsBuilt);
        },
        ["concatenate-split-stack"] = t =>
        {
            var a = T.Matrix("a", t);
            var b = T.Matrix("b", t);
            var joined = T.Concatenate([a, b], 1);
            return ([a, b], [joined, T.Stack([a, b], 0), T.Grad(T.Sum(joined * joined), a)], AsBuilt);
        },
        ["arange-shape-reshape-views"] = t =>
        {
            var x = T.Matrix("x", t);
            var n = T.Scalar("n", DType.Int64);
            return ([x, n], [T.Arange(n), x.Transpose().Reshape(-1) + 1, T.Flatten(x) * 2, T.DimShuffle(x, 1, 'x', 0) + 0, T.Cast(x.ShapeOf(0), t)], AsBuilt);
        },
    };

    [Theory]
    [MemberData(nameof(StructureCases))]
    public void StructureCompiles(string name, DType dtype)
    {
        NvrtcRequirement.Check();
        var (inputs, outputs, options) = Structures[name](dtype);
        AssertCompiles(inputs, outputs, options);
    }

    [Fact]
    public void TheSeedTrainingStepCompiles()
    {
        NvrtcRequirement.Check();
        var (inputs, outputs) = SeedStep.Graph();
        var e = AssertCompiles(inputs, outputs, Optimized);
        Assert.Contains("sym_block_reduce", e.Source);
    }

    private static EmitResult AssertCompiles(Variable[] inputs, Variable[] outputs, CompileOptions options)
    {
        var e = Function.Emit(inputs, outputs, options);
        Assert.All(e.Kernels, k => Assert.Equal("cuda", k.Language));
        try
        {
            var ptx = Nvrtc.CompileToPtx(e.Source);
            foreach (var k in e.Kernels) Assert.Contains($".entry {k.Name}(", ptx);
        }
        catch (NvrtcException x)
        {
            Assert.Fail($"{x.Message}\n---- source ----\n{Numbered(e.Source)}");
        }
        return e;
    }

    private static string Numbered(string source) =>
        string.Join("\n", source.Split('\n').Select((l, i) => $"{i + 1,5} {l}"));
}
