using System.Reflection;
using System.Runtime.Loader;
using Symbolic.CodeGen.Cpu.Runtime;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// A compiled program loaded into a collectible load context of its own, and its entry delegate.
/// <see cref="Unload"/> lets the context go; the runtime frees it only once nothing references its
/// code, so a delegate still held (by a Function) keeps it alive and working. A program linked to
/// kernels compiled in other programs (<see cref="Links"/>) holds those programs, and their kernels'
/// methods, in a static field of its own: their contexts stay loaded while it can call into them.
/// </summary>
internal sealed class LoadedProgram
{
    /// <summary>The generated program's class (namespace included).</summary>
    public const string TypeName = "Symbolic.Generated." + Render.CSharpRenderer.ClassName;

    /// <summary>The generated program's entry method, public and static, with the signature of <see cref="ProgramEntry"/>.</summary>
    public const string EntryName = "Run";

    private int unloaded;

    private LoadedProgram(AssemblyLoadContext context, Type program, ProgramEntry entry, string key, IReadOnlyList<Link> links)
    {
        Context = context;
        Program = program;
        Entry = entry;
        Key = key;
        Links = links;
    }

    public AssemblyLoadContext Context { get; }

    /// <summary>The program's class, whose nested classes <c>G0</c>, <c>G1</c>, ... hold its kernels.</summary>
    public Type Program { get; }

    public ProgramEntry Entry { get; }

    /// <summary>The program's cache key (<see cref="CompilerStamp.KeyOf"/> of its whole source).</summary>
    public string Key { get; }

    /// <summary>The kernel classes of this program that call a kernel compiled in another program, in kernel order.</summary>
    public IReadOnlyList<Link> Links { get; }

    /// <summary>
    /// Loads a compiled assembly's bytes and, for a linked program, hands its <c>Link</c> method the
    /// entries of the kernels <paramref name="links"/> name; raises (after letting the context go)
    /// where the bytes are not a program or a kernel is not where a link says.
    /// </summary>
    public static LoadedProgram Load(byte[] image, string name, string key, IReadOnlyList<Link>? links = null)
    {
        links ??= [];
        var context = new AssemblyLoadContext(name, isCollectible: true);
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            var assembly = context.LoadFromStream(stream);
            var type = ProgramClass(assembly)
                ?? throw new InvalidOperationException($"The compiled program has no class {TypeName}.");
            var run = type.GetMethod(EntryName, BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"The compiled program has no public static {TypeName}.{EntryName}.");
            var methods = new MethodInfo[links.Count];
            if (links.Count > 0)
            {
                var pointers = new nint[links.Count];
                for (int i = 0; i < links.Count; i++)
                {
                    methods[i] = links[i].Site.Entry();
                    pointers[i] = methods[i].MethodHandle.GetFunctionPointer();
                }
                var link = type.GetMethod(Render.CSharpRenderer.LinkName, BindingFlags.Public | BindingFlags.Static)
                    ?? throw new InvalidOperationException($"The linked program has no public static {TypeName}.{Render.CSharpRenderer.LinkName}.");
                // The program keeps what it calls into in a static field: code in a collectible
                // context keeps alive what its statics reference, so the contexts holding the linked
                // kernels unload only after this one, however the Function holding it is kept.
                link.CreateDelegate<Action<nint[], object>>()(pointers, new object[] { links.ToArray(), methods });
            }
            return new LoadedProgram(context, type, run.CreateDelegate<ProgramEntry>(), key, links);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    /// <summary>The entry (<c>K(Frame f, int k, int b, ...)</c>) of the kernel compiled in class <paramref name="className"/>; raises where there is none.</summary>
    public MethodInfo KernelEntry(string className, string method)
    {
        var nested = Program.GetNestedType(className, BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"The program {Key[..16]} has no kernel class {className}.");
        foreach (var m in nested.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
            if (m.Name == method && m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(Frame) && m.ReturnType == typeof(void))
                return m;
        throw new InvalidOperationException($"The program {Key[..16]} has no kernel entry {className}.{method}.");
    }

    /// <summary>
    /// The program's class, found among the public types by full name: <c>Assembly.GetType(string)</c>
    /// would parse the name, whose parser a fresh process JIT-compiles first.
    /// </summary>
    private static Type? ProgramClass(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes())
            if (type.FullName == TypeName) return type;
        return null;
    }

    /// <summary>Lets the load context go (once); code still referenced stays alive until it is not.</summary>
    public void Unload()
    {
        if (Interlocked.Exchange(ref unloaded, 1) == 0) Context.Unload();
    }
}

/// <summary>Where a compiled kernel lives: its class and entry method in a loaded program.</summary>
internal sealed record KernelSite(LoadedProgram Program, string Class, string Method)
{
    public MethodInfo Entry() => Program.KernelEntry(Class, Method);
}

/// <summary>A kernel class of a linked program (<c>G3</c>) and the compiled kernel its entry calls.</summary>
internal sealed record Link(string Class, KernelSite Site);
