using Symbolic.Interpret;

namespace Symbolic.Ops;

/// <summary>The int64 vector 0, 1, ..., n-1, for an integer scalar n known before running (a constant, an input, or a size).</summary>
public sealed class Arange : Op
{
    public static readonly Arange Instance = new();

    public override string Name => "arange";

    public override TensorType InferType(IReadOnlyList<Variable> inputs)
    {
        var n = inputs[0];
        if (n.NDim != 0 || !n.DType.IsInteger())
            throw new ArgumentException($"Arange needs an integer scalar length, got {Describe(n)}.");
        if (n is Constant c && c.ScalarValue < 0)
            throw new ArgumentException($"Arange: the length {c.ScalarValue} is negative.");
        if (n is Constant big && big.ScalarValue > Array.MaxLength)
            throw TooLong(big.ScalarValue);
        return new TensorType(DType.Int64, [n is Constant k ? (int)k.ScalarValue : null]);
    }

    public override int[] InferShape(Apply node, ShapeArgs args)
    {
        long n = args.ScalarValue(0) ?? throw new ArgumentException(
            "Arange: the length depends on computed data, not only on shapes and inputs, and cannot be known before running.");
        if (n < 0) throw new ArgumentException($"Arange: the length {n} is negative.");
        if (n > Array.MaxLength) throw TooLong(n);
        return [(int)n];
    }

    public override RefTensor Evaluate(Apply node, RefTensor[] inputs)
    {
        double length = inputs[0].Data[0];
        if (length < 0) throw new ArgumentException($"Arange: the length {length} is negative.");
        if (length > Array.MaxLength) throw TooLong(length);
        int n = (int)length;
        return new RefTensor([n], Enumerable.Range(0, n).Select(i => (double)i).ToArray());
    }

    /// <summary>A length past what an array can hold (it used to wrap around to a small one: 2^32 + 5 gave 5 elements).</summary>
    private static ArgumentException TooLong(double n) =>
        new($"Arange: the length {n.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is more than an array can hold ({Array.MaxLength}).");

    public override Variable?[] Grad(Apply node, Variable gOut) => [null];
}
