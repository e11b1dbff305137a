namespace Symbolic;

/// <summary>
/// A kernel of a function compiled with <c>CompileOptions.NanGuard</c> produced a NaN or an
/// infinity. The message names the kernel, the graph node it computes and the values it read;
/// the call that raised it changed no shared variable.
/// </summary>
public sealed class NanGuardException : ArithmeticException
{
    public NanGuardException(string kernel, string node, int index, double value, string inputs)
        : base($"Kernel {kernel} produced {(double.IsNaN(value) ? "NaN" : value > 0 ? "+inf" : "-inf")} at element {index} of {node}, computed from {inputs}. No shared variable was changed by this call.")
    {
        Kernel = kernel;
        Node = node;
        Index = index;
        Value = value;
    }

    /// <summary>The generated kernel's name (as in <c>f.Kernels</c>).</summary>
    public string Kernel { get; }

    /// <summary>The node the kernel computes, as debugprint would name its op and operands.</summary>
    public string Node { get; }

    /// <summary>The flat (row-major) index of the first bad element.</summary>
    public int Index { get; }

    /// <summary>The bad value: NaN, +inf or -inf.</summary>
    public double Value { get; }
}
