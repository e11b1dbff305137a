namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>A compiled inner graph a generated program calls in a loop (the body of a Map).</summary>
public abstract class SubProgram
{
    /// <summary>Runs the body once per index 0 .. outShape[0]-1 on the captured values and stacks the results.</summary>
    public abstract T[] Run<T>(int[] outShape, Array[] captured, int[][] capturedShapes);
}
