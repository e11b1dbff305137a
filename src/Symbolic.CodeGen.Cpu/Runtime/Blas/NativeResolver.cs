using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The one <see cref="NativeLibrary.SetDllImportResolver"/> of this assembly. .NET allows a
/// single resolver per assembly, so every binding here registers the handle it probed for under
/// its logical library name (the name its <c>[LibraryImport]</c> declarations use) and this
/// resolver hands the handle back; names nobody registered fall through to the default probing.
/// </summary>
internal static class NativeResolver
{
    private static readonly ConcurrentDictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);

    static NativeResolver() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeResolver).Assembly, Resolve);

    /// <summary>Maps <paramref name="logicalName"/> to an already loaded library for the <c>[LibraryImport]</c> declarations that name it.</summary>
    public static void Register(string logicalName, IntPtr handle) => Handles[logicalName] = handle;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        Handles.TryGetValue(name, out var handle) ? handle : IntPtr.Zero;
}
