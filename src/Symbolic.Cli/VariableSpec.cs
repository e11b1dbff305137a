using Symbolic.Parsing;

namespace Symbolic.Cli;

/// <summary>
/// The variables an expression on the command line may use, declared with <c>--var</c> as
/// <c>name:kind[:dtype]</c>, comma-separated: <c>x:matrix,y:vector:int64</c>.
/// </summary>
public static class VariableSpec
{
    /// <summary>The kinds of variable, by the name <c>--var</c> uses, in the order help lists them.</summary>
    public static readonly IReadOnlyList<(string Kind, Func<string, DType, Variable> Make)> Kinds =
    [
        ("scalar", (n, t) => T.Scalar(n, t)),
        ("vector", (n, t) => T.Vector(n, t)),
        ("matrix", (n, t) => T.Matrix(n, t)),
        ("tensor3", (n, t) => T.Tensor3(n, t)),
        ("tensor4", (n, t) => T.Tensor4(n, t)),
        ("row", (n, t) => T.Row(n, t)),
        ("col", (n, t) => T.Col(n, t)),
    ];

    public static string KindNames => string.Join(", ", Kinds.Select(k => k.Kind));

    public static string DTypeNames => string.Join(", ", Enum.GetValues<DType>().Select(t => t.ShortName()));

    /// <summary>Reads declarations, adding to <paramref name="into"/>; raises <see cref="FormatException"/> naming the bad entry.</summary>
    public static void Parse(string spec, List<Variable> into)
    {
        foreach (var raw in spec.Split(','))
        {
            var entry = raw.Trim();
            if (entry.Length == 0) continue;
            var parts = entry.Split(':');
            var name = parts[0].Trim();
            if (name.Length == 0)
                throw new FormatException($"--var: '{entry}' has no name; write name:kind, as in x:matrix.");
            if (!ExpressionParser.IsName(name))
                throw new FormatException($"--var: '{name}' in '{entry}' is not a name an expression can use; a name starts with a letter or '_' and goes on with letters, digits or '_'.");
            if (parts.Length < 2)
                throw new FormatException($"--var: '{entry}' has no kind; write {name}:matrix, for instance (kinds: {KindNames}).");
            if (parts.Length > 3)
                throw new FormatException($"--var: '{entry}' has too many parts; write name:kind or name:kind:dtype.");
            var kind = parts[1].Trim().ToLowerInvariant();
            var make = Kinds.FirstOrDefault(k => k.Kind == kind).Make
                ?? throw new FormatException($"--var: '{parts[1].Trim()}' in '{entry}' is not a kind of variable; kinds: {KindNames}.");
            var dtype = T.FloatX;
            if (parts.Length == 3)
            {
                var d = parts[2].Trim().ToLowerInvariant();
                dtype = Enum.GetValues<DType>().Cast<DType?>().FirstOrDefault(t => t!.Value.ShortName() == d)
                    ?? throw new FormatException($"--var: '{parts[2].Trim()}' in '{entry}' is not a dtype; dtypes: {DTypeNames}.");
            }
            if (into.Any(v => v.Name == name))
                throw new FormatException($"--var: '{name}' is declared twice.");
            into.Add(make(name, dtype));
        }
    }
}
