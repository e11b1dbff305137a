using Symbolic.CodeGen;
using Symbolic.Ops;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// How C# spells each scalar op on one element (the vector forms are <see cref="VectorSpelling"/>).
/// Templates: <c>{0}</c>, <c>{1}</c>, <c>{2}</c> are the operands, already converted to the type
/// the op reads; <c>{M}</c> is <c>MathF</c> or <c>Math</c> by the compute type, <c>{S}</c> the
/// runtime's ScalarMath (the functions the interpreter uses too, so both compute the same). Casts
/// are conversions, spelled by <see cref="CSharpNames.Convert"/>.
/// </summary>
internal static class ScalarSpelling
{
    private static readonly Dictionary<string, string> Table = OperatorSpelling.With(new()
    {
        ["pow"] = "{M}.Pow({0}, {1})",
        ["maximum"] = "{M}.Max({0}, {1})",
        ["minimum"] = "{M}.Min({0}, {1})",
        ["exp"] = "{M}.Exp({0})",
        ["log"] = "{M}.Log({0})",
        ["log1p"] = "{S}.Log1p({0})",
        ["expm1"] = "{S}.Expm1({0})",
        ["sqrt"] = "{M}.Sqrt({0})",
        ["abs"] = "{S}.Abs({0})",
        ["sign"] = "{S}.Sign({0})",
        ["tanh"] = "{M}.Tanh({0})",
        ["sigmoid"] = "{S}.Sigmoid({0})",
        ["softplus"] = "{S}.Softplus({0})",
        ["relu"] = "{S}.Relu({0})",
        ["log1mexp"] = "{S}.Log1mexp({0})",
        ["erf"] = "{S}.Erf({0})",
        ["erfc"] = "{S}.Erfc({0})",
        ["erfcx"] = "{S}.Erfcx({0})",
        ["sin"] = "{M}.Sin({0})",
        ["cos"] = "{M}.Cos({0})",
        ["floor"] = "{S}.Floor({0})",
        ["ceil"] = "{S}.Ceil({0})",
        ["isfinite"] = "double.IsFinite({0})",
        ["clip"] = "{S}.Clip({0}, {1}, {2})",
    });

    public static string Template(ScalarOp op) =>
        op.Typing == ScalarTyping.Fixed ? "{0}"
        : Table.TryGetValue(op.Name, out var t) ? t
        : throw new NotSupportedException($"The C# backend has no spelling for the scalar op {op.Name}.");

    /// <summary>True when every scalar op of the catalogue has a spelling here (a test holds it).</summary>
    internal static IEnumerable<string> Missing => ScalarOps.All.Select(o => o.Name).Where(n => !Table.ContainsKey(n));
}
