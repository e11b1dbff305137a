namespace Symbolic.CodeGen;

/// <summary>
/// The lowering as text, one step a line: what each kernel computes, which slots it reads, and
/// where its result is stored. Snapshot tests pin fusion and buffer decisions with it, and it reads
/// as a summary of why the generated program looks as it does.
/// </summary>
public static class PlanText
{
    public static string Print(BufferPlan buffers)
    {
        var sb = new System.Text.StringBuilder();
        var plan = buffers.Plan;
        int kernel = 0;
        foreach (var step in plan.Steps)
        {
            int k = step.Slot;
            string where = buffers.Storage[k] switch
            {
                StorageKind.Pooled => $"buffer {buffers.BufferOf[k]}",
                StorageKind.Fresh => "fresh",
                _ => "view",
            };
            string reads = string.Join(" ", step.Reads.Distinct().Select(r => "n" + r));
            switch (step.Kind)
            {
                case PlanKind.View:
                    sb.Append($"       n{k} = {step.Node.Op.Name}({reads})  view\n");
                    break;
                case PlanKind.Fused:
                    var fused = step.Members.Count > 1 ? $" + {string.Join(" ", step.Members.Where(m => m.Slot != k).Select(m => m.Node.Op.Name))}" : "";
                    sb.Append($"K{kernel++,-4}  n{k} = {step.Node.Op.Name}{fused} <- {reads}  [{step.Members.Count} node{(step.Members.Count == 1 ? "" : "s")}, {where}]\n");
                    break;
                case PlanKind.Node when step.Members.Count > 1:
                    var prologue = string.Join(" ", step.Members.Where(m => m.Slot != k).Select(m => m.Node.Op.Name));
                    sb.Append($"K{kernel++,-4} n{k} = {step.Node.Op.Name} of {prologue} <- {reads}  [{step.Members.Count} nodes, {where}]\n");
                    break;
                default:
                    sb.Append($"{(step.Kind == PlanKind.Loop ? "loop " : $"K{kernel++,-4}")} n{k} = {step.Node.Op.Name}({reads})  [{where}]\n");
                    break;
            }
        }
        sb.Append($"{kernel} kernel{(kernel == 1 ? "" : "s")}, {buffers.BufferTypes.Count} scratch buffer{(buffers.BufferTypes.Count == 1 ? "" : "s")} ({string.Join(", ", buffers.BufferTypes.Select(t => t.ShortName()))})\n");
        return sb.ToString();
    }
}
