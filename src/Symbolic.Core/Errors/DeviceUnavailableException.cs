namespace Symbolic;

/// <summary>Raised when a function is compiled for a device (CUDA) that this machine cannot provide; the message says what was looked for.</summary>
public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string message)
        : base(message)
    {
    }

    public DeviceUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
