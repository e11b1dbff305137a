using Symbolic.CodeGen.Cpu.Compile;

namespace Symbolic.Tests.Backend;

/// <summary>The generated program as text and as compiled: one method per kernel, names from positions, determinism, the Roslyn cache, compile errors.</summary>
public class CompilerTests
{
    private static Function Network(string xName, string wName)
    {
        var x = T.Matrix(xName);
        var y = T.Vector("labels", DType.Int64);
        var w = T.Matrix(wName);
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(T.Tanh(x), w)), y));
        return Function.Compile([x, y, w], [loss, T.Grad(loss, w), T.Argmax(T.Dot(x, w), 1)]);
    }

    [Fact]
    public void EveryKernelIsOneMethodOfTheProgram()
    {
        var f = Network("x", "w");
        Assert.NotEmpty(f.Kernels);
        Assert.Equal(f.Kernels.Count, f.Kernels.Select(k => k.Name).Distinct().Count());
        foreach (var k in f.Kernels)
        {
            Assert.Equal("csharp", k.Language);
            Assert.Contains(k.Source.TrimEnd('\n').Split('\n')[^1].Trim(), f.Source);
            Assert.Contains($" {k.Name}(", k.Source);
            Assert.Contains($"{k.Name}(f, ", f.Source);
        }
        Assert.Contains("public static void Run(", f.Source);
    }

    /// <summary>
    /// A long run of kernel calls (the backward pass of a chain, a tanh kernel and a product kernel
    /// per link) becomes a table that Steps walks, data the program is given (listed, a commented row
    /// per call, in SourceTables), and computes what the interpreter does; profiling keeps one timed
    /// call per kernel.
    /// </summary>
    [Fact]
    public void LongRunsOfKernelCallsBecomeTablesOfRowsThatComputeTheSame()
    {
        var x = T.Vector("x");
        Variable y = x;
        for (int i = 0; i < 60; i++) y = T.Tanh(y) * 0.5 + x;
        var g = T.Grad(T.Sum(y), x);
        var value = NDArray.From(new[] { 0.25f, -1.5f, 3f, 0f, 7f }, 5);
        var f = Function.Compile([x], [g]);
        Assert.Contains("Steps(f, f.Tables[0]);", f.Source);
        Assert.Contains("static void Steps(Frame f, int[] s)", f.Source);
        // The rows are data, listed apart from the source.
        Assert.DoesNotMatch(@"\n\s*(\d+, )+\d+ // n\d+ = ", f.Source);
        Assert.Matches(@"^// f\.Tables\[0\]: .*\n(\d+, )+\d+ // n\d+ = ", f.SourceTables);
        var expected = Interpreter.Evaluate([g], new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance) { [x] = value })[0];
        BackendHarness.AssertClose(expected, f.Invoke(value)[0], 1e-5);

        var profiled = Function.Compile([x], [g], options: new CompileOptions { Profile = true });
        Assert.DoesNotContain("Steps(f,", profiled.Source);
        BackendHarness.AssertClose(expected, profiled.Invoke(value)[0], 1e-5);
        Assert.Equal(f.Kernels.Count, profiled.Kernels.Count);
        int rows = System.Text.RegularExpressions.Regex.Matches(f.SourceTables, @"\n(\d+, )+\d+ // n\d+ = ").Count;
        Assert.True(rows >= 60, $"{rows} rows");
        Assert.True(profiled.Profile!.Kernels.Sum(r => r.Calls) >= rows, "every call is timed");
    }

    /// <summary>
    /// More than a class's worth of distinct kernels (1,200 outputs, each its own shift of x and three unary ops):
    /// the kernels are nested in classes G0, G1, and both the direct calls and the table's rows reach
    /// them there, computing what the interpreter does.
    /// </summary>
    [Fact]
    public void ProgramsOfMoreThanAThousandKernelsGroupThemInClasses()
    {
        Func<Variable, Variable>[] ops = [T.Neg, T.Abs, T.Sqr, T.Tanh, T.Sigmoid, T.Sin, T.Cos, T.Softplus, T.Relu, T.Floor, T.Ceil, v => v * 0.5];
        var x = T.Vector("x");
        var outputs = new List<Variable>();
        for (int i = 0; outputs.Count < 1200; i++)
        {
            int a = i % ops.Length, b = i / ops.Length % ops.Length, c = i / (ops.Length * ops.Length);
            outputs.Add(ops[c](ops[b](ops[a](x + (i + 1) * 0.001))));
        }
        var f = Function.Compile([x], outputs.ToArray());
        Assert.True(f.Kernels.Count > 1000, $"{f.Kernels.Count} kernels");
        Assert.Contains("internal static class G1", f.Source);
        Assert.Contains("Steps(f, f.Tables[0]);", f.Source);
        Assert.Matches(@"case \d+: G1\.K\d+_", f.Source);
        var value = NDArray.From(new[] { 0.25f, -1.5f, 3f }, 3);
        var expected = Interpreter.Evaluate(outputs, new Dictionary<Variable, NDArray>(ReferenceEqualityComparer.Instance) { [x] = value });
        var got = f.Invoke(value);
        for (int i = 0; i < outputs.Count; i++) BackendHarness.AssertClose(expected[i], got[i], 1e-5);
    }

    [Fact]
    public void NamesNeverReachTheSourceSoRenamedGraphsGiveTheSameProgram()
    {
        var a = Network("first_input_name", "weights_named_here");
        var b = Network("another", "name");
        Assert.Equal(a.Source, b.Source);
        Assert.DoesNotContain("first_input_name", a.Source);
        Assert.DoesNotContain("weights_named_here", a.Source);
        Assert.DoesNotContain("labels", a.Source);
    }

    [Fact]
    public void TheSameGraphCompiledTwiceHitsTheCache()
    {
        var f = Network("x", "w");
        Assert.True(RoslynCompiler.IsCached(f.Source));
        var g = Network("x", "w");
        Assert.Equal(f.Source, g.Source);
        Assert.Same(RoslynCompiler.Load(f.Source), RoslynCompiler.Load(g.Source));
    }

    [Fact]
    public void CompileErrorsRaiseWithDiagnosticsAndSource()
    {
        const string source = "namespace Symbolic.Generated; public static class SymbolicProgram { static int F() { return undefined_thing; } }";
        var e = Assert.Throws<InvalidOperationException>(() => RoslynCompiler.Load(source));
        Assert.Contains("CS0103", e.Message);
        Assert.Contains("undefined_thing", e.Message);
        Assert.Contains(source, e.Message);
    }

    [Fact]
    public void IdentifiersComeFromPositionsAndAreStable()
    {
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Exp(x) + T.Sum(x)]);
        // exp(x) has one consumer, the add: it fuses into the add's kernel.
        Assert.Equal(["K0_sum", "K1_add"], f.Kernels.Select(k => k.Name).ToArray());
        Assert.Matches(@"K0_sum\(f, \d+, -?\d+, 0, 0\);", f.Source);   // the sum reads slot 0 (the input) and reduces its shape
    }

    [Fact]
    public void ConstantsTravelInATableWithTheirExactValues()
    {
        var x = T.Vector("x", DType.Float64);
        var special = T.Constant(NDArray.From(new[] { double.NaN, double.PositiveInfinity, -0.0, 1e-310, 0.1 }, 5));
        var f = Function.Compile([x], [x + special, x * 0.1, T.Cast(x, DType.Float32) * 1e30]);
        var outs = f.Invoke(NDArray.From(new[] { 1.0, 2, 3, 4, 5 }, 5));
        Assert.Equal(new[] { double.NaN, double.PositiveInfinity, 3, 4 + 1e-310, 5.1 }, outs[0].ToArray<double>());
        Assert.Equal(new[] { 0.1, 0.2, 0.30000000000000004, 0.4, 0.5 }, outs[1].ToArray<double>());
        Assert.Equal(1e30f, outs[2].ToArray<float>()[0]);
    }

    [Fact]
    public void EmitRendersTheSameProgramCompileBuilds()
    {
        var x = T.Matrix("x");
        var f = Function.Compile([x], [T.Softmax(x)]);
        var r = Function.Emit([x], [T.Softmax(x)], new CompileOptions());
        Assert.Equal(f.Source, r.Source);
        Assert.Equal(f.Kernels.Select(k => k.Source), r.Kernels.Select(k => k.Source));
        Assert.Null(r.Ptx);
    }

    [Fact]
    public void CudaCompileNeedsADeviceButEmitDoesNot()
    {
        var x = T.Vector("x");
        var options = new CompileOptions();
        var cuda = options with { Device = Device.Cuda };
        Assert.Equal(Device.Cpu, options.Device);
        Assert.True(options.Optimize);
        if (!Symbolic.CodeGen.Cuda.CudaProbe.Result.Available)
            Assert.Contains("CUDA", Assert.Throws<DeviceUnavailableException>(() => Function.Compile([x], [x + 1], options: cuda)).Message);
        // Emit needs no device: it renders CUDA C (and PTX where NVRTC loads).
        Assert.All(Function.Emit([x], [x + 1], cuda).Kernels, k => Assert.Equal("cuda", k.Language));
    }

    [Fact]
    public void ArrayAndCollectionExpressionFormsBothCompile()
    {
        var x = T.Matrix("x");
        var y = T.Vector("y", DType.Int64);
        var w = T.Shared(NDArray.Zeros(DType.Float32, 3, 2), "w");
        var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(x, w)), y));
        var f = Function.Compile(new[] { x, y }, new[] { loss }, updates: new[] { (w, w - 0.1 * T.Grad(loss, w)) });
        var g = Function.Compile([x, y], [loss], updates: [(w, w - 0.1 * T.Grad(loss, w))], options: new CompileOptions { Optimize = false });
        var xs = NDArray.From(new float[] { 1, 0, 0, 0, 1, 0 }, 2, 3);
        var ys = NDArray.From(new long[] { 0, 1 }, 2);
        Assert.Equal(MathF.Log(2), f.Invoke(xs, ys)[0].Item<float>(), 5);
        Assert.True(g.Invoke(xs, ys)[0].Item<float>() < MathF.Log(2));
    }
}
