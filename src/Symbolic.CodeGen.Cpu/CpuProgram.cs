using Symbolic.CodeGen.Cpu.Compile;
using Symbolic.CodeGen.Cpu.Render;
using Symbolic.CodeGen.Cpu.Runtime;
using Symbolic.Ops;
using Symbolic.Rewrite.Schedule;

namespace Symbolic.CodeGen.Cpu;

/// <summary>
/// A schedule rendered to C#, compiled, and ready to run: the shape pass first (every node's shape
/// from the inputs', raising errors that name the operands before any kernel runs), then the
/// generated code.
/// </summary>
public sealed class CpuProgram
{
    private readonly ProgramEntry entry;
    private readonly Array[] constants;
    private readonly SubProgram[] maps;

    private CpuProgram(Schedule schedule, RenderedProgram rendered, ProgramEntry entry, SubProgram[] maps)
    {
        Schedule = schedule;
        Rendered = rendered;
        this.entry = entry;
        this.maps = maps;
        constants = schedule.Constants.Select(c => c.Value.Buffer).ToArray();
    }

    public Schedule Schedule { get; }

    public RenderedProgram Rendered { get; }

    public string Source => Rendered.Source;

    /// <summary>Renders without compiling.</summary>
    public static RenderedProgram Render(Schedule schedule) => CSharpRenderer.Render(schedule);

    public static CpuProgram Compile(Schedule schedule)
    {
        var rendered = CSharpRenderer.Render(schedule);
        var entry = RoslynCompiler.Load(rendered.Source);
        var maps = rendered.MapNodes.Select(n => (SubProgram)new MapRunner((Map)n.Op)).ToArray();
        return new CpuProgram(schedule, rendered, entry, maps);
    }

    /// <summary>Every slot's shape for these input values (same order as <see cref="Schedule.Inputs"/>), raising <see cref="ShapeMismatchException"/> where they do not fit.</summary>
    public int[][] Shapes(IReadOnlyList<NDArray> inputs) => Schedule.Shapes.Run(inputs);

    /// <summary>Runs the program on input values (in <see cref="Schedule.Inputs"/> order), returning the outputs.</summary>
    public NDArray[] Run(IReadOnlyList<NDArray> inputs) => Run(inputs, Shapes(inputs));

    /// <summary>Runs with the shapes <see cref="Shapes"/> gave for these inputs.</summary>
    public NDArray[] Run(IReadOnlyList<NDArray> inputs, int[][] shapes)
    {
        var outputs = new Array[Schedule.Outputs.Count];
        entry(inputs.Select(a => a.Buffer).ToArray(), constants, shapes, outputs, maps);
        return outputs.Select((o, i) => NDArray.Wrap(o, shapes[Schedule.SlotOf(Schedule.Outputs[i])])).ToArray();
    }

    /// <summary>Runs a Map's body, compiled as a program of its own, once per index.</summary>
    private sealed class MapRunner : SubProgram
    {
        private readonly Lazy<CpuProgram> body;

        public MapRunner(Map map)
        {
            body = new(() => Compile(new Schedule([map.Index, .. map.Captured], [map.Body])));
        }

        public override T[] Run<T>(int[] outShape, Array[] captured, int[][] capturedShapes)
        {
            var program = body.Value;
            var result = new T[Rt.Size(outShape)];
            int n = outShape[0];
            int block = n == 0 ? 0 : result.Length / n;
            var args = new NDArray[captured.Length + 1];
            for (int c = 0; c < captured.Length; c++) args[c + 1] = NDArray.Wrap(captured[c], capturedShapes[c]);
            for (int i = 0; i < n; i++)
            {
                args[0] = NDArray.Scalar(i, DType.Int64);
                var r = (T[])program.Run(args)[0].Buffer;
                Array.Copy(r, 0, result, i * block, block);
            }
            return result;
        }
    }
}
