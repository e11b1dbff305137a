using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda;

/// <summary>
/// How CUDA C spells each scalar op on one element, for the CUDA renderer (issue: the CUDA
/// backend). Templates: <c>{0}</c>, <c>{1}</c>, <c>{2}</c> are the operands, already converted
/// to the type the op reads; <c>{f}</c> is the <c>f</c> suffix of single-precision functions.
/// These spellings came with the op catalogue and are not yet checked against NVRTC: integer
/// <c>abs</c> and <c>sign</c>, NaN-propagating <c>max</c>/<c>min</c> and <c>sign(NaN)</c> need
/// dtype-aware forms before the renderer uses them.
/// </summary>
public static class CudaSpelling
{
    private static readonly Dictionary<string, string> Table = new()
    {
        ["add"] = "{0} + {1}",
        ["sub"] = "{0} - {1}",
        ["mul"] = "{0} * {1}",
        ["true_div"] = "{0} / {1}",
        ["pow"] = "pow{f}({0}, {1})",
        ["maximum"] = "max({0}, {1})",
        ["minimum"] = "min({0}, {1})",
        ["neg"] = "-{0}",
        ["exp"] = "exp{f}({0})",
        ["log"] = "log{f}({0})",
        ["log1p"] = "log1p{f}({0})",
        ["expm1"] = "expm1{f}({0})",
        ["sqrt"] = "sqrt{f}({0})",
        ["sqr"] = "{0} * {0}",
        ["abs"] = "fabs{f}({0})",
        ["sign"] = "copysign{f}(({0}) != 0, {0})",
        ["tanh"] = "tanh{f}({0})",
        ["sigmoid"] = "(1 / (1 + exp{f}(-({0}))))",
        ["softplus"] = "(({0}) > 0 ? ({0}) + log1p{f}(exp{f}(-({0}))) : log1p{f}(exp{f}({0})))",
        ["relu"] = "(({0}) < 0 ? 0 : ({0}))",
        ["log1mexp"] = "(({0}) > -0.6931471805599453 ? log{f}(-expm1{f}({0})) : log1p{f}(-exp{f}({0})))",
        ["erf"] = "erf{f}({0})",
        ["erfc"] = "erfc{f}({0})",
        ["erfcx"] = "erfcx{f}({0})",
        ["sin"] = "sin{f}({0})",
        ["cos"] = "cos{f}({0})",
        ["floor"] = "floor{f}({0})",
        ["ceil"] = "ceil{f}({0})",
        ["eq"] = "{0} == {1}",
        ["neq"] = "{0} != {1}",
        ["lt"] = "{0} < {1}",
        ["le"] = "{0} <= {1}",
        ["gt"] = "{0} > {1}",
        ["ge"] = "{0} >= {1}",
        ["and"] = "{0} && {1}",
        ["or"] = "{0} || {1}",
        ["isfinite"] = "isfinite((double)({0}))",
        ["not"] = "!{0}",
        ["clip"] = "min(max({0}, {1}), {2})",
        ["switch"] = "{0} ? {1} : {2}",
        ["second"] = "{1}",
    };

    public static string Template(ScalarOp op) =>
        op.Typing == ScalarTyping.Fixed ? "{0}"
        : Table.TryGetValue(op.Name, out var t) ? t
        : throw new NotSupportedException($"The CUDA backend has no spelling for the scalar op {op.Name}.");
}
