using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Symbolic.CodeGen.Cuda.Render;

namespace Symbolic.CodeGen.Cuda.Runtime;

/// <summary>
/// A rendered CUDA module loaded on a device, and the executor of its launch plan. Per call: the
/// shape pass (on the host, before anything runs: shape errors name inputs and nothing is copied),
/// the inputs copied to the device once, shared variables read where they already live on the
/// device (copied there once, the first time), then every plan step in order on the frame's stream
/// (kernel launches with arguments evaluated from the slots' layouts, cuBLAS products, views as
/// stride arithmetic), then the outputs copied back once. Updated values stay on the device: the
/// caller publishes them as the shared variables' device copies.
/// </summary>
public sealed class CudaProgram : IDisposable
{
    private readonly CudaModuleImage image;
    private readonly DeviceBuffer[] constants;
    private readonly ConcurrentBag<DeviceFrame> frames = new();
    private readonly int outputCount;
    private readonly bool[] perCall;
    private readonly int[] slotDTypeSize;
    private readonly DType[] slotDType;
    private readonly List<DeviceBuffer> spare = new();
    private readonly int spareLimit;
    private readonly bool checksIndices;
    private int disposed;

    /// <param name="device">Where it runs.</param>
    /// <param name="module">The renderer's module and launch plan.</param>
    /// <param name="ptx">The module compiled by NVRTC.</param>
    /// <param name="outputCount">How many of the schedule's outputs the caller receives; the rest are updates' values, which stay on the device.</param>
    public CudaProgram(CudaDevice device, CudaModule module, string ptx, int outputCount)
    {
        Device = device;
        Module = module;
        this.outputCount = outputCount;
        var schedule = module.Schedule;
        slotDType = schedule.Slots.Select(v => v.DType).ToArray();
        slotDTypeSize = slotDType.Select(CudaDevice.ElementSize).ToArray();
        // Storage whose value becomes an update: new each call, since the shared variable keeps it.
        perCall = new bool[schedule.Slots.Count];
        var baseOf = Enumerable.Range(0, schedule.Slots.Count).ToArray();
        foreach (var step in module.Steps)
            if (step is ViewStep v) baseOf[v.Slot] = baseOf[v.Base];
        foreach (var slot in schedule.OutputSlots.Skip(outputCount)) perCall[baseOf[slot]] = true;
        spareLimit = 2 * (schedule.OutputSlots.Count - outputCount);
        checksIndices = module.Steps.Select(s => s as KernelLaunch ?? (s as ViewStep)?.Copy).Any(k => k is not null && k.Args.Any(a => a is ErrorFlag));
        image = device.LoadModule(ptx);
        try
        {
            constants = schedule.Constants.Select(c => device.Upload(c.Value)).ToArray();
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    public CudaDevice Device { get; }

    public CudaModule Module { get; }

    public Schedule Schedule => Module.Schedule;

    /// <summary>
    /// Every slot's shape, from the explicit inputs' arrays and the shared variables' states (a
    /// host value, or the shape of the device copy; an integer scalar's value is read where the
    /// shape pass needs it).
    /// </summary>
    internal int[][] Shapes(IReadOnlyList<NDArray> args, IReadOnlyList<(NDArray? Host, ResidentValue? Resident)> shared)
    {
        var shapes = new int[args.Count + shared.Count][];
        for (int i = 0; i < args.Count; i++) shapes[i] = args[i].Shape;
        for (int j = 0; j < shared.Count; j++) shapes[args.Count + j] = shared[j].Host?.Shape ?? shared[j].Resident!.Shape;
        return Schedule.Shapes.Run(shapes, i =>
        {
            var value = i < args.Count ? args[i] : shared[i - args.Count].Host ?? shared[i - args.Count].Resident!.Download();
            return value.Size == 1 ? (long)value.GetDouble(0) : null;
        });
    }

    /// <summary>
    /// Runs one call. <paramref name="shared"/> holds, in the schedule's order of shared inputs,
    /// each variable and its state as read (device copies acquired by the caller, who releases
    /// them); a host value with no device copy is copied to the device and offered to the variable
    /// as its device copy. Returns the outputs (on the host) and the updates' values (on the
    /// device), in the schedule's order.
    /// </summary>
    internal (NDArray[] Outputs, ResidentValue[] Updates) Run(IReadOnlyList<NDArray> args,
        IReadOnlyList<(SharedVariable Variable, NDArray? Host, ResidentValue? Resident)> shared, int[][] shapes)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        Device.MakeCurrent();
        if (!frames.TryTake(out var f)) f = new DeviceFrame(Device, Schedule.Slots.Count, Module.Buffers.BufferTypes.Count);
        bool healthy = false;
        var updates = new List<ResidentValue>();
        try
        {
            BindInputs(f, args, shared, shapes);
            if (checksIndices) f.Stream.Zero(f.ErrorFlag(Device).Pointer, sizeof(int));
            foreach (var step in Module.Steps) Execute(f, step, shapes);
            f.Stream.Synchronize();
            if (checksIndices)
            {
                var flag = new int[1];
                f.ErrorFlag(Device).CopyTo(flag, 0, 1, f.Stream);
                if (flag[0] != 0)
                    throw new IndexOutOfRangeException($"An index given to take (or its gradient) is out of range in dimension {flag[0] - 1} of the array it indexes; nothing was updated.");
            }
            var outputs = new NDArray[outputCount];
            for (int i = 0; i < outputCount; i++)
            {
                int k = Schedule.OutputSlots[i];
                outputs[i] = NDArray.Wrap(DeviceTransfer.ToHost(Device, f.Stream, f.Pointer[k], f.Layout[k], slotDType[k]), shapes[k]);
            }
            for (int j = outputCount; j < Schedule.OutputSlots.Count; j++) updates.Add(Keep(f, Schedule.OutputSlots[j], shapes));
            f.Stream.Synchronize();
            healthy = true;
            return (outputs, updates.ToArray());
        }
        catch
        {
            foreach (var u in updates) u.Dispose();
            throw;
        }
        finally
        {
            f.EndCall();
            // A frame whose call failed may hold a stream in an error state: drop it.
            if (healthy && Volatile.Read(ref disposed) == 0 && frames.Count < Environment.ProcessorCount) frames.Add(f);
            else f.Dispose();
        }
    }

    private void BindInputs(DeviceFrame f, IReadOnlyList<NDArray> args, IReadOnlyList<(SharedVariable Variable, NDArray? Host, ResidentValue? Resident)> shared, int[][] shapes)
    {
        for (int i = 0; i < args.Count; i++)
        {
            var b = DeviceFrame.Ensure(f.Kept, i, Device, args[i].DType, args[i].Size);
            b.CopyFrom(args[i].Buffer, f.Stream);
            Bind(f, i, b.Pointer, shapes);
        }
        for (int j = 0; j < shared.Count; j++)
        {
            int slot = args.Count + j;
            var (variable, host, resident) = shared[j];
            if (resident is DeviceResident d && ReferenceEquals(d.Buffer.Device, Device))
            {
                Bind(f, slot, d.Buffer.Pointer, shapes);
                continue;
            }
            var copy = Device.Upload(host ?? resident!.Download());
            var kept = new DeviceResident(copy, shapes[slot]);
            kept.Acquire();
            f.Held.Add(kept);
            // Offered to the variable, which keeps it if the value is still current; either way this call holds it.
            if (host is null || !variable.TryAttachResident(host, kept)) f.Temporary.Add(copy);
            Bind(f, slot, copy.Pointer, shapes);
        }
        int at = args.Count + shared.Count;
        for (int c = 0; c < constants.Length; c++, at++) Bind(f, at, constants[c].Pointer, shapes);
    }

    private static void Bind(DeviceFrame f, int slot, ulong pointer, int[][] shapes)
    {
        f.Pointer[slot] = pointer;
        f.Layout[slot] = SlotLayout.Contiguous(shapes[slot]);
        f.Written[slot] = true;
    }

    /// <summary>Gives a step's slot contiguous storage for its shape (once per call), as the buffer plan says.</summary>
    private void Allocate(DeviceFrame f, int slot, int[][] shapes)
    {
        if (f.Written[slot]) return;
        long count = NDArray.ShapeSize(shapes[slot]);
        var dtype = slotDType[slot];
        DeviceBuffer b;
        if (perCall[slot])
        {
            b = TakeSpare(dtype, Math.Max(count, 1)) ?? Device.Allocate(dtype, Math.Max(count, 1));
            f.Temporary.Add(b);
        }
        else if (Module.Buffers.Storage[slot] == StorageKind.Pooled && Module.Buffers.BufferOf[slot] is >= 0 and var buffer)
            b = DeviceFrame.Ensure(f.Scratch, buffer, Device, dtype, count);
        else
            b = DeviceFrame.Ensure(f.Kept, slot, Device, dtype, count);
        Bind(f, slot, b.Pointer, shapes);
    }

    private void Execute(DeviceFrame f, LaunchStep step, int[][] shapes)
    {
        switch (step)
        {
            case KernelLaunch k:
                Allocate(f, k.Slot, shapes);
                Launch(f, k);
                break;
            case GemmStep g:
                Allocate(f, g.Slot, shapes);
                Gemm(f, g, shapes);
                break;
            case ViewStep v:
                if (v.Layout(f.Layout[v.Base], s => shapes[s]) is { } layout)
                {
                    f.Pointer[v.Slot] = f.Pointer[v.Base];
                    f.Layout[v.Slot] = layout;
                    f.Written[v.Slot] = true;
                }
                else
                {
                    Allocate(f, v.Slot, shapes);
                    Launch(f, v.Copy ?? throw new InvalidOperationException($"Step {v.Comment}: the view cannot be made and the plan gives no copy."));
                }
                break;
            case HostStep h:
                Allocate(f, h.Slot, shapes);
                RunOnHost(f, h, shapes);
                break;
            default:
                throw new NotSupportedException($"The CUDA executor does not know plan steps of kind {step.GetType().Name}.");
        }
    }

    private void Launch(DeviceFrame f, KernelLaunch k)
    {
        Func<int, SlotLayout> layoutOf = s => f.Layout[s];
        if (k.Zero) f.Stream.Zero(f.Pointer[k.Slot], f.Layout[k.Slot].Count * slotDTypeSize[k.Slot]);
        long blocks = k.Grid.Blocks(layoutOf);
        if (blocks == 0) return;
        Span<long> cells = k.Args.Count <= 64 ? stackalloc long[k.Args.Count] : new long[k.Args.Count];
        for (int i = 0; i < cells.Length; i++) cells[i] = Argument(f, k.Args[i], layoutOf);
        image.Launch(k.Kernel, blocks, k.Grid.Threads, cells, f.Stream);
    }

    /// <summary>One kernel argument in its 8-byte cell: a device address, a long long, or a scalar of its C type at the start of the cell.</summary>
    private long Argument(DeviceFrame f, LaunchArg arg, Func<int, SlotLayout> layoutOf)
    {
        switch (arg)
        {
            case SlotPointer p:
                return (long)(f.Pointer[p.Slot] + (ulong)(f.Layout[p.Slot].Offset * slotDTypeSize[p.Slot]));
            case ErrorFlag:
                return (long)f.ErrorFlag(Device).Pointer;
            case ScalarArg s:
                long cell = 0;
                var bytes = MemoryMarshal.AsBytes(new Span<long>(ref cell));
                switch (s.DType)
                {
                    case DType.Float32: MemoryMarshal.Write(bytes, (float)s.Constant); break;
                    case DType.Float64: MemoryMarshal.Write(bytes, s.Constant); break;
                    case DType.Int32: MemoryMarshal.Write(bytes, (int)s.Constant); break;
                    case DType.Int64: MemoryMarshal.Write(bytes, (long)s.Constant); break;
                    case DType.Bool: bytes[0] = s.Constant != 0 ? (byte)1 : (byte)0; break;
                }
                return cell;
            default:
                return arg.Value(layoutOf);
        }
    }

    private void Gemm(DeviceFrame f, GemmStep g, int[][] shapes)
    {
        var layout = GemmLayout.Of(f.Layout[g.A], f.Layout[g.B], f.Layout[g.Slot]);
        var (a, b) = (g.A, g.B);
        if (layout is null)
        {
            // An operand cuBLAS cannot read as it lies: a contiguous copy of it (rare: a view with no unit stride).
            a = Contiguous(f, g.A, shapes);
            layout = GemmLayout.Of(f.Layout[a], f.Layout[g.B], f.Layout[g.Slot]);
            if (layout is null)
            {
                b = Contiguous(f, g.B, shapes);
                layout = GemmLayout.Of(f.Layout[a], f.Layout[b], f.Layout[g.Slot]);
            }
            if (layout is null) throw new InvalidOperationException($"Step {g.Comment}: cuBLAS cannot read the operands even when contiguous.");
        }
        double alpha = Scalar(f, g.Alpha), beta = g.Accumulate ? Scalar(f, g.Beta) : 0;
        int size = CudaDevice.ElementSize(g.DType);
        ulong first = Address(f, b, size), second = Address(f, a, size), result = f.Pointer[g.Slot];
        var blas = f.Blas;
        if (layout.BatchCount == 0 || layout.M == 0 || layout.N == 0) return;
        if (layout.BatchCount == 1 || layout.Uniform)
        {
            var (sf, ss, sr) = layout.Strides;
            ulong o(long e) => (ulong)(e * size);
            blas.Gemm(g.DType, layout.TransFirst, layout.TransSecond, layout.M, layout.N, layout.K, alpha,
                first + o(layout.FirstOffsets[0]), layout.LdFirst, sf, second + o(layout.SecondOffsets[0]), layout.LdSecond, ss,
                beta, result + o(layout.ResultOffsets[0]), layout.LdResult, sr, layout.BatchCount);
        }
        else
            for (int i = 0; i < layout.BatchCount; i++)
                blas.Gemm(g.DType, layout.TransFirst, layout.TransSecond, layout.M, layout.N, layout.K, alpha,
                    first + (ulong)(layout.FirstOffsets[i] * size), layout.LdFirst, 0, second + (ulong)(layout.SecondOffsets[i] * size), layout.LdSecond, 0,
                    beta, result + (ulong)(layout.ResultOffsets[i] * size), layout.LdResult, 0);
    }

    private static ulong Address(DeviceFrame f, int slot, int size) => f.Pointer[slot] + (ulong)(f.Layout[slot].Offset * size);

    /// <summary>A gemm's alpha or beta: the plan's constant, or the element of a rank-0 slot read back from the device.</summary>
    private double Scalar(DeviceFrame f, GemmScalar s)
    {
        if (s.Constant is { } c) return c;
        var host = DeviceTransfer.ToHost(Device, f.Stream, f.Pointer[s.Slot], f.Layout[s.Slot], s.DType);
        return NDArray.Wrap(host, []).GetDouble(0);
    }

    /// <summary>A contiguous copy of a slot in a one-off slot-sized buffer (through the host: only for layouts cuBLAS cannot read); returns the slot, now rebound.</summary>
    private int Contiguous(DeviceFrame f, int slot, int[][] shapes)
    {
        var host = DeviceTransfer.ToHost(Device, f.Stream, f.Pointer[slot], f.Layout[slot], slotDType[slot]);
        var copy = Device.Allocate(slotDType[slot], Math.Max(host.Length, 1));
        f.Temporary.Add(copy);
        copy.CopyFrom(host, f.Stream);
        f.Pointer[slot] = copy.Pointer;
        f.Layout[slot] = SlotLayout.Contiguous(shapes[slot]);
        return slot;
    }

    /// <summary>A step the device plan does not run (a Map): its inputs to the host, the reference evaluation, the result back.</summary>
    private void RunOnHost(DeviceFrame f, HostStep h, int[][] shapes)
    {
        var bound = new List<(Variable, NDArray)>();
        for (int i = 0; i < h.InputSlots.Count; i++)
        {
            int s = h.InputSlots[i];
            var input = h.Node.Inputs[i];
            if (input is Constant) continue;
            bound.Add((input, NDArray.Wrap(DeviceTransfer.ToHost(Device, f.Stream, f.Pointer[s], f.Layout[s], slotDType[s]), shapes[s])));
        }
        var value = Interpreter.Evaluate(h.Node.Output, bound.ToArray());
        if (value.DType != slotDType[h.Slot]) throw new InvalidOperationException($"Step {h.Comment}: the host evaluation gave {value.DType}, the slot holds {slotDType[h.Slot]}.");
        unsafe
        {
            long bytes = (long)value.Size * slotDTypeSize[h.Slot];
            if (bytes == 0) return;
            fixed (byte* p = &CudaDevice.Data(value.Buffer))
                Native.CudaDriver.Check(Native.CudaDriver.cuMemcpyHtoDAsync(f.Pointer[h.Slot], p, (nuint)bytes, f.Stream.Handle), "cuMemcpyHtoDAsync_v2");
            Device.CountUpload();
        }
    }

    /// <summary>An update's value as a device copy the shared variable can keep: this call's own storage where it is exactly that, else a copy.</summary>
    private ResidentValue Keep(DeviceFrame f, int slot, int[][] shapes)
    {
        var layout = f.Layout[slot];
        long count = layout.Count;
        var owner = f.Temporary.Find(t => t.Pointer == f.Pointer[slot]);
        if (owner is not null && layout.IsContiguous && layout.Offset == 0 && owner.Count == Math.Max(count, 1))
        {
            f.Temporary.Remove(owner);
            return new DeviceResident(owner, shapes[slot], Recycle);
        }
        var copy = Device.Allocate(slotDType[slot], Math.Max(count, 1));
        try
        {
            if (layout.IsContiguous)
                f.Stream.Copy(copy.Pointer, f.Pointer[slot] + (ulong)(layout.Offset * slotDTypeSize[slot]), count * slotDTypeSize[slot]);
            else
                copy.CopyFrom(DeviceTransfer.ToHost(Device, f.Stream, f.Pointer[slot], layout, slotDType[slot]), f.Stream);
        }
        catch
        {
            copy.Dispose();
            throw;
        }
        return new DeviceResident(copy, shapes[slot], Recycle);
    }

    /// <summary>A buffer an earlier update's value no longer needs, of exactly this size, or null.</summary>
    private DeviceBuffer? TakeSpare(DType dtype, long count)
    {
        lock (spare)
        {
            int at = spare.FindIndex(b => b.DType == dtype && b.Count == count);
            if (at < 0) return null;
            var b = spare[at];
            spare.RemoveAt(at);
            return b;
        }
    }

    /// <summary>Takes back the buffer of a device copy that no variable and no call holds any more.</summary>
    private void Recycle(DeviceBuffer b)
    {
        lock (spare)
        {
            if (Volatile.Read(ref disposed) == 0 && spare.Count < spareLimit)
            {
                spare.Add(b);
                return;
            }
        }
        b.Dispose();
    }

    /// <summary>Frees the module, the constants and every pooled frame's device memory.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        while (frames.TryTake(out var f)) f.Dispose();
        lock (spare)
        {
            foreach (var b in spare) b.Dispose();
            spare.Clear();
        }
        foreach (var c in constants) c.Dispose();
        image.Dispose();
    }
}
