using Symbolic.Print;

namespace Symbolic;

/// <summary>Helpers over graphs as built.</summary>
public static class Graph
{
    /// <summary>The graph of <paramref name="outputs"/> as text, one node a line, in Theano's debugprint layout.</summary>
    public static string DebugPrint(params Variable[] outputs) => DebugPrinter.Print(outputs);

    /// <summary>The graph of <paramref name="outputs"/> in Graphviz DOT (render with <c>dot -Tsvg</c>).</summary>
    public static string ToDot(params Variable[] outputs) => DotPrinter.Print(outputs);

    /// <summary>Evaluates outputs with the reference interpreter (float64 inside), given values for the inputs.</summary>
    public static NDArray[] Evaluate(Variable[] outputs, IReadOnlyDictionary<Variable, NDArray> inputs) => Interpreter.Evaluate(outputs, inputs);
}
