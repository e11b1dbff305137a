namespace Symbolic;

/// <summary>Where a compiled function runs.</summary>
public enum Device
{
    /// <summary>Generated C#, compiled by Roslyn.</summary>
    Cpu,
    /// <summary>Generated CUDA C, compiled by NVRTC (not yet available).</summary>
    Cuda,
}
