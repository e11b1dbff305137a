using Symbolic.Ops;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// How C# spells scalar ops over whole vectors (<c>Vector256&lt;float&gt;</c> or
/// <c>Vector256&lt;double&gt;</c>): operators where .NET has them, <c>VMath</c> (the runtime's
/// vector math, accurate over the whole float range) for the rest. Comparisons give lane masks of
/// the same vector type, which <c>and</c>, <c>or</c>, <c>not</c> and <c>switch</c> consume. An op
/// missing here keeps its kernel on the scalar path.
/// </summary>
internal static class VectorSpelling
{
    private static readonly Dictionary<string, string> Table = new()
    {
        ["add"] = "{0} + {1}",
        ["sub"] = "{0} - {1}",
        ["mul"] = "{0} * {1}",
        ["true_div"] = "{0} / {1}",
        ["neg"] = "-{0}",
        ["sqr"] = "{0} * {0}",
        ["maximum"] = "VMath.Max({0}, {1})",
        ["minimum"] = "VMath.Min({0}, {1})",
        ["clip"] = "VMath.Clip({0}, {1}, {2})",
        ["abs"] = "Vector256.Abs({0})",
        ["sign"] = "VMath.Sign({0})",
        ["relu"] = "VMath.Relu({0})",
        ["floor"] = "Vector256.Floor({0})",
        ["ceil"] = "Vector256.Ceiling({0})",
        ["sqrt"] = "Vector256.Sqrt({0})",
        ["exp"] = "VMath.Exp({0})",
        ["log"] = "VMath.Log({0})",
        ["log1p"] = "VMath.Log1p({0})",
        ["expm1"] = "VMath.Expm1({0})",
        ["tanh"] = "VMath.Tanh({0})",
        ["sigmoid"] = "VMath.Sigmoid({0})",
        ["softplus"] = "VMath.Softplus({0})",
        ["sin"] = "VMath.Sin({0})",
        ["cos"] = "VMath.Cos({0})",
        ["pow"] = "VMath.Pow({0}, {1})",
        ["eq"] = "Vector256.Equals({0}, {1})",
        ["neq"] = "~Vector256.Equals({0}, {1})",
        ["lt"] = "Vector256.LessThan({0}, {1})",
        ["le"] = "Vector256.LessThanOrEqual({0}, {1})",
        ["gt"] = "Vector256.GreaterThan({0}, {1})",
        ["ge"] = "Vector256.GreaterThanOrEqual({0}, {1})",
        ["and"] = "{0} & {1}",
        ["or"] = "{0} | {1}",
        ["not"] = "~{0}",
        ["switch"] = "Vector256.ConditionalSelect({0}, {1}, {2})",
    };

    /// <summary>Ops whose operands are lane masks (all of them, or the condition of switch).</summary>
    private static bool TakesMask(string op, int arg) => op is "and" or "or" or "not" || (op == "switch" && arg == 0);

    /// <summary>Ops whose result is a lane mask.</summary>
    private static bool GivesMask(string op) => op is "eq" or "neq" or "lt" or "le" or "gt" or "ge" or "and" or "or" or "not";

    /// <summary>
    /// The float type a kernel's vector path computes in, or null when it has none: every operand
    /// and the result are that type, every op has a vector spelling, and every boolean value is a
    /// mask made by a comparison and read only as one.
    /// </summary>
    public static DType? VectorType(LoopKernel k)
    {
        var t = k.OutType;
        if (t is not (DType.Float32 or DType.Float64)) return null;
        if (k.Operands.Any(o => o.DType != t)) return null;
        var isMask = new bool[k.Body.Count];
        for (int i = 0; i < k.Body.Count; i++)
        {
            switch (k.Body[i])
            {
                case LoadInstr: break;
                case ApplyInstr a:
                    if (!Table.ContainsKey(a.Op.Name)) return null;
                    for (int j = 0; j < a.Args.Length; j++)
                        if (isMask[a.Args[j]] != TakesMask(a.Op.Name, j)) return null;
                    isMask[i] = GivesMask(a.Op.Name);
                    if (isMask[i] ? a.Type != DType.Bool : a.Type != t) return null;
                    if (!isMask[i] && a.Args.Where((_, j) => !TakesMask(a.Op.Name, j)).Any(arg => k.Body[arg].DType != t)) return null;
                    break;
            }
        }
        return isMask[k.Result] ? null : t;
    }

    public static string Spell(ApplyInstr a, string[] args)
    {
        var text = Table[a.Op.Name];
        for (int j = 0; j < args.Length; j++) text = text.Replace("{" + j + "}", args[j]);
        return text;
    }
}
