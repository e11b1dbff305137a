namespace Symbolic;

/// <summary>
/// A copy of a shared variable's value that a backend keeps where it computes (device memory), so
/// that functions on that device read and update it in place between calls. The CPU path never
/// makes one. It is reference counted: <see cref="Acquire"/>/<see cref="Release"/> bracket a call's
/// use of it, and <see cref="IDisposable.Dispose"/> (when the variable moves on to another value)
/// frees the storage once no call holds it any more.
/// </summary>
internal abstract class ResidentValue : IDisposable
{
    /// <summary>The value's shape.</summary>
    public abstract int[] Shape { get; }

    /// <summary>Copies the value to a new host array.</summary>
    public abstract NDArray Download();

    /// <summary>Keeps the storage alive for a call that reads it.</summary>
    public abstract void Acquire();

    /// <summary>Ends a call's use begun by <see cref="Acquire"/>.</summary>
    public abstract void Release();

    public abstract void Dispose();
}
