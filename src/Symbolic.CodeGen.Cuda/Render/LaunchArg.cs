namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>
/// One argument of a kernel launch, as a recipe the host evaluates per call from the slots'
/// run-time layouts. Every kind but <see cref="SlotPointer"/> and <see cref="ScalarArg"/> is a
/// <c>long long</c> given by <see cref="Value"/>.
/// </summary>
public abstract record LaunchArg
{
    /// <summary>The value of an integer argument for these layouts.</summary>
    public virtual long Value(Func<int, SlotLayout> layoutOf) =>
        throw new InvalidOperationException($"{GetType().Name} is not an integer argument.");
}

/// <summary>
/// The device address of the slot's first element: its storage's base pointer plus its layout's
/// <see cref="SlotLayout.Offset"/> elements (the kernel never sees offsets). The kernel parameter
/// is a pointer to the slot's element type, <c>const</c> where the kernel only reads it.
/// </summary>
public sealed record SlotPointer(int Slot) : LaunchArg;

/// <summary>The number of elements of the slot (the product of its shape; 1 for a scalar).</summary>
public sealed record ElementCount(int Slot) : LaunchArg
{
    public override long Value(Func<int, SlotLayout> layoutOf) => layoutOf(Slot).Count;
}

/// <summary>The product of the slot's sizes along <see cref="Dims"/> (1 where empty): a softmax's rows are every dimension but its axis.</summary>
public sealed record ShapeProduct(int Slot, IReadOnlyList<int> Dims) : LaunchArg
{
    public override long Value(Func<int, SlotLayout> layoutOf)
    {
        var shape = layoutOf(Slot).Shape;
        return Dims.Aggregate(1L, (p, d) => p * shape[d]);
    }
}

/// <summary>The slot's size along dimension <see cref="Dim"/>.</summary>
public sealed record ShapeDim(int Slot, int Dim) : LaunchArg
{
    public override long Value(Func<int, SlotLayout> layoutOf) => layoutOf(Slot).Shape[Dim];
}

/// <summary>
/// The slot's stride (in elements) along dimension <see cref="Dim"/> of an index space of rank
/// <see cref="Rank"/> on which it is aligned on the right, NumPy style: 0 where the slot has no
/// such dimension (it has fewer) or has size 1 there (it broadcasts), else its stride. A strided
/// kernel reads element <c>sum(index[d] * stride[d])</c>.
/// </summary>
public sealed record AlignedStride(int Slot, int Dim, int Rank) : LaunchArg
{
    public override long Value(Func<int, SlotLayout> layoutOf)
    {
        var l = layoutOf(Slot);
        int k = Dim - (Rank - l.Shape.Length);
        return k < 0 || l.Shape[k] == 1 ? 0 : l.Strides[k];
    }
}

/// <summary>
/// 1 when the slot's element <c>i</c> is element <c>i</c> of slot <see cref="Space"/>'s index
/// space in row-major order (the slot is contiguous and has as many elements), else 0. A fused
/// kernel takes its flat fast path when every operand's flag is 1.
/// </summary>
public sealed record ContiguousFlag(int Slot, int Space) : LaunchArg
{
    public override long Value(Func<int, SlotLayout> layoutOf)
    {
        var l = layoutOf(Slot);
        return l.IsContiguous && l.Count == layoutOf(Space).Count ? 1 : 0;
    }
}

/// <summary>A constant, passed as a value of <see cref="DType"/>'s C type.</summary>
public sealed record ScalarArg(double Constant, DType DType) : LaunchArg
{
    public override long Value(Func<int, SlotLayout> layoutOf) => (long)Constant;
}

/// <summary>
/// A pointer to a device <c>int</c> that the executor owns (one per call in flight), sets to 0
/// before the call's first launch and reads after its last: a kernel that meets an index out of
/// range (Take and its gradient) stores 1 there and writes nothing for that element. Nonzero after
/// the call: raise <see cref="IndexOutOfRangeException"/> (no update is published).
/// </summary>
public sealed record ErrorFlag : LaunchArg;
