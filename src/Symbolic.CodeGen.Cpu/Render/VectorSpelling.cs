using Symbolic.Ops;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// How C# spells scalar ops over whole vectors (<c>VecF</c> or <c>VecD</c>, of the program's
/// <see cref="VectorWidth"/>): operators where .NET has them, <c>VM</c> (the runtime's vector
/// math, <c>VMath</c> or <c>VMath512</c>, accurate over the whole float range) for the rest. Comparisons give lane masks of
/// the same vector type, which <c>and</c>, <c>or</c>, <c>not</c> and <c>switch</c> consume and
/// arithmetic reads as 1 or 0. An op missing here keeps its kernel on the scalar path.
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
        ["maximum"] = "VM.Max({0}, {1})",
        ["minimum"] = "VM.Min({0}, {1})",
        ["clip"] = "VM.Clip({0}, {1}, {2})",
        ["abs"] = "Vec.Abs({0})",
        ["sign"] = "VM.Sign({0})",
        ["relu"] = "VM.Relu({0})",
        ["floor"] = "Vec.Floor({0})",
        ["ceil"] = "Vec.Ceiling({0})",
        ["sqrt"] = "Vec.Sqrt({0})",
        ["exp"] = "VM.Exp({0})",
        ["log"] = "VM.Log({0})",
        ["log1p"] = "VM.Log1p({0})",
        ["expm1"] = "VM.Expm1({0})",
        ["tanh"] = "VM.Tanh({0})",
        ["sigmoid"] = "VM.Sigmoid({0})",
        ["softplus"] = "VM.Softplus({0})",
        ["sin"] = "VM.Sin({0})",
        ["cos"] = "VM.Cos({0})",
        ["pow"] = "VM.Pow({0}, {1})",
        ["eq"] = "Vec.Equals({0}, {1})",
        ["neq"] = "~Vec.Equals({0}, {1})",
        ["lt"] = "Vec.LessThan({0}, {1})",
        ["le"] = "Vec.LessThanOrEqual({0}, {1})",
        ["gt"] = "Vec.GreaterThan({0}, {1})",
        ["ge"] = "Vec.GreaterThanOrEqual({0}, {1})",
        ["and"] = "{0} & {1}",
        ["or"] = "{0} | {1}",
        ["not"] = "~{0}",
        ["switch"] = "Vec.ConditionalSelect({0}, {1}, {2})",
    };

    /// <summary>Ops whose operands are lane masks (all of them, or the condition of switch).</summary>
    private static bool TakesMask(string op, int arg) => op is "and" or "or" or "not" || (op == "switch" && arg == 0);

    /// <summary>Ops whose result is a lane mask.</summary>
    private static bool GivesMask(string op) => op is "eq" or "neq" or "lt" or "le" or "gt" or "ge" or "and" or "or" or "not";

    /// <summary>
    /// The float type a kernel's vector path computes in, or null when it has none: every operand
    /// and the result are that type, every op has a vector spelling, and every boolean value is a
    /// mask made by a comparison and read as one, or as a number where the op converts it.
    /// </summary>
    public static DType? VectorType(LoopKernel k) => Plan(k, hoist: false)?.Type;

    /// <summary>
    /// A kernel's vector path, or null when it has none. With <paramref name="hoist"/>, scalar
    /// operands of another type than the result's (a mean's count: int64 shape values, as mean's
    /// gradient reads them) do not keep the kernel scalar: the values computed from them alone are
    /// computed once per row, before the vector loop (<see cref="VectorPath.Uniform"/>), then read
    /// as broadcast vectors.
    /// </summary>
    public static VectorPath? Plan(LoopKernel k, bool hoist)
    {
        var t = k.OutType;
        if (t is not (DType.Float32 or DType.Float64)) return null;
        var uniformOperand = new bool[k.Operands.Count];
        for (int j = 0; j < uniformOperand.Length; j++)
            if (k.Operands[j].DType != t)
            {
                if (!hoist || k.Operands[j].NDim != 0) return null;
                uniformOperand[j] = true;
            }
        var uniform = new bool[k.Body.Count];
        var isMask = new bool[k.Body.Count];
        for (int i = 0; i < k.Body.Count; i++)
        {
            switch (k.Body[i])
            {
                case LoadInstr l:
                    uniform[i] = uniformOperand[l.Operand];
                    break;
                case ApplyInstr a:
                    bool allUniform = a.Args.Length > 0;
                    foreach (var x in a.Args) allUniform &= uniform[x];
                    if (allUniform)
                    {
                        uniform[i] = true;
                        break;
                    }
                    if (!Table.ContainsKey(a.Op.Name)) return null;
                    for (int j = 0; j < a.Args.Length; j++)
                    {
                        int x = a.Args[j];
                        bool mask = isMask[x];
                        // A value computed once per row is read as a broadcast vector of the float type.
                        if (uniform[x]) { if (k.Body[x].DType != t || TakesMask(a.Op.Name, j)) return null; }
                        else if (TakesMask(a.Op.Name, j)) { if (!mask) return null; }
                        // A mask where the op reads a number is 1 or 0 of the float type (relu's
                        // gradient, mul(g, gt(x, 0))): spelled (mask & One), see Spell.
                        else if (mask ? a.Op.OperandType(j, a.ArgTypes) != t : k.Body[x].DType != t) return null;
                    }
                    isMask[i] = GivesMask(a.Op.Name);
                    if (isMask[i] ? a.Type != DType.Bool : a.Type != t) return null;
                    break;
            }
        }
        return isMask[k.Result] || uniform[k.Result] ? null : new VectorPath(t, uniformOperand, uniform);
    }

    /// <summary>
    /// The op over vectors <paramref name="args"/>. A mask the op reads as a number becomes 1 or 0
    /// (<c>(m &amp; VecF.One)</c>: a true lane's bits are all ones), as the scalar path converts a bool.
    /// </summary>
    public static string Spell(ApplyInstr a, string[] args)
    {
        var text = Table[a.Op.Name];
        for (int j = 0; j < args.Length; j++)
        {
            var arg = a.ArgTypes[j] == DType.Bool && !TakesMask(a.Op.Name, j)
                ? $"({args[j]} & {VectorWidth.Of(a.Op.OperandType(j, a.ArgTypes))}.One)"
                : args[j];
            text = text.Replace("{" + j + "}", arg);
        }
        return text;
    }
}

/// <summary>
/// A fused kernel's vector path: the float type it computes in; which operands are scalars of
/// another type (hoisted: the vector loop also checks that their stride is 0); which values of the
/// body are computed from those alone, once per row.
/// </summary>
internal sealed record VectorPath(DType Type, bool[] UniformOperands, bool[] Uniform);
