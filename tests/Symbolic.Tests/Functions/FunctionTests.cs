namespace Symbolic.Tests.Functions;

public class FunctionInputCheckTests
{
    private static readonly Variable X = T.Matrix("x");
    private static readonly Variable Y = T.Vector("y", DType.Int64);
    private static readonly Function F = Function.Compile([X, Y], [T.Sum(X, 1) + T.Cast(Y, DType.Float32)]);

    [Fact]
    public void WrongCountNamesTheInputs()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Invoke(NDArray.Zeros(DType.Float32, 2, 2)));
        Assert.Contains("takes 2 inputs", e.Message);
        Assert.Contains("'x'", e.Message);
        Assert.Contains("'y'", e.Message);
        Assert.Contains("1 was given", e.Message);
    }

    [Fact]
    public void WrongDtypeNamesTheInputAndBothTypes()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Invoke(NDArray.Zeros(DType.Float64, 2, 2), NDArray.Zeros(DType.Int64, 2)));
        Assert.Contains("Input 0 'x'", e.Message);
        Assert.Contains("float32", e.Message);
        Assert.Contains("float64", e.Message);
    }

    [Fact]
    public void WrongRankNamesTheInput()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Invoke(NDArray.Zeros(DType.Float32, 2, 2), NDArray.Zeros(DType.Int64, 2, 1)));
        Assert.Contains("Input 1 'y'", e.Message);
        Assert.Contains("rank 1", e.Message);
        Assert.Contains("(2, 1)", e.Message);
    }

    [Fact]
    public void ShapesThatMustAgreeAreCheckedBeforeRunning()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Invoke(NDArray.Zeros(DType.Float32, 2, 3), NDArray.Zeros(DType.Int64, 5)));
        Assert.Contains("do not fit together", e.Message);
        Assert.Contains("'y'", e.Message);
        Assert.Contains("(5,)", e.Message);
    }

    [Fact]
    public void StaticSizesAreChecked()
    {
        var r = T.Row("r");
        var f = Function.Compile([r], [r * 2]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 2, 3)));
        Assert.Contains("Input 0 'r'", e.Message);
        Assert.Contains("dimension 0 must be 1", e.Message);
    }

    [Fact]
    public void NullArgumentNamesTheInput()
    {
        var e = Assert.Throws<ArgumentNullException>(() => F.Invoke(NDArray.Zeros(DType.Float32, 2, 2), null!));
        Assert.Contains("'y'", e.Message);
    }
}

public class FunctionCompileTests
{
    [Fact]
    public void MissingInputIsNamed()
    {
        var (x, z) = (T.Matrix("x"), T.Matrix("z"));
        var e = Assert.Throws<ArgumentException>(() => Function.Compile([x], [x + z]));
        Assert.Contains("'z'", e.Message);
        Assert.Contains("not among the inputs", e.Message);
    }

    [Fact]
    public void InputListedTwiceOrComputedIsRejected()
    {
        var x = T.Matrix("x");
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => Function.Compile([x, x], [x])).Message);
        Assert.Contains("computed", Assert.Throws<ArgumentException>(() => Function.Compile([x * 2], [x])).Message);
    }

    [Fact]
    public void ASharedVariableIsNotAnInput()
    {
        // Given as an input, a shared variable would be two things at once: the value passed in and
        // the value it holds (which its updates replace). Theano refuses it too.
        var w = T.Shared(NDArray.From(new float[] { 1, 2 }, 2), "w");
        var x = T.Vector("x");
        var e = Assert.Throws<ArgumentException>(() => Function.Compile([x, w], [x * w]));
        Assert.Contains("Input 1 'w'", e.Message);
        Assert.Contains("shared variable", e.Message);
        Assert.Equal("inputs", e.ParamName);
        Assert.Throws<ArgumentException>(() => Function.Compile([w], [w * 2], [(w, w + 1)]));
        Assert.Throws<ArgumentException>(() => Function.Emit([w], [w * 2], CompileOptions.Default));
        Assert.Equal(new float[] { 1, 2 }, w.Value.ToArray<float>());
    }

    [Fact]
    public void GraphEvaluateRejectsNullsByName()
    {
        // A null output list was a NullReferenceException from inside the interpreter.
        var x = T.Vector("x");
        var given = new Dictionary<Variable, NDArray> { [x] = NDArray.From(new float[] { 1, 2 }, 2) };
        Assert.Equal("outputs", Assert.Throws<ArgumentNullException>(() => Graph.Evaluate(null!, given)).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentNullException>(() => Graph.Evaluate([x, null!], given)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => Graph.Evaluate([x], null!)).ParamName);
        Assert.Equal(new float[] { 2, 4 }, Graph.Evaluate([x * 2], given)[0].ToArray<float>());
    }

    [Fact]
    public void AFunctionsListsCannotBeChangedThroughACast()
    {
        // Inputs was the function's own array: (Variable[])f.Inputs could swap an input, and
        // Invoke would then check arguments against the wrong variable.
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Exp(x)]);
        Assert.False(f.Inputs is Variable[], "Inputs is the function's array");
        Assert.False(f.Optimized is Variable[], "Optimized is the function's array");
        Assert.False(f.Kernels is Kernel[], "Kernels is the function's array");
        Assert.Throws<NotSupportedException>(() => ((IList<Variable>)f.Inputs)[0] = T.Vector("other", DType.Float64));
        Assert.Same(x, f.Inputs[0]);
    }

    [Fact]
    public void UpdatesMustKeepDtypeAndRankAndNotRepeat()
    {
        var w = T.Shared(NDArray.Zeros(DType.Float32, 2), "w");
        var e = Assert.Throws<ArgumentException>(() => Function.Compile([], [], [(w, T.Cast(w, DType.Float64))]));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("dtype", e.Message);
        Assert.Throws<ArgumentException>(() => Function.Compile([], [], [(w, T.Sum(w))]));
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => Function.Compile([], [], [(w, w + 1), (w, w * 2)])).Message);
    }

    [Fact]
    public void CudaRaisesDeviceUnavailable()
    {
        if (Symbolic.CodeGen.Cuda.CudaProbe.Result.Available) Assert.Skip("A CUDA device answers here, so Device.Cuda compiles (the GPU tests cover it).");
        var x = T.Vector("x");
        var e = Assert.Throws<DeviceUnavailableException>(() => Function.Compile([x], [x * 2], options: new CompileOptions { Device = Device.Cuda }));
        Assert.Contains("CUDA", e.Message);
        Assert.True(e.Message.Contains("libcuda.so.1") || e.Message.Contains("cuInit") || e.Message.Contains("backend is not built"), e.Message);
    }

    [Fact]
    public void KernelsSourceAndDeterminism()
    {
        string Build()
        {
            var x = T.Matrix("x");
            var y = T.Vector("y", DType.Int64);
            var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(x), y));
            var f = Function.Compile([x, y], [loss, T.Grad(loss, x)]);
            Assert.NotEmpty(f.Kernels);
            Assert.All(f.Kernels, k => Assert.Equal("csharp", k.Language));
            Assert.All(f.Kernels, k => Assert.Contains($"static void {k.Name}(", f.Source));
            Assert.All(f.Kernels, k => Assert.Contains($"{k.Name}(f, ", f.Source));
            return f.Source;
        }
        Assert.Equal(Build(), Build());
    }

    [Fact]
    public void EmitRendersWithoutCompiling()
    {
        var x = T.Vector("x");
        var r = Function.Emit([x], [T.Exp(x)], new CompileOptions());
        Assert.Null(r.Ptx);
        Assert.Contains("MathF.Exp", r.Source);
        Assert.Single(r.Kernels);
    }

    [Fact]
    public void OutputsMayBeInputsAndConstants()
    {
        var x = T.Vector("x");
        var f = Function.Compile([x], [x, T.Constant(3.0), x[1..]]);
        var outs = f.Invoke(NDArray.From(new float[] { 1, 2, 3 }, 3));
        Assert.Equal(new float[] { 1, 2, 3 }, outs[0].ToArray<float>());
        Assert.Equal(3f, outs[1].Item<float>());
        Assert.Equal(new float[] { 2, 3 }, outs[2].ToArray<float>());
    }

    [Fact]
    public void RewriteTraceAndExclusionsReachTheCompiledFunction()
    {
        var x = T.Vector("x");
        var f = Function.Compile([x], [T.Log(1 + T.Exp(x))]);
        Assert.Contains(f.RewriteTrace.Steps, s => s.Rule == "softplus-from-log1p-exp");
        Assert.Contains("softplus", f.DebugPrint());
        var g = Function.Compile([x], [T.Log(1 + T.Exp(x))], options: new CompileOptions { ExcludePhases = ["stabilize"] });
        Assert.Empty(g.RewriteTrace.Steps);
        Assert.DoesNotContain("softplus", g.DebugPrint());
        var h = Function.Compile([x], [x - x], options: new CompileOptions { ExcludeUnsafeRules = true });
        Assert.Contains("sub", h.DebugPrint());
        var overflow = f.Invoke(NDArray.From(new float[] { 1000 }, 1));
        Assert.Equal(1000f, overflow[0].Item<float>(0));
    }
}

public class UserNameTests
{
    [Fact]
    public void HostileNamesCompileAndRunAsPlainVariables()
    {
        const string name = "x\"; System.IO.File.Delete(\"a\"); // */ /* \n #error no\r\n\u0000'";
        var x = T.Vector(name);
        var f = Function.Compile([x], [T.Exp(x) * 2]);
        Assert.DoesNotContain("File.Delete", f.Source);
        Assert.DoesNotContain("#error", f.Source);
        var r = f.Invoke(NDArray.From(new float[] { 0, 1 }, 2));
        Assert.Equal(new[] { 2f, 2 * MathF.E }, r[0].ToArray<float>());
        Assert.DoesNotContain("\n #error", f.DebugPrint());
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Zeros(DType.Float64, 2)));
        Assert.Contains("File.Delete", e.Message);
    }

    [Fact]
    public void EmptyAndDuplicateNamesAreFine()
    {
        var a = T.Vector("");
        var b = T.Vector("");
        var f = Function.Compile([a, b], [a - b]);
        Assert.Equal(new float[] { -1 }, f.Invoke(NDArray.From(new float[] { 1 }, 1), NDArray.From(new float[] { 2 }, 1))[0].ToArray<float>());
    }
}
