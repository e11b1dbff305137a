using Symbolic.Ops;

namespace Symbolic;

/// <summary>
/// A symbolic tensor: a graph input (a variable, a constant or a shared variable) or the output of
/// an <see cref="Apply"/>. Variables are immutable; two applications of the same op to the same
/// inputs are one node (hash-consing), so equal subexpressions are shared automatically.
/// </summary>
public class Variable
{
    private static long nextId;

    internal Variable(TensorType type, string? name, Apply? owner)
    {
        Type = type;
        Name = name;
        Owner = owner;
        Id = Interlocked.Increment(ref nextId);
    }

    /// <summary>A new graph input of the given type. Every call makes a distinct variable, whatever its name.</summary>
    public static Variable Input(TensorType type, string? name) => new(type, name, null);

    /// <summary>A label for printing and error messages; any string, or null.</summary>
    public string? Name { get; }

    public TensorType Type { get; }

    /// <summary>The node that computes this variable, or null for graph inputs and constants.</summary>
    public Apply? Owner { get; }

    /// <summary>Creation order; unique in the process. Used for stable lock ordering, never in generated code.</summary>
    internal long Id { get; }

    public DType DType => Type.DType;

    public int NDim => Type.NDim;

    public bool[] Broadcastable => Type.Broadcastable;

    public override string ToString() => Name ?? (Owner is null ? $"<{Type}>" : $"{Owner.Op.Name}(...)");

    // Operators: numbers on either side become weakly typed constants (see Constant.Weak).
    public static Variable operator +(Variable a, Variable b) => TensorMath.Add(a, b);
    public static Variable operator -(Variable a, Variable b) => TensorMath.Sub(a, b);
    public static Variable operator *(Variable a, Variable b) => TensorMath.Mul(a, b);
    public static Variable operator /(Variable a, Variable b) => TensorMath.Div(a, b);
    public static Variable operator -(Variable a) => TensorMath.Neg(a);

    public static implicit operator Variable(double value) => Constant.Weak(value, isInteger: false);
    public static implicit operator Variable(int value) => Constant.Weak(value, isInteger: true);

    public Variable Dot(Variable other) => TensorMath.Dot(this, other);
    public Variable Sum() => TensorMath.Sum(this);
    public Variable Sum(int axis, bool keepDims = false) => TensorMath.Sum(this, [axis], keepDims);
    public Variable Mean() => TensorMath.Mean(this);
    public Variable Mean(int axis, bool keepDims = false) => TensorMath.Mean(this, [axis], keepDims);
    public Variable Max() => TensorMath.Max(this);
    public Variable Reshape(params int[] shape) => TensorMath.Reshape(this, shape);
    public Variable Transpose(params int[] perm) => TensorMath.Transpose(this, perm);
    public Variable Cast(DType dtype) => TensorMath.Cast(this, dtype);
    public Variable Flatten() => TensorMath.Flatten(this);
    public Variable DimShuffle(params object[] pattern) => TensorMath.DimShuffle(this, pattern);

    /// <summary>The size of dimension <paramref name="axis"/> as a symbolic int64 scalar.</summary>
    public Variable ShapeOf(int axis) => TensorMath.ShapeOf(this, axis);

    /// <summary>NumPy-style basic indexing: each argument is an <see cref="System.Index"/> (drops the dimension) or a <see cref="System.Range"/>.</summary>
    public Variable this[params object[] indices] => TensorMath.Slice(this, indices);

    public Variable this[Index i] => TensorMath.Slice(this, [i]);

    public Variable this[Range r] => TensorMath.Slice(this, [r]);

    public Variable this[Range r, Index i] => TensorMath.Slice(this, [r, i]);

    public Variable this[Index i, Range r] => TensorMath.Slice(this, [i, r]);

    public Variable this[Range r0, Range r1] => TensorMath.Slice(this, [r0, r1]);

    public Variable this[Index i0, Index i1] => TensorMath.Slice(this, [i0, i1]);
}
