using Symbolic.Ops;

namespace Symbolic.CodeGen;

/// <summary>
/// The run-time shape pass of a schedule: given the input arrays (the function's inputs, then the
/// shared variables' values), every slot's shape from each op's <see cref="Op.InferShape"/>, and
/// every integer scalar whose value is known before running (int scalar inputs from their data,
/// constants from their values, other nodes from <see cref="Op.KnownValue"/>), computed before any
/// kernel runs. Shapes that do not fit raise <see cref="ShapeMismatchException"/>, carrying the
/// node and the op's message (which names the operands).
/// </summary>
public sealed class ShapePlan
{
    private readonly Schedule schedule;
    private readonly int slotCount;
    private readonly int[][] constantShapes;
    private readonly long?[] constantValues;

    internal ShapePlan(Schedule schedule)
    {
        this.schedule = schedule;
        slotCount = schedule.Slots.Count;
        var constants = schedule.Constants;
        constantShapes = new int[constants.Count][];
        constantValues = new long?[constants.Count];
        for (int c = 0; c < constants.Count; c++)
        {
            constantShapes[c] = constants[c].Value.Shape;
            constantValues[c] = IsIntScalar(constants[c]) ? (long)constants[c].ScalarValue : null;
        }
    }

    /// <summary>Shapes by slot, for these input values.</summary>
    public int[][] Run(IReadOnlyList<NDArray> inputs) => Run(inputs, out _);

    /// <summary>Shapes by slot, and the known values of integer scalars by slot (null where unknown).</summary>
    public int[][] Run(IReadOnlyList<NDArray> inputs, out long?[] known)
    {
        if (inputs.Count != schedule.Inputs.Count)
            throw new ArgumentException($"The program reads {schedule.Inputs.Count} arrays; {inputs.Count} were given.", nameof(inputs));
        var shapes = new int[slotCount][];
        var values = new long?[slotCount];
        for (int i = 0; i < inputs.Count; i++)
        {
            shapes[i] = inputs[i].Shape;
            if (IsIntScalar(schedule.Inputs[i]) && inputs[i].Size == 1) values[i] = (long)inputs[i].GetDouble(0);
        }
        known = values;
        return Finish(shapes, values, inputs.Count);
    }

    /// <summary>
    /// Shapes by slot from the inputs' shapes alone, for inputs whose data is not on the host (a
    /// device's copy of a shared variable): <paramref name="scalar"/> gives the value of input
    /// <c>i</c> where it is an integer scalar (it is asked for no other input).
    /// </summary>
    public int[][] Run(IReadOnlyList<int[]> inputShapes, Func<int, long?> scalar)
    {
        if (inputShapes.Count != schedule.Inputs.Count)
            throw new ArgumentException($"The program reads {schedule.Inputs.Count} arrays; {inputShapes.Count} were given.", nameof(inputShapes));
        var shapes = new int[slotCount][];
        var values = new long?[slotCount];
        for (int i = 0; i < inputShapes.Count; i++)
        {
            shapes[i] = inputShapes[i];
            if (IsIntScalar(schedule.Inputs[i]) && NDArray.ShapeSize(inputShapes[i]) == 1) values[i] = scalar(i);
        }
        return Finish(shapes, values, inputShapes.Count);
    }

    private int[][] Finish(int[][] shapes, long?[] values, int inputCount)
    {
        int at = inputCount;
        for (int c = 0; c < constantShapes.Length; c++, at++)
        {
            shapes[at] = constantShapes[c];
            values[at] = constantValues[c];
        }
        foreach (var step in schedule.Steps)
        {
            var ins = step.InputSlots;
            var args = new ShapeArgs(ins.Select(s => shapes[s]).ToArray(), i => values[ins[i]]);
            try
            {
                shapes[step.Slot] = step.Node.Op.InferShape(step.Node, args);
                values[step.Slot] = step.Node.Op.KnownValue(step.Node, args);
            }
            catch (ArgumentException e) when (e is not ShapeMismatchException)
            {
                throw new ShapeMismatchException(step.Node, e.Message, e);
            }
        }
        return shapes;
    }

    /// <summary>Whether the shape pass reads input <paramref name="i"/>'s value (an integer scalar), not only its shape.</summary>
    public bool ReadsValue(int i) => IsIntScalar(schedule.Inputs[i]);

    private static bool IsIntScalar(Variable v) => v.NDim == 0 && !v.DType.IsFloat();
}
