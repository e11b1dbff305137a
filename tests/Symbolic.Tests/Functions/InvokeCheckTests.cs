namespace Symbolic.Tests.Functions;

/// <summary>What Invoke checks before running, and how its messages name the inputs; names that try to be code.</summary>
public class InvokeCheckTests
{
    private static readonly Variable S = T.Scalar("s", DType.Int32);
    private static readonly Variable A = T.Matrix("a");
    private static readonly Variable B = T.Matrix("b");
    private static readonly Variable Fixed = T.Tensor("fixed", DType.Float32, 2, null);
    private static readonly Function F = Function.Compile([S, A, B, Fixed], [T.Dot(A, B) * T.Cast(S, DType.Float32), T.Sum(Fixed, 0)]);

    private static NDArray[] Good() =>
        [NDArray.Scalar(2, DType.Int32), NDArray.Zeros(DType.Float32, 2, 3), NDArray.Zeros(DType.Float32, 3, 4), NDArray.Zeros(DType.Float32, 2, 5)];

    private static ArgumentException Bad(int position, NDArray value)
    {
        var args = Good();
        args[position] = value;
        return Assert.Throws<ArgumentException>(() => F.Invoke(args));
    }

    [Fact]
    public void GoodArgumentsRun() => Assert.Equal([2, 4], F.Invoke(Good())[0].Shape);

    [Fact]
    public void AScalarGivenAVectorNamesTheInputAndItsPosition()
    {
        var e = Bad(0, NDArray.From(new[] { 1, 2 }, 2));
        Assert.Contains("Input 0 's'", e.Message);
        Assert.Contains("rank 0", e.Message);
        Assert.Contains("(2,)", e.Message);
    }

    [Fact]
    public void DtypesMustMatchExactly()
    {
        var e = Bad(0, NDArray.Scalar(2, DType.Int64));
        Assert.Contains("Input 0 's'", e.Message);
        Assert.Contains("int32", e.Message);
        Assert.Contains("int64", e.Message);
        Assert.Contains("'b'", Bad(2, NDArray.Zeros(DType.Float64, 3, 4)).Message);
    }

    [Fact]
    public void StaticSizesAreCheckedPerDimension()
    {
        var e = Bad(3, NDArray.Zeros(DType.Float32, 3, 5));
        Assert.Contains("Input 3 'fixed'", e.Message);
        Assert.Contains("dimension 0 must be 2", e.Message);
    }

    [Fact]
    public void SizesThatMustAgreeNameBothInputs()
    {
        var e = Bad(2, NDArray.Zeros(DType.Float32, 4, 4));
        Assert.Contains("input 1 'a'", e.Message);
        Assert.Contains("input 2 'b'", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(4, 4)", e.Message);
    }

    [Fact]
    public void TooManyArgumentsAreCounted()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Invoke([.. Good(), NDArray.Scalar(0, DType.Float32)]));
        Assert.Contains("takes 4 inputs", e.Message);
        Assert.Contains("5 were given", e.Message);
    }

    [Fact]
    public void ReshapeThatCannotFitNamesTheInput()
    {
        var x = T.Vector("flat");
        var f = Function.Compile([x], [T.Reshape(x, 3, -1)]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 7)));
        Assert.Contains("'flat'", e.Message);
        Assert.Contains("(7,)", e.Message);
    }

    [Fact]
    public void ALengthPastWhatAnArrayHoldsIsAnArgumentErrorNotAWrapAround()
    {
        // arange(2^32 + 5) had 5 elements (the length was cut to 32 bits), and arange(3e9) died
        // in a kernel with OverflowException.
        var n = T.Scalar("n", DType.Int64);
        var f = Function.Compile([n], [T.Arange(n)]);
        foreach (long length in new[] { (1L << 32) + 5, 3_000_000_000L })
        {
            var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Scalar(length, DType.Int64)));
            Assert.Contains("'n'", e.Message);
            Assert.Contains("more than an array can hold", e.Message);
        }
        Assert.Equal(new long[] { 0, 1, 2 }, f.Invoke(NDArray.Scalar(3, DType.Int64))[0].ToArray<long>());
        Assert.Contains("more than an array can hold", Assert.Throws<ArgumentException>(() => T.Arange(T.Constant(1e11, DType.Int64))).Message);
        var v = T.Vector("v");
        Assert.Contains("more than an array can hold", Assert.Throws<ParseException>(() => T.Parse("reshape(v, 99999999999)", v)).Message);
    }

    [Fact]
    public void AResultTooLargeForAnArrayIsCheckedBeforeAnyKernelRuns()
    {
        // The outer product of two 70,000-vectors has 4.9e9 elements: it died in the generated
        // code with OverflowException; it is a shape error naming the input, and nothing changes.
        var n = T.Scalar("n", DType.Int64);
        var c = T.Shared(NDArray.Scalar(0, DType.Int64), "calls");
        var a = T.Arange(n);
        var f = Function.Compile([n], [T.Sum(T.DimShuffle(a, 0, 'x') * T.DimShuffle(a, 'x', 0))], [(c, c + 1)]);
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Scalar(70000, DType.Int64)));
        Assert.Contains("(70000, 70000)", e.Message);
        Assert.Contains("'n'", e.Message);
        Assert.Equal(0L, c.Value.Item<long>());
        Assert.Equal(4L * 9, f.Invoke(NDArray.Scalar(4, DType.Int64))[0].Item<long>());
        Assert.Equal(1L, c.Value.Item<long>());
    }

    private const string Hostile = "x\"; System.IO.File.Delete(\"a\"); //\n*/ } class Evil { /*";

    [Fact]
    public void AHostileInputNameCompilesAndRunsAsAPlainVariable()
    {
        var x = T.Matrix(Hostile);
        var y = T.Vector("y\r\n#error */");
        var f = Function.Compile([x, y], [T.Exp(x) + y, T.Sum(x * 2)]);
        foreach (var text in new[] { f.Source }.Concat(f.Kernels.Select(k => k.Source)))
        {
            Assert.DoesNotContain("File.Delete", text);
            Assert.DoesNotContain("Evil", text);
            Assert.DoesNotContain("#error", text);
        }
        var outs = f.Invoke(NDArray.Zeros(DType.Float32, 2, 2), NDArray.From(new float[] { 1, 2 }, 2));
        Assert.Equal(new float[] { 2, 3, 2, 3 }, outs[0].ToArray<float>());
        var e = Assert.Throws<ArgumentException>(() => f.Invoke(NDArray.Zeros(DType.Float32, 2), NDArray.Zeros(DType.Float32, 2)));
        Assert.Contains("File.Delete", e.Message);
        Assert.DoesNotContain("\n*/", f.DebugPrint());
    }

    [Fact]
    public void AHostileSharedVariableNameIsAPlainSharedVariable()
    {
        var w = T.Shared(NDArray.From(new float[] { 1, 2 }, 2), Hostile);
        var f = Function.Compile([], [T.Sum(w)], [(w, w * 3)]);
        Assert.DoesNotContain("File.Delete", f.Source);
        Assert.Equal(3f, f.Invoke()[0].Item<float>());
        Assert.Equal(new float[] { 3, 6 }, w.Value.ToArray<float>());
        Assert.Contains("(shared)", f.DebugPrint());
    }
}
