using System.Globalization;
using Symbolic.Print;

namespace Symbolic.Rewrite.Engine;

/// <summary>A node as a one-line expression (<c>log(add(1, exp(x)))</c>), cut off below a depth, for traces.</summary>
public static class ExpressionText
{
    public static string Of(Variable v, int depth = 4)
    {
        if (v.Owner is not { } node)
            return v is Constant c ? c.ToString() : DebugPrinter.Label(v);
        if (depth == 0) return "...";
        return $"{node.Op.Name}({string.Join(", ", node.Inputs.Select(i => Of(i, depth - 1)))})";
    }
}
