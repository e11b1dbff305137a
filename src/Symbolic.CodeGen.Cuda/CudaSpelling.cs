using Symbolic.CodeGen.Cuda.Render;
using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda;

/// <summary>
/// How CUDA C spells each scalar op on one element, for the CUDA renderer. Templates: <c>{0}</c>,
/// <c>{1}</c>, <c>{2}</c> are the operands, already converted to the type the op reads
/// (<see cref="ScalarOp.OperandType"/>); <c>{f}</c> is the <c>f</c> suffix of single-precision
/// functions, empty in double precision. Where one spelling cannot be right for every dtype, the
/// template calls an overloaded <c>sym_*</c> function of the module's prelude
/// (<see cref="CudaPrelude"/>), which has a form per type: integer <c>abs</c> and <c>sign</c> are
/// integer arithmetic, not <c>fabs</c>/<c>copysign</c>; <c>maximum</c>, <c>minimum</c> and
/// <c>clip</c> propagate NaN as NumPy does (CUDA's <c>fmax</c> would drop it); <c>sign(NaN)</c> is
/// NaN and <c>sign(±0)</c> is ±0; <c>sigmoid</c> and <c>softplus</c> never overflow, and
/// <c>log1p</c>/<c>expm1</c> are CUDA's accurate functions. Casts are conversions
/// (<see cref="CudaTypes.Convert"/>).
/// </summary>
public static class CudaSpelling
{
    private static readonly Dictionary<string, string> Table = OperatorSpelling.With(new()
    {
        ["pow"] = "pow{f}({0}, {1})",
        ["maximum"] = "sym_max({0}, {1})",
        ["minimum"] = "sym_min({0}, {1})",
        ["exp"] = "exp{f}({0})",
        ["log"] = "log{f}({0})",
        ["log1p"] = "log1p{f}({0})",
        ["expm1"] = "expm1{f}({0})",
        ["sqrt"] = "sqrt{f}({0})",
        ["abs"] = "sym_abs({0})",
        ["sign"] = "sym_sign({0})",
        ["tanh"] = "tanh{f}({0})",
        ["sigmoid"] = "sym_sigmoid({0})",
        ["softplus"] = "sym_softplus({0})",
        ["relu"] = "sym_relu({0})",
        ["log1mexp"] = "(({0}) > -0.6931471805599453 ? log{f}(-expm1{f}({0})) : log1p{f}(-exp{f}({0})))",
        ["erf"] = "erf{f}({0})",
        ["erfc"] = "erfc{f}({0})",
        ["erfcx"] = "erfcx{f}({0})",
        ["sin"] = "sin{f}({0})",
        ["cos"] = "cos{f}({0})",
        ["floor"] = "sym_floor({0})",
        ["ceil"] = "sym_ceil({0})",
        ["isfinite"] = "sym_isfinite({0})",
        ["clip"] = "sym_clip({0}, {1}, {2})",
    });

    public static string Template(ScalarOp op) =>
        op.Typing == ScalarTyping.Fixed ? "{0}"
        : Table.TryGetValue(op.Name, out var t) ? t
        : throw new NotSupportedException($"The CUDA backend has no spelling for the scalar op {op.Name}.");

    /// <summary>The scalar ops of the catalogue with no spelling here (a test holds it empty).</summary>
    public static IEnumerable<string> Missing => ScalarOps.All.Select(o => o.Name).Where(n => !Table.ContainsKey(n));

    /// <summary>
    /// The scalar op applied to values of the given dtypes: each operand converted to the type the
    /// op reads, the template filled in, the result converted to <paramref name="outType"/>.
    /// </summary>
    public static string Expression(ScalarOp op, IReadOnlyList<DType> types, DType outType, IReadOnlyList<string> values)
    {
        var compute = op.ComputeType(types);
        var text = Template(op).Replace("{f}", compute == DType.Float32 ? "f" : "");
        for (int j = 0; j < values.Count; j++)
            text = text.Replace("{" + j + "}", Parenthesize(CudaTypes.Convert(values[j], types[j], op.OperandType(j, types))));
        var from = op.TemplateResultType(types);
        return from == outType ? text : CudaTypes.Convert("(" + text + ")", from, outType);
    }

    /// <summary>An operand as it can stand inside any template: a bare name as it is, anything else in parentheses.</summary>
    private static string Parenthesize(string e) => e.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? e : "(" + e + ")";
}
