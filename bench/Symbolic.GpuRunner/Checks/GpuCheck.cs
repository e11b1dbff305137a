namespace Symbolic.GpuRunner.Checks;

/// <summary>One GPU check: a name and a body that throws <see cref="GpuCheckException"/> (or anything) when it fails.</summary>
public sealed record GpuCheck(string Name, Action Run)
{
    public override string ToString() => Name;
}

/// <summary>A GPU check's failure, saying what differed.</summary>
public sealed class GpuCheckException(string message) : Exception(message);
