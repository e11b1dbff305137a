using Symbolic.Ops;

namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>One <c>__global__</c> function of a module: its name (an identifier made from the kernel's position) and its text.</summary>
public sealed record CudaKernelSource(string Name, string Source);

/// <summary>
/// What the CUDA renderer makes of a lowered program: one CUDA C module (compiled once by NVRTC,
/// loaded once) and the host launch plan that runs it.
/// <para>
/// The plan has one entry per step of the kernel plan, in the order they must run (one stream, in
/// order: each step may read what any earlier step wrote). Slots are the schedule's
/// (<see cref="Schedule.Slots"/>): the function's inputs, then the shared variables it reads, then
/// the constants, then one per node. Each slot's value lives on the device as storage plus a
/// layout (<see cref="SlotLayout"/>: shape, strides and offset, in elements). Inputs, shared
/// variables and constants arrive contiguous (strides row-major, offset 0). A step that launches a
/// kernel or calls cuBLAS writes its slot contiguously (row-major, offset 0) into the storage
/// <see cref="Buffers"/> gives it (<see cref="BufferPlan.Storage"/>: a pooled scratch buffer,
/// reused by later steps, or fresh storage that leaves the call); a <see cref="ViewStep"/> writes
/// nothing and only computes its slot's layout over another slot's storage.
/// </para>
/// <para>
/// Shapes come from the schedule's shape pass (<see cref="Schedule.Shapes"/>), run on the host
/// before any step: every slot's shape is known before the first launch, so every argument and
/// grid size below can be computed on the host without reading device memory.
/// </para>
/// </summary>
/// <param name="Source">The whole module, as given to NVRTC: a prelude of helper functions, then every kernel.</param>
/// <param name="Kernels">Every kernel of the module, in the order it appears; a kernel is shared by steps that compute alike.</param>
/// <param name="Steps">The launch plan, in run order.</param>
/// <param name="Buffers">The buffer plan the steps write into (the same one the C# backend uses).</param>
public sealed record CudaModule(string Source, IReadOnlyList<CudaKernelSource> Kernels, IReadOnlyList<LaunchStep> Steps, BufferPlan Buffers)
{
    /// <summary>The schedule the slots belong to.</summary>
    public Schedule Schedule => Buffers.Plan.Schedule;
}

/// <summary>
/// One entry of the launch plan. <see cref="Slot"/> is the slot whose value the step makes (for a
/// <see cref="KernelLaunch"/> that prepares a <see cref="GemmStep"/>, the same slot the gemm then
/// completes). <see cref="Comment"/> says what it computes, for logs and profiles (graph positions
/// and op names only, never a user's name).
/// </summary>
public abstract record LaunchStep(int Slot, string Comment);

/// <summary>
/// Launch kernel <see cref="Kernel"/> of the module with these arguments, in order.
/// <para>
/// Each argument is evaluated on the host per call (<see cref="LaunchArg.Value"/> for the integer
/// ones). Parameter types in the kernel: a <see cref="SlotPointer"/> is a device pointer of the
/// slot's element type (8 bytes); every other argument is a <c>long long</c> (8 bytes), except a
/// <see cref="ScalarArg"/>, which has the C type of its <see cref="ScalarArg.DType"/>
/// (<see cref="CudaTypes.Name"/>; bool is one byte).
/// </para>
/// <para>
/// Launch with <see cref="LaunchGrid.Blocks"/> blocks of <see cref="LaunchGrid.Threads"/> threads,
/// no dynamic shared memory. Where <see cref="LaunchGrid.Blocks"/> is 0 the step has nothing to do
/// (an empty array): skip the launch.
/// </para>
/// </summary>
/// <param name="Zero">When set, zero this step's output (all of its elements) before the launch (a scatter kernel adds into it).</param>
public sealed record KernelLaunch(int Slot, string Comment, string Kernel, IReadOnlyList<LaunchArg> Args, LaunchGrid Grid, bool Zero = false)
    : LaunchStep(Slot, Comment);

/// <summary>
/// A matrix product by cuBLAS (<c>cublasSgemm</c>/<c>cublasDgemm</c>, or their strided-batched or
/// batched forms), row-major: <c>Y = Alpha * A·B + beta * Y</c> where <c>beta</c> is
/// <see cref="Beta"/> when <see cref="Accumulate"/> is set (the previous step, a
/// <see cref="KernelLaunch"/> for the same slot, has written the broadcast <c>c</c> of a gemm node
/// into Y), else 0.
/// <para>
/// Shapes are NumPy's <c>dot</c>/<c>matmul</c>: A and B have rank 1 or more; a rank-1 A is a row
/// (1×k), a rank-1 B a column (k×1); ranks above 2 are batch dimensions that broadcast, aligned on
/// the right. Y (slot <see cref="LaunchStep.Slot"/>) is contiguous. <see cref="GemmLayout.Of"/>
/// turns the run-time layouts of A, B and Y into the column-major cuBLAS call with the transposes
/// folded in (a transposed view is a <c>CUBLAS_OP_T</c>, never a copy); where it returns null, an
/// operand's strides cannot be expressed to cuBLAS (neither of its last two strides is 1): copy
/// that operand to contiguous storage first (any strided copy), then ask again.
/// </para>
/// </summary>
/// <param name="A">The left operand's slot.</param>
/// <param name="B">The right operand's slot.</param>
/// <param name="DType">Float32 or Float64: the type of A, B and Y.</param>
public sealed record GemmStep(int Slot, string Comment, int A, int B, DType DType, GemmScalar Alpha, GemmScalar Beta, bool Accumulate)
    : LaunchStep(Slot, Comment);

/// <summary>
/// A gemm's alpha or beta: the value <see cref="Constant"/> where it is known when rendering, else
/// the single element of rank-0 slot <see cref="Slot"/> (of dtype <see cref="DType"/>), which the
/// executor reads (a copy to the host, or <c>CUBLAS_POINTER_MODE_DEVICE</c> when its dtype is the
/// gemm's) and converts to the gemm's dtype.
/// </summary>
public sealed record GemmScalar(double? Constant, int Slot, DType DType)
{
    public static GemmScalar Of(double value) => new(value, -1, DType.Float64);
}

/// <summary>
/// A slot that reinterprets another slot's storage: no kernel, no copy. <see cref="Layout"/> gives
/// its layout from its base's. A reshape of a view that is not contiguous cannot be a view:
/// <see cref="Layout"/> returns null, and the executor then runs <see cref="Copy"/> (which writes
/// the base's elements in row-major order into fresh contiguous storage of the slot's size and
/// dtype) and gives the slot that storage, offset 0 and row-major strides.
/// </summary>
/// <param name="Base">The slot whose storage it reads (the node's first input).</param>
/// <param name="InputSlots">All of the node's input slots (the base first).</param>
/// <param name="Copy">The fallback copy for a reshape; null for views that are always views.</param>
public sealed record ViewStep(int Slot, string Comment, int Base, IReadOnlyList<int> InputSlots, ViewKind Kind, KernelLaunch? Copy) : LaunchStep(Slot, Comment)
{
    /// <summary>The view's layout from the base's, or null where it must be copied (see <see cref="Copy"/>).</summary>
    /// <param name="base">The base slot's layout.</param>
    /// <param name="shapeOf">Any slot's shape (from the shape pass): the view's own, and for a split part its sibling parts'.</param>
    public SlotLayout? Layout(SlotLayout @base, Func<int, int[]> shapeOf) => Kind.Layout(@base, shapeOf(Slot), InputSlots, shapeOf);
}

/// <summary>
/// Something the device plan does not run: the executor runs it on the host (copy the slots it
/// reads to the host, evaluate, copy the result back into the slot's storage). Only a
/// <see cref="Map"/> (an inner program per index) is planned this way.
/// </summary>
/// <param name="Node">The node to evaluate (its inputs are the node's input slots, <see cref="ScheduleStep.InputSlots"/>).</param>
/// <param name="Reason">Why it is not a kernel.</param>
public sealed record HostStep(int Slot, string Comment, Apply Node, IReadOnlyList<int> InputSlots, string Reason) : LaunchStep(Slot, Comment);

/// <summary>How many blocks of how many threads a <see cref="KernelLaunch"/> takes.</summary>
/// <param name="Work">The number of work items: elements for a grid-stride kernel, rows for a row kernel.</param>
/// <param name="Threads">Threads per block.</param>
/// <param name="PerRow">True: one block per work item (a row, reduced by the block's threads); false: one thread per item.</param>
public sealed record LaunchGrid(LaunchArg Work, int Threads, bool PerRow)
{
    /// <summary>Blocks are capped here: kernels loop (grid-stride) over whatever the grid does not cover.</summary>
    public const int MaxBlocks = 65535;

    /// <summary>The number of blocks for these layouts (0: nothing to do).</summary>
    public long Blocks(Func<int, SlotLayout> layoutOf)
    {
        long n = Work.Value(layoutOf);
        if (n <= 0) return 0;
        return Math.Min(PerRow ? n : (n + Threads - 1) / Threads, MaxBlocks);
    }
}

/// <summary>The run-time layout of a slot's value: shape, strides and offset in elements of its storage.</summary>
public sealed record SlotLayout(int[] Shape, long[] Strides, long Offset)
{
    /// <summary>A contiguous row-major layout of a shape, offset 0.</summary>
    public static SlotLayout Contiguous(int[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return new SlotLayout(shape, strides, 0);
    }

    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>True when the elements lie row-major without gaps (dimensions of size 1 may have any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            long s = 1;
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Strides[d] != s) return false;
                s *= Shape[d];
            }
            return true;
        }
    }
}
