using Symbolic.Ops;

namespace Symbolic.CodeGen;

/// <summary>
/// An array a fused kernel reads: a slot of the schedule, aligned on the kernel's last dimensions
/// (missing leading dimensions and dimensions of size 1 broadcast, with stride 0).
/// </summary>
public sealed record LoopOperand(int Slot, DType DType, int NDim);

/// <summary>One value computed per element of a fused kernel's index space.</summary>
public abstract record LoopInstr(DType DType);

/// <summary>The element of operand <see cref="Operand"/> at the current position.</summary>
public sealed record LoadInstr(int Operand, DType Type) : LoopInstr(Type);

/// <summary>
/// A scalar op applied to earlier values (indexes into the kernel's body), as the node
/// <see cref="Node"/> computes it: operand types are the node's inputs' dtypes, the result its
/// output's. Conversions between them are the renderer's to spell.
/// </summary>
public sealed record ApplyInstr(Apply Node, ScalarOp Op, int[] Args, DType[] ArgTypes, DType Type) : LoopInstr(Type);

/// <summary>
/// The loop IR of one fused elementwise kernel: a straight-line body of loads and scalar ops in
/// SSA form, evaluated at every position of the result's index space (the shape of the root node,
/// of rank <see cref="Rank"/>), whose value <see cref="Result"/> is stored to a contiguous output.
/// How a backend walks the space (dimension merging, vectors, threads, grid-stride loops) is the
/// renderer's; what is computed, from which arrays, is decided here once.
/// </summary>
public sealed record LoopKernel(int Rank, DType OutType, IReadOnlyList<LoopOperand> Operands, IReadOnlyList<LoopInstr> Body, int Result)
{
    /// <summary>Every dtype a value of the body takes, operands included.</summary>
    public IEnumerable<DType> ValueTypes => Body.Select(i => i.DType).Concat(Operands.Select(o => o.DType)).Append(OutType);

    /// <summary>The result as one expression of op names, for comments and reports, each operand named by <paramref name="operand"/> (long subexpressions cut at 160 characters).</summary>
    public string Describe(Func<int, string> operand)
    {
        var text = new string[Body.Count];
        for (int i = 0; i < Body.Count; i++)
        {
            var t = Body[i] switch
            {
                LoadInstr l => operand(l.Operand),
                ApplyInstr a => $"{a.Node.Op.Name}({string.Join(", ", a.Args.Select(x => text[x]))})",
                _ => "?",
            };
            text[i] = t.Length > 160 ? t[..160] + "..." : t;
        }
        return text[Result];
    }
}
