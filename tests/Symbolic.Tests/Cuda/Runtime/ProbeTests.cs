using System.Reflection;
using System.Runtime.InteropServices;
using Symbolic.CodeGen.Cuda;
using Symbolic.CodeGen.Cuda.Native;

namespace Symbolic.Tests.Cuda.Runtime;

/// <summary>The probe, the bindings and the errors, on machines with or without the driver library (and, here, without a device).</summary>
public class ProbeTests
{
    [Fact]
    public void CompileForCudaWithoutADeviceSaysWhatWasLookedFor()
    {
        var probe = CudaProbe.Result;
        if (probe.Available) Assert.Skip($"A CUDA device answers ({probe.DeviceCount}): the no-device path cannot be seen here.");
        var x = T.Vector("x");
        var e = Assert.Throws<DeviceUnavailableException>(() => Function.Compile([x], [x * 2], options: new CompileOptions { Device = Device.Cuda }));
        Assert.Equal(probe.Problem, e.Message);
        if (!CudaLibraries.IsAvailable(CudaLibraries.Driver))
        {
            // No driver library: every name and folder tried is listed.
            Assert.Null(probe.Library);
            foreach (var name in CudaLibraries.Candidates(CudaLibraries.Driver)) Assert.Contains(name, e.Message);
            foreach (var folder in CudaLibraries.Folders()) Assert.Contains(folder, e.Message);
        }
        else if (probe.InitResult is { } r && r != 0)
        {
            // The driver is there (Debian's libcuda1 on a machine without a GPU): cuInit's error by name and code.
            Assert.NotNull(probe.Library);
            Assert.Contains(probe.Library!, e.Message);
            Assert.Contains("cuInit", e.Message);
            Assert.Contains($"({r})", e.Message);
            if (r == 100) Assert.Contains("CUDA_ERROR_NO_DEVICE", e.Message);
        }
        else Assert.Contains("no devices", e.Message);
    }

    [Fact]
    public void ProbeResultIsConsistent()
    {
        var p = CudaProbe.Result;
        Assert.Equal(p.Problem is null, p.Available);
        Assert.Equal(p.Available, p.DeviceCount > 0);
        Assert.Equal(p.Library is not null, CudaLibraries.IsAvailable(CudaLibraries.Driver));
        Assert.Same(p, CudaProbe.Result);
    }

    /// <summary>Every driver entry point the runtime imports is exported by the driver library found here (so no call fails with EntryPointNotFound on a GPU machine).</summary>
    [Fact]
    public void EveryDriverImportIsExported() => EveryImportIsExported(typeof(CudaDriver), CudaLibraries.Driver);

    [Fact]
    public void EveryCublasImportIsExported() => EveryImportIsExported(typeof(Cublas), CudaLibraries.Cublas);

    private static void EveryImportIsExported(Type bindings, string library)
    {
        var imports = bindings.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(m => (Method: m, Import: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(p => p.Import is not null)
            .Select(p => p.Import!.EntryPoint ?? p.Method.Name)
            .ToArray();
        Assert.NotEmpty(imports);
        var (handle, name) = CudaLibraries.TryLoad(library);
        if (handle == 0) Assert.Skip($"{library}: {CudaLibraries.NotFound(library)}.");
        var missing = imports.Where(e => !NativeLibrary.TryGetExport(handle, e, out _)).ToArray();
        Assert.True(missing.Length == 0, $"{name} does not export {string.Join(", ", missing)}.");
    }

    [Fact]
    public void CudaErrorsNameTheCallTheErrorAndItsCode()
    {
        var e = CudaException.FromDriver(2, "cuMemAlloc_v2");
        Assert.Equal("cuMemAlloc_v2", e.Call);
        Assert.Equal(2, e.Code);
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.ErrorName);
        Assert.StartsWith("cuMemAlloc_v2 failed with CUDA_ERROR_OUT_OF_MEMORY (2)", e.Message);
        if (CudaLibraries.IsAvailable(CudaLibraries.Driver)) Assert.False(string.IsNullOrEmpty(e.ErrorText)); // cuGetErrorString answers without a device
        var jit = CudaException.FromDriver(218, "cuModuleLoadDataEx", "JIT error log: ptxas fatal");
        Assert.Equal("CUDA_ERROR_INVALID_PTX", jit.ErrorName);
        Assert.Contains("ptxas fatal", jit.Message);
        var blas = Assert.Throws<CudaException>(() => Cublas.Check(7, "cublasSgemm_v2"));
        Assert.Equal("CUBLAS_STATUS_INVALID_VALUE", blas.ErrorName);
        Assert.Contains("cublasSgemm_v2 failed with CUBLAS_STATUS_INVALID_VALUE (7)", blas.Message);
        CudaDriver.Check(0, "cuInit"); // success raises nothing
        Cublas.Check(0, "cublasCreate_v2");
    }

    [Fact]
    public void DeviceMemoryCallsFailCleanlyWithoutADevice()
    {
        if (CudaProbe.Result.Available || !CudaLibraries.IsAvailable(CudaLibraries.Driver))
            Assert.Skip("Needs the driver library and no device.");
        var e = Assert.Throws<DeviceUnavailableException>(() => Symbolic.CodeGen.Cuda.Runtime.CudaDevice.Default);
        Assert.Equal(CudaProbe.WhyUnavailable, e.Message);
    }
}
