using Symbolic.Ops;

namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>Kernels of the ops the specialize phase forms: each calls its runtime routine.</summary>
internal static class SpecializedKernel
{
    public static bool Handles(Op op) => op is Gemm or SoftmaxOp;

    public static void Render(CodeWriter w, Apply node)
    {
        switch (node.Op)
        {
            case Gemm:
                w.Line("Specialized.GemmInto(y, a0, o0, t0, sh0, a1[o1], a2, o2, t2, sh2, a3, o3, t3, sh3, a4[o4], sh);");
                break;
            case SoftmaxOp s:
                w.Line($"RowSoftmax.Into(y, a0, o0, t0, sh0, {s.Axis});");
                break;
        }
    }
}
