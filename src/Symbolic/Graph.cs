using Symbolic.Print;

namespace Symbolic;

/// <summary>Helpers over graphs as built.</summary>
public static class Graph
{
    /// <summary>The graph of <paramref name="outputs"/> as text, one node a line, in Theano's debugprint layout.</summary>
    public static string DebugPrint(params Variable[] outputs) => DebugPrinter.Print(outputs);

    /// <summary>The graph of <paramref name="outputs"/> in Graphviz's DOT language (render with <c>dot -Tsvg</c>); the same graph always gives the same text.</summary>
    public static string ToDot(params Variable[] outputs) => DotPrinter.Print(outputs);

    /// <summary>Evaluates outputs with the reference interpreter (float64 inside), given values for the inputs.</summary>
    public static NDArray[] Evaluate(Variable[] outputs, IReadOnlyDictionary<Variable, NDArray> inputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < outputs.Length; i++)
            if (outputs[i] is null) throw new ArgumentNullException(nameof(outputs), $"Output {i} is null.");
        return Interpreter.Evaluate(outputs, inputs);
    }
}
