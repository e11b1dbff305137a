using System.Reflection;
using System.Runtime.Loader;

namespace Symbolic.CodeGen.Cpu.Compile;

/// <summary>
/// A compiled program loaded into a collectible load context of its own, and its entry delegate.
/// <see cref="Unload"/> lets the context go; the runtime frees it only once nothing references its
/// code, so a delegate still held (by a Function) keeps it alive and working.
/// </summary>
internal sealed class LoadedProgram
{
    /// <summary>The generated program's class (namespace included).</summary>
    public const string TypeName = "Symbolic.Generated." + Render.CSharpRenderer.ClassName;

    /// <summary>The generated program's entry method, public and static, with the signature of <see cref="ProgramEntry"/>.</summary>
    public const string EntryName = "Run";

    private int unloaded;

    private LoadedProgram(AssemblyLoadContext context, ProgramEntry entry)
    {
        Context = context;
        Entry = entry;
    }

    public AssemblyLoadContext Context { get; }

    public ProgramEntry Entry { get; }

    /// <summary>Loads a compiled assembly's bytes; raises (after letting the context go) where they are not a program.</summary>
    public static LoadedProgram Load(byte[] image, string name)
    {
        var context = new AssemblyLoadContext(name, isCollectible: true);
        try
        {
            using var stream = new MemoryStream(image, writable: false);
            var assembly = context.LoadFromStream(stream);
            var type = ProgramClass(assembly)
                ?? throw new InvalidOperationException($"The compiled program has no class {TypeName}.");
            var run = type.GetMethod(EntryName, BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"The compiled program has no public static {TypeName}.{EntryName}.");
            return new LoadedProgram(context, run.CreateDelegate<ProgramEntry>());
        }
        catch
        {
            context.Unload();
            throw;
        }
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
