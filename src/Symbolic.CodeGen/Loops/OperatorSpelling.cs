namespace Symbolic.CodeGen;

/// <summary>
/// The scalar ops that every C-family backend (C#, CUDA C) spells alike, as operators: arithmetic,
/// comparisons, logic and selection. A backend's spelling table starts from these and adds its own
/// functions (<see cref="With"/>). Templates: <c>{0}</c>, <c>{1}</c>, <c>{2}</c> are the operands,
/// already converted to the type the op reads and parenthesized by the renderer where needed.
/// </summary>
public static class OperatorSpelling
{
    private static readonly (string Op, string Template)[] Operators =
    [
        ("add", "{0} + {1}"),
        ("sub", "{0} - {1}"),
        ("mul", "{0} * {1}"),
        ("true_div", "{0} / {1}"),
        ("neg", "-{0}"),
        ("sqr", "{0} * {0}"),
        ("eq", "{0} == {1}"),
        ("neq", "{0} != {1}"),
        ("lt", "{0} < {1}"),
        ("le", "{0} <= {1}"),
        ("gt", "{0} > {1}"),
        ("ge", "{0} >= {1}"),
        ("and", "{0} && {1}"),
        ("or", "{0} || {1}"),
        ("not", "!{0}"),
        ("switch", "{0} ? {1} : {2}"),
        ("second", "{1}"),
    ];

    /// <summary>A backend's table: the shared operators plus <paramref name="own"/> (which may not redefine one).</summary>
    public static Dictionary<string, string> With(Dictionary<string, string> own)
    {
        foreach (var (op, template) in Operators)
            if (!own.TryAdd(op, template))
                throw new InvalidOperationException($"The scalar op {op} is an operator every C-family backend spells alike; a backend table must not spell it again.");
        return own;
    }
}
