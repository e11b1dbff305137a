using System.Globalization;
using Symbolic.Print;

namespace Symbolic.Rewrite.Engine;

/// <summary>A node as a one-line expression (<c>log(add(1, exp(x)))</c>), cut off below a depth, for traces.</summary>
public static class ExpressionText
{
    public static string Of(Variable v, int depth = 4)
    {
        if (v.Owner is not { } node)
            return v is Constant { Value.Size: > 1 } c ? c.ToString() : DebugPrinter.Label(v); // scalars as their dtype holds them: 0.01, not 0.009999999776482582
        if (depth == 0) return "...";
        return $"{node.Op.Name}({string.Join(", ", node.Inputs.Select(i => Of(i, depth - 1)))})";
    }
}
