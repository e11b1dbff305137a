namespace Symbolic.CodeGen.Cuda.Render;

/// <summary>A kernel's parameters and, beside each, the launch argument that fills it: the two lists stay in step by construction.</summary>
internal sealed class KernelSignature
{
    private readonly List<string> parameters = [];
    private readonly List<LaunchArg> args = [];

    public IReadOnlyList<LaunchArg> Args => args;

    /// <summary>A pointer to a slot's first element.</summary>
    public string Pointer(string name, DType type, int slot, bool readOnly)
    {
        parameters.Add($"{(readOnly ? "const " : "")}{CudaTypes.Name(type)}* {name}");
        args.Add(new SlotPointer(slot));
        return name;
    }

    /// <summary>A <c>long long</c> computed on the host.</summary>
    public string Long(string name, LaunchArg arg)
    {
        parameters.Add($"long long {name}");
        args.Add(arg);
        return name;
    }

    /// <summary>The call's error word (<see cref="ErrorFlag"/>).</summary>
    public string Error()
    {
        parameters.Add("int* error");
        args.Add(new ErrorFlag());
        return "error";
    }

    /// <summary>The kernel's declaration, one parameter a line.</summary>
    public string Declaration(string name) =>
        $"extern \"C\" __global__ void __launch_bounds__({CudaPrelude.BlockSize}) {name}(\n    {string.Join(",\n    ", parameters)})";
}

/// <summary>A kernel as rendered for one step, before it gets its name: its text (with <see cref="CudaRenderer.Placeholder"/> for the name), arguments and grid.</summary>
internal sealed record KernelDraft(string Text, IReadOnlyList<LaunchArg> Args, LaunchGrid Grid, bool Zero = false);
