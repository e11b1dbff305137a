using System.Numerics;
using Symbolic.CodeGen.Cpu.Runtime;
using static Symbolic.Tests.Backend.BackendHarness;

namespace Symbolic.Tests.Backend;

/// <summary>
/// Matrix products on every path (OpenBLAS where installed, the managed dispatcher, and the managed
/// blocked, simple, small (256- and 512-bit) and tiled kernels called directly) against a float64 triple loop: shapes around the
/// micro-kernel and the block sizes, transposed, padded, sliced, broadcast and reversed operands,
/// batches, vectors, alpha and beta, destinations that alias an operand; then compiled graphs
/// against the interpreter on both paths.
/// </summary>
public class GemmTests
{
    public enum Path { OpenBlas, Managed, Blocked, Simple, Small, Small512, Tiled }

    /// <summary>Runs the products of this test on <paramref name="path"/>; skips the OpenBLAS path where no library is in use.</summary>
    private static IDisposable Enter(Path path)
    {
        if (path != Path.OpenBlas) return Blas.UseManaged(true);
        if (Blas.NativeLibraryName is null)
            Assert.Skip(Blas.ManagedForced
                ? "SYMBOLIC_BLAS=managed forces the managed path in this process."
                : "No tuned CBLAS library found (libopenblas.so.0, libopenblas.so, or libblas.so.3 as OpenBLAS, BLIS or MKL; the reference BLAS is passed over); on Debian/Ubuntu: apt-get install libopenblas0-pthread.");
        return Blas.UseManaged(false);
    }

    private static readonly int[] Sizes = [0, 1, 3, 7, 8, 9, 17, 64, 65, 130];

    private static IEnumerable<(int M, int N, int K)> Triples()
    {
        foreach (var s in Sizes) yield return (s, s, s);
        (int, int, int)[] mixed =
        [
            (1, 130, 65), (130, 1, 17), (65, 17, 1), (1, 1, 300), (9, 130, 300), (200, 3, 7), (100, 24, 513),
            (7, 2100, 9), (5, 0, 3), (0, 5, 3), (5, 3, 0), (6, 16, 5), (12, 32, 2), (13, 33, 257),
        ];
        foreach (var t in mixed) yield return t;
    }

    private static readonly string[] Layouts = ["row", "col", "padded", "sliced", "broadcast", "reversed"];

    // ---- views and the reference ----

    /// <summary>A strided view over a buffer of float64 values that every dtype under test holds exactly.</summary>
    private sealed record View(double[] Data, int Offset, int[] Strides, int[] Shape)
    {
        public double At(int i, int j) => Data[Offset + i * Strides[0] + j * Strides[1]];
        public TT[] As<TT>() where TT : INumber<TT> => Data.Select(TT.CreateChecked).ToArray();
    }

    /// <summary>Multiples of 1/64 in [-2, 2): exact in float32, so the reference sees the very values the product does.</summary>
    private static double[] Values(Random rng, int n) => Enumerable.Range(0, n).Select(_ => rng.Next(-128, 128) / 64.0).ToArray();

    /// <summary>A rows x cols view laid out as named: row-major, column-major (a transpose), rows padded apart, every other column of a wider buffer, one row repeated (stride 0), rows reversed (negative stride).</summary>
    private static View Matrix(Random rng, int rows, int cols, string layout) => layout switch
    {
        "row" => new(Values(rng, rows * cols), 0, [cols, 1], [rows, cols]),
        "col" => new(Values(rng, rows * cols), 0, [1, rows], [rows, cols]),
        "padded" => new(Values(rng, rows * (cols + 3) + 2), 2, [cols + 3, 1], [rows, cols]),
        "sliced" => new(Values(rng, rows * (2 * cols + 1) + 1), 1, [2 * cols + 1, 2], [rows, cols]),
        "broadcast" => new(Values(rng, cols), 0, [0, 1], [rows, cols]),
        "reversed" => new(Values(rng, rows * cols), Math.Max(0, (rows - 1) * cols), [-cols, 1], [rows, cols]),
        _ => throw new ArgumentException(layout),
    };

    private static double Eps<TT>() => typeof(TT) == typeof(float) ? Math.Pow(2, -23) : Math.Pow(2, -52);

    /// <summary>
    /// Checks C = alpha * A * B + beta * C0 element by element within (k + 4) eps times the sum of the
    /// magnitudes that went into it (|alpha| sum |a||b| + |beta c0|), and that the padding of C's rows
    /// (columns n to ldc) is untouched. With beta zero C0 is ignored (it holds NaN).
    /// </summary>
    private static void Check<TT>(View a, View b, double alpha, double beta, double[] c0, TT[] got, int m, int n, int k, int ldc, string context)
        where TT : INumber<TT>
    {
        double eps = Eps<TT>();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double t = a.At(i, p) * b.At(p, j);
                    s += t;
                    mag += Math.Abs(t);
                }
                double cv = beta == 0 ? 0 : beta * c0[i * ldc + j];
                double expected = alpha * s + cv;
                double bound = (k + 4) * eps * (Math.Abs(alpha) * mag + Math.Abs(cv)) + 1e-300;
                double actual = double.CreateChecked(got[i * ldc + j]);
                Assert.True(Math.Abs(actual - expected) <= bound,
                    $"{context}: C[{i},{j}] = {actual}, expected {expected} (error {Math.Abs(actual - expected):g3} > {bound:g3})");
            }
            for (int j = n; j < ldc; j++)
                Assert.True(double.CreateChecked(got[i * ldc + j]).Equals(c0[i * ldc + j]), $"{context}: padding C[{i},{j}] was written");
        }
    }

    /// <summary>One 2-D product through the internal entry of <paramref name="path"/>, C's rows <paramref name="ldc"/> apart.</summary>
    private static void Gemm2D<TT>(Path path, int m, int n, int k, TT alpha, View a, View b, TT beta, TT[] c, int ldc) where TT : struct, INumber<TT>
    {
        TT[] av = a.As<TT>(), bv = b.As<TT>();
        switch (path)
        {
            case Path.Blocked when m > 0 && n > 0 && k > 0 && ManagedGemm.Blockable<TT>():
                ManagedGemm.Blocked(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bv, b.Offset, b.Strides[0], b.Strides[1], beta, c, 0, ldc);
                break;
            case Path.Simple:
                ManagedGemm.Simple(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bv, b.Offset, b.Strides[0], b.Strides[1], beta, c, 0, ldc);
                break;
            case Path.Tiled when m > 0 && n > 0 && k > 0:
            {
                var (bd, bo, brs) = b.Strides[1] == 1 ? (bv, b.Offset, b.Strides[0])
                    : (Enumerable.Range(0, k * n).Select(q => TT.CreateChecked(b.At(q / n, q % n))).ToArray(), 0, n);
                Assert.True(TiledGemm.TryGemm(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bd, bo, brs, beta, c, 0, ldc, parallel: true), $"Tiled declined {m}x{n}x{k}");
                break;
            }
            case Path.Small or Path.Small512 when m > 0 && n > 0 && k > 0:
            {
                // B's rows contiguous, as Blas hands them over (a copy where they are not).
                var (bd, bo, brs) = b.Strides[1] == 1 ? (bv, b.Offset, b.Strides[0])
                    : (Enumerable.Range(0, k * n).Select(q => TT.CreateChecked(b.At(q / n, q % n))).ToArray(), 0, n);
                bool done = path == Path.Small
                    ? SmallGemm.TryGemm(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bd, bo, brs, beta, c, 0, ldc)
                    : SmallGemm512.TryGemm(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bd, bo, brs, beta, c, 0, ldc);
                // The 512-bit twin declines where the machine has no 512-bit vectors.
                Assert.True(done || (path == Path.Small512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated), $"{path} declined {m}x{n}x{k}");
                if (!done) Blas.Gemm(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bv, b.Offset, b.Strides[0], b.Strides[1], beta, c, 0, ldc);
                break;
            }
            default:
                Blas.Gemm(m, n, k, alpha, av, a.Offset, a.Strides[0], a.Strides[1], bv, b.Offset, b.Strides[0], b.Strides[1], beta, c, 0, ldc);
                break;
        }
    }

    public static TheoryData<string, Path> DtypesAndPaths()
    {
        var d = new TheoryData<string, Path>();
        foreach (var dtype in new[] { "float32", "float64" })
            foreach (var path in Enum.GetValues<Path>())
                d.Add(dtype, path);
        return d;
    }

    // ---- the 2-D kernels ----

    [Theory]
    [MemberData(nameof(DtypesAndPaths))]
    public void GemmShapesAroundTheBlocks(string dtype, Path path)
    {
        if (dtype == "float32") Shapes<float>(path);
        else Shapes<double>(path);
    }

    private static void Shapes<TT>(Path path) where TT : struct, INumber<TT>
    {
        using var _ = Enter(path);
        var rng = new Random(7);
        foreach (var (m, n, k) in Triples())
        {
            var a = Matrix(rng, m, k, "row");
            var b = Matrix(rng, k, n, "row");
            var c = new TT[m * n];
            Gemm2D(path, m, n, k, TT.One, a, b, TT.Zero, c, n);
            Check(a, b, 1, 0, new double[m * n], c, m, n, k, n, $"{path} {typeof(TT).Name} {m}x{k} * {k}x{n}");
        }
    }

    [Theory]
    [MemberData(nameof(DtypesAndPaths))]
    public void GemmStridedOperandsAlphaBeta(string dtype, Path path)
    {
        if (dtype == "float32") Strided<float>(path);
        else Strided<double>(path);
    }

    private static void Strided<TT>(Path path) where TT : struct, INumber<TT>
    {
        using var _ = Enter(path);
        var rng = new Random(11);
        // (21, 260, 300): blocks of k and n past the first, and rows split over the cores (TiledGemm).
        // (5, 600, 520): a B large enough that its copy (a transposed or sliced layout) is split over the cores.
        (int, int, int)[] shapes = [(1, 1, 1), (7, 9, 17), (17, 1, 8), (1, 65, 9), (65, 17, 130), (3, 130, 1), (4, 4, 0), (21, 260, 300), (5, 600, 520)];
        (double Alpha, double Beta)[] scalars = [(1, 0), (1.5, 1), (-0.25, -0.5), (0, 2)];
        int s = 0;
        foreach (var (m, n, k) in shapes)
            foreach (var la in Layouts)
                foreach (var lb in Layouts)
                {
                    // The large shape in a few layouts only: its reference product is the costly part.
                    if (m * n * k > 1_000_000 && Array.IndexOf(Layouts, la) != Array.IndexOf(Layouts, lb) && (la, lb) != ("padded", "sliced")) continue;
                    var (alpha, beta) = scalars[s++ % scalars.Length];
                    var a = Matrix(rng, m, k, la);
                    var b = Matrix(rng, k, n, lb);
                    int ldc = n + 2;
                    var c0 = Values(rng, m * ldc);
                    if (beta == 0)
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++) c0[i * ldc + j] = double.NaN;
                    var c = c0.Select(TT.CreateChecked).ToArray();
                    Gemm2D(path, m, n, k, TT.CreateChecked(alpha), a, b, TT.CreateChecked(beta), c, ldc);
                    Check(a, b, alpha, beta, c0, c, m, n, k, ldc, $"{path} {typeof(TT).Name} {m}x{k} ({la}) * {k}x{n} ({lb}), alpha {alpha}, beta {beta}");
                }
    }

    [Fact]
    public void StridesMapOntoBlasTransposesOrACopy()
    {
        Assert.True(BlasLayout.TryMap(3, 4, 4, 1, out var t, out var ld) && !t && ld == 4);
        Assert.True(BlasLayout.TryMap(3, 4, 7, 1, out t, out ld) && !t && ld == 7);
        Assert.True(BlasLayout.TryMap(3, 4, 1, 3, out t, out ld) && t && ld == 3);
        Assert.True(BlasLayout.TryMap(3, 4, 1, 5, out t, out ld) && t && ld == 5);
        Assert.True(BlasLayout.TryMap(1, 4, 0, 1, out t, out ld) && !t && ld == 4);   // one row: any row stride
        Assert.True(BlasLayout.TryMap(4, 1, 1, 0, out t, out ld) && !t && ld == 1);   // one column: any column stride
        Assert.True(BlasLayout.TryMap(4, 1, 3, 0, out t, out ld) && !t && ld == 3);
        Assert.True(BlasLayout.TryMap(1, 4, 9, 3, out t, out ld) && t && ld == 3);    // a strided row is a transposed column
        Assert.True(BlasLayout.TryMap(1, 1, 0, 0, out _, out ld) && ld >= 1);
        Assert.False(BlasLayout.TryMap(3, 4, 8, 2, out _, out _));                     // every other column
        Assert.False(BlasLayout.TryMap(3, 4, 0, 1, out _, out _));                     // a broadcast row
        Assert.False(BlasLayout.TryMap(3, 4, -4, 1, out _, out _));                    // reversed rows
        Assert.False(BlasLayout.TryMap(3, 4, 1, 1, out _, out _));                     // overlapping rows
    }

    // ---- Rt.DotInto: NumPy dot/matmul on views ----

    /// <summary>An n-d view: contiguous ("c"), the last two dimensions stored transposed ("t"), or every other element of the last dimension ("s").</summary>
    private static View Tensor(Random rng, int[] shape, string layout)
    {
        int r = shape.Length;
        var storage = (int[])shape.Clone();
        if (layout == "t" && r >= 2) (storage[r - 2], storage[r - 1]) = (shape[r - 1], shape[r - 2]);
        if (layout == "s") storage[r - 1] = 2 * shape[r - 1];
        var st = Rt.Contiguous(storage);
        var strides = (int[])st.Clone();
        if (layout == "t" && r >= 2) (strides[r - 2], strides[r - 1]) = (st[r - 1], st[r - 2]);
        if (layout == "s") strides[r - 1] = 2;
        return new View(Values(rng, Rt.Size(storage) + 1), layout == "s" ? 1 : 0, strides, shape);
    }

    private static double Element(View v, int[] index)
    {
        int p = v.Offset;
        for (int d = 0; d < index.Length; d++) p += index[d] * v.Strides[d];
        return v.Data[p];
    }

    /// <summary>numpy.matmul of two views (vectors promoted and their dimension dropped), in float64, with the summed magnitudes.</summary>
    private static (double[] Values, double[] Magnitudes, int[] Shape, int K) Reference(View a, View b)
    {
        int[] ash = a.Shape.Length == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] bsh = b.Shape.Length == 1 ? [b.Shape[0], 1] : b.Shape;
        int rank = Math.Max(ash.Length, bsh.Length);
        var batch = new int[rank - 2];
        for (int d = 0; d < batch.Length; d++)
        {
            int da = d - (rank - ash.Length), db = d - (rank - bsh.Length);
            batch[d] = Math.Max(da >= 0 ? ash[da] : 1, db >= 0 ? bsh[db] : 1);
        }
        int m = ash[^2], k = ash[^1], n = bsh[^1];
        int count = batch.Aggregate(1, (x, y) => x * y);
        var values = new double[count * m * n];
        var mags = new double[values.Length];
        var bi = new int[batch.Length];
        for (int q = 0; q < count; q++)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0, mag = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double t = Element(a, Index(a, ash, bi, rank, i, p)) * Element(b, Index(b, bsh, bi, rank, p, j));
                        s += t;
                        mag += Math.Abs(t);
                    }
                    values[(q * m + i) * n + j] = s;
                    mags[(q * m + i) * n + j] = mag;
                }
            for (int d = batch.Length - 1; d >= 0 && ++bi[d] == batch[d]; d--) bi[d] = 0;
        }
        int[] shape = a.Shape.Length == 1 && b.Shape.Length == 1 ? []
            : a.Shape.Length == 1 ? [n] : b.Shape.Length == 1 ? [.. batch, m] : [.. batch, m, n];
        return (values, mags, shape, k);
    }

    /// <summary>The index into a view (of promoted shape <paramref name="sh"/>) of element (row, col) of batch <paramref name="bi"/>; size-1 batch dimensions broadcast.</summary>
    private static int[] Index(View v, int[] sh, int[] bi, int rank, int row, int col)
    {
        var idx = new List<int>();
        for (int d = 0; d < sh.Length - 2; d++) idx.Add(sh[d] == 1 ? 0 : bi[d + rank - sh.Length]);
        if (v.Shape.Length == 1) idx.Add(sh[0] == 1 ? col : row);
        else { idx.Add(row); idx.Add(col); }
        return idx.ToArray();
    }

    public static TheoryData<string, Path, string, string, string> DotCases()
    {
        var d = new TheoryData<string, Path, string, string, string>();
        (string A, string B)[] shapes =
        [
            ("9", "9"), ("300", "300"), ("0", "0"), ("7x9", "9"), ("9", "9x17"), ("65x130", "130"), ("130", "130x65"),
            ("2x3x4", "2x4x5"), ("3x1x4x5", "2x5x6"), ("1x4x5", "3x5x6"), ("2x3x17x9", "9x8"), ("9x8", "2x3x8x17"),
            ("4x0x3", "4x3x5"), ("4x3x0", "4x0x5"), ("2x65x70", "2x70x33"),
        ];
        int i = 0;
        foreach (var dtype in new[] { "float32", "float64" })
            foreach (var path in new[] { Path.OpenBlas, Path.Managed })
                foreach (var (a, b) in shapes)
                {
                    string[] layouts = ["c", "t", "s"];
                    d.Add(dtype, path, a, b, layouts[i % 3] + layouts[(i / 3) % 3]);
                    i++;
                }
        return d;
    }

    [Theory]
    [MemberData(nameof(DotCases))]
    public void DotIntoMatchesNumPySemantics(string dtype, Path path, string aShape, string bShape, string layouts)
    {
        if (dtype == "float32") DotInto<float>(path, aShape, bShape, layouts);
        else DotInto<double>(path, aShape, bShape, layouts);
    }

    private static void DotInto<TT>(Path path, string aShape, string bShape, string layouts) where TT : struct, INumber<TT>
    {
        using var _ = Enter(path);
        var rng = new Random(aShape.Length * 31 + bShape.Length);
        var a = Tensor(rng, Shape(aShape), layouts[..1]);
        var b = Tensor(rng, Shape(bShape), layouts[1..]);
        var (expected, mags, outShape, k) = Reference(a, b);
        // The destination is longer than the result and full of NaN: DotInto must not read it, nor write past the result.
        var c = Enumerable.Repeat(TT.CreateChecked(double.NaN), expected.Length + 5).ToArray();
        Rt.DotInto(c, a.As<TT>(), a.Offset, a.Strides, a.Shape, b.As<TT>(), b.Offset, b.Strides, b.Shape, outShape);
        // The allocating form agrees too.
        var r = Rt.Dot(a.As<TT>(), a.Offset, a.Strides, a.Shape, b.As<TT>(), b.Offset, b.Strides, b.Shape, outShape);
        Assert.Equal(expected.Length, r.Length);
        foreach (var (got, form) in new[] { (c, "DotInto"), (r, "Dot") })
            for (int i = 0; i < expected.Length; i++)
            {
                double g = double.CreateChecked(got[i]);
                Assert.True(Math.Abs(g - expected[i]) <= (k + 4) * Eps<TT>() * mags[i],
                    $"{form} {path} {typeof(TT).Name} {aShape} ({layouts[0]}) . {bShape} ({layouts[1]}): element {i} = {g}, expected {expected[i]}");
            }
        for (int i = expected.Length; i < c.Length; i++) Assert.True(TT.IsNaN(c[i]), $"element {i} past the result was written");
    }

    [Fact]
    public void DotIntoABatchWhoseBatchDimensionHasStrideZero()
    {
        using var _ = Blas.UseManaged(false);
        var rng = new Random(3);
        var a = new View(Values(rng, 4 * 5), 0, [0, 5, 1], [3, 4, 5]);   // one matrix broadcast over 3 batches
        var b = Tensor(rng, [3, 5, 2], "t");
        var (expected, _, outShape, _) = Reference(a, b);
        var c = new double[expected.Length];
        Rt.DotInto(c, a.Data, a.Offset, a.Strides, a.Shape, b.Data, b.Offset, b.Strides, b.Shape, outShape);
        for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], 12);
    }

    [Fact]
    public void DotIntoAnOperandThatIsTheDestination()
    {
        // c is a's own storage: the product must be computed from a's values before they are overwritten.
        var rng = new Random(5);
        var a = Tensor(rng, [20, 20], "c");
        var b = Tensor(rng, [20, 20], "t");
        var (expected, _, outShape, _) = Reference(a, b);
        foreach (var managed in new[] { true, false })
        {
            using var _ = Blas.UseManaged(managed);
            var storage = (double[])a.Data.Clone();
            Rt.DotInto(storage, storage, 0, a.Strides, a.Shape, b.Data, b.Offset, b.Strides, b.Shape, outShape);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], storage[i], 12);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 9, 17)]
    [InlineData(65, 33, 130)]
    [InlineData(1, 40, 300)]
    public void IntegerProductsWrap(int m, int n, int k)
    {
        var rng = new Random(m + n + k);
        var ai = Enumerable.Range(0, m * k).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        var bi = Enumerable.Range(0, k * n).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        var al = ai.Select(x => (long)x * 1_000_003).ToArray();
        var bl = bi.Select(x => (long)x * 999_983).ToArray();
        var ci = new int[m * n];
        var cl = new long[m * n];
        // b transposed: its storage is n x k.
        Rt.DotInto(ci, ai, 0, [k, 1], [m, k], bi, 0, [1, k], [k, n], [m, n]);
        Rt.DotInto(cl, al, 0, [k, 1], [m, k], bl, 0, [1, k], [k, n], [m, n]);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int si = 0;
                long sl = 0;
                for (int p = 0; p < k; p++)
                    unchecked
                    {
                        si += ai[i * k + p] * bi[j * k + p];
                        sl += al[i * k + p] * bl[j * k + p];
                    }
                Assert.Equal(si, ci[i * n + j]);
                Assert.Equal(sl, cl[i * n + j]);
            }
    }

    // ---- Specialized.GemmInto: alpha * dot(a, b) + beta * c ----

    public static TheoryData<string, Path, string> GemmIntoCases()
    {
        var d = new TheoryData<string, Path, string>();
        foreach (var dtype in new[] { "float32", "float64" })
            foreach (var path in new[] { Path.OpenBlas, Path.Managed })
                foreach (var c in new[] { "in-place", "matrix", "bias-row", "bias-row-2d", "bias-column", "scalar", "transposed" })
                    d.Add(dtype, path, c);
        return d;
    }

    [Theory]
    [MemberData(nameof(GemmIntoCases))]
    public void GemmIntoScalesAndBroadcastsC(string dtype, Path path, string cKind)
    {
        if (dtype == "float32") GemmInto<float>(path, cKind);
        else GemmInto<double>(path, cKind);
    }

    private static void GemmInto<TT>(Path path, string cKind) where TT : struct, INumber<TT>
    {
        using var _ = Enter(path);
        (double Alpha, double Beta)[] scalars = [(1, 1), (0.5, 1), (-0.1, 1), (2, -0.5), (1, 0)];
        foreach (var (m, n, k) in new[] { (1, 1, 1), (9, 17, 7), (65, 130, 64), (3, 5, 0) })
            foreach (var (alpha, beta) in scalars)
            {
                var rng = new Random(m * 7 + n + k);
                var a = Matrix(rng, m, k, "col");
                var b = Matrix(rng, k, n, "row");
                int[] csh = cKind switch
                {
                    "bias-row" => [n], "bias-row-2d" => [1, n], "bias-column" => [m, 1], "scalar" => [], _ => [m, n],
                };
                int[] cst = cKind == "transposed" ? [1, m] : Rt.Contiguous(csh);
                var cData = Values(rng, Rt.Size(csh));
                if (beta == 0 && cKind != "in-place") Array.Fill(cData, double.NaN);   // beta 0: c is not read
                var cs = Rt.Align(cst, csh, 2);
                double CAt(int i, int j) => cData[i * cs[0] + j * cs[1]];
                var c0 = new double[m * n];
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) c0[i * n + j] = CAt(i, j);
                var c = cData.Select(TT.CreateChecked).ToArray();
                var dst = cKind == "in-place" ? c : Enumerable.Repeat(TT.CreateChecked(double.NaN), m * n + 3).ToArray();
                Specialized.GemmInto(dst, c, 0, cst, csh, TT.CreateChecked(alpha), a.As<TT>(), a.Offset, a.Strides, a.Shape,
                    b.As<TT>(), b.Offset, b.Strides, b.Shape, TT.CreateChecked(beta), [m, n]);
                string context = $"{path} {typeof(TT).Name} {cKind} {m}x{k} * {k}x{n}, alpha {alpha}, beta {beta}";
                Check(a, b, alpha, beta, c0, dst, m, n, k, n, context);
                var r = Specialized.Gemm(cData.Select(TT.CreateChecked).ToArray(), 0, cst, csh, TT.CreateChecked(alpha),
                    a.As<TT>(), a.Offset, a.Strides, a.Shape, b.As<TT>(), b.Offset, b.Strides, b.Shape, TT.CreateChecked(beta), [m, n]);
                Assert.Equal(m * n, r.Length);
                Check(a, b, alpha, beta, c0, r, m, n, k, n, "Specialized.Gemm, " + context);
            }
    }

    [Fact]
    public void GemmIntoReadsCBeforeOverwritingItWhenCIsABroadcastOfTheDestination()
    {
        // dst and c are one array but c is a bias row at its start: c must be read before dst is written.
        var bias = new double[] { 1, 2, 3 };
        var dst = new double[6];
        bias.CopyTo(dst, 0);
        var a = new double[] { 1, 0, 0, 1 };
        var b = new double[] { 1, 1, 1, 1, 1, 1 };
        Specialized.GemmInto(dst, dst, 0, [1], [3], 1.0, a, 0, [2, 1], [2, 2], b, 0, [3, 1], [2, 3], 1.0, [2, 3]);
        Assert.Equal([2.0, 3, 4, 2, 3, 4], dst);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public void ProductsFromManyThreadsAtOnceAgree(Path path)
    {
        using var _ = Enter(path);
        var rng = new Random(19);
        var a = Matrix(rng, 70, 65, "row");
        var b = Matrix(rng, 65, 130, "col");
        var (af, bf) = (a.As<float>(), b.As<float>());
        var expected = new float[70 * 130];
        Rt.DotInto(expected, af, 0, a.Strides, a.Shape, bf, 0, b.Strides, b.Shape, [70, 130]);
        var mismatches = 0;
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var c = new float[70 * 130];
            Rt.DotInto(c, af, 0, a.Strides, a.Shape, bf, 0, b.Strides, b.Shape, [70, 130]);
            for (int i = 0; i < c.Length; i++)
                if (!(Math.Abs(c[i] - expected[i]) <= 1e-5f * (Math.Abs(expected[i]) + 65))) { Interlocked.Increment(ref mismatches); break; }
        });
        Assert.Equal(0, mismatches);
    }

    // ---- selection ----

    [Fact]
    public void OnlyATunedCblasIsTakenNotTheReferenceBlas()
    {
        static Func<string, bool> Exports(params string[] names) => names.Contains;
        Assert.False(OpenBlas.Usable(Exports("cblas_sgemm", "cblas_dgemm", "sgemm_", "dgemm_")));          // Debian's reference libblas3
        Assert.False(OpenBlas.Usable(Exports("sgemm_", "dgemm_", "openblas_get_num_threads")));          // no CBLAS layer
        Assert.False(OpenBlas.Usable(Exports("cblas_sgemm", "openblas_get_num_threads")));               // float only
        Assert.True(OpenBlas.Usable(Exports("cblas_sgemm", "cblas_dgemm", "openblas_get_num_threads")));
        Assert.True(OpenBlas.Usable(Exports("cblas_sgemm", "cblas_dgemm", "bli_info_get_version_str"))); // BLIS
        Assert.True(OpenBlas.Usable(Exports("cblas_sgemm", "cblas_dgemm", "MKL_Get_Version")));
    }

    [Fact]
    public void ProviderNamesTheLibraryOrTheManagedPath()
    {
        using (Blas.UseManaged()) Assert.Equal("managed", Blas.Provider);
        if (Blas.NativeLibraryName is null)
        {
            Assert.Equal("managed", Blas.Provider);
            return;
        }
        using (Blas.UseManaged(false)) Assert.Contains($"({Blas.NativeLibraryName})", Blas.Provider);
        if (Blas.NativeLibraryName.StartsWith("libopenblas", StringComparison.Ordinal))
        {
            Assert.StartsWith("openblas (", Blas.Provider);
            Assert.True(Blas.NativeThreads is null or >= 1);
        }
    }

    // ---- compiled graphs against the interpreter ----

    public static TheoryData<Path> BothPaths() => new(Path.OpenBlas, Path.Managed);

    [Theory]
    [MemberData(nameof(BothPaths))]
    public void CompiledDotAgreesWithTheInterpreter(Path path)
    {
        using var _ = Enter(path);
        var rng = new Random(13);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            double tol = dtype == DType.Float32 ? 1e-4 : 1e-12;
            var x = T.Matrix("x", dtype);
            var w = T.Matrix("w", dtype);
            var v = T.Vector("v", dtype);
            AgreesWithInterpreter([x, w], [T.Dot(x, w)], [Random(rng, dtype, [17, 33], -1, 1), Random(rng, dtype, [33, 9], -1, 1)], tol);
            AgreesWithInterpreter([x, w], [T.Dot(T.Transpose(x), w)], [Random(rng, dtype, [33, 17], -1, 1), Random(rng, dtype, [33, 9], -1, 1)], tol);
            AgreesWithInterpreter([x, w], [T.Dot(x[.., 1..^1], T.Transpose(w))], [Random(rng, dtype, [8, 35], -1, 1), Random(rng, dtype, [9, 33], -1, 1)], tol);
            AgreesWithInterpreter([x, v], [T.Dot(x, v), T.Dot(v, T.Transpose(x)), T.Dot(v, v)], [Random(rng, dtype, [7, 20], -1, 1), Random(rng, dtype, [20], -1, 1)], tol);
            var a3 = T.Tensor3("a", dtype);
            var b3 = T.Tensor("b", dtype, 1, null, null);
            AgreesWithInterpreter([a3, b3], [T.Dot(a3, b3)], [Random(rng, dtype, [3, 5, 7], -1, 1), Random(rng, dtype, [1, 7, 4], -1, 1)], tol);
        }
        var xi = T.Matrix("xi", DType.Int64);
        var wi = T.Matrix("wi", DType.Int32);
        AgreesWithInterpreter([xi, wi], [T.Dot(xi, wi)], [Random(rng, DType.Int64, [6, 9]), Random(rng, DType.Int32, [9, 5])]);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public void CompiledGemmAgreesWithTheInterpreter(Path path)
    {
        using var _ = Enter(path);
        var rng = new Random(17);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            double tol = dtype == DType.Float32 ? 1e-4 : 1e-12;
            var x = T.Matrix("x", dtype);
            var w = T.Matrix("w", dtype);
            var c = T.Matrix("c", dtype);
            var bias = T.Vector("b", dtype);
            var scaled = T.Dot(x, w) * 0.5 + c;
            var f = Function.Compile([x, w, c], [scaled]);
            Assert.Contains("Specialized.Gemm", f.Source);
            NDArray[] values = [Random(rng, dtype, [17, 33], -1, 1), Random(rng, dtype, [33, 9], -1, 1), Random(rng, dtype, [17, 9], -1, 1)];
            AgreesWithInterpreter([x, w, c], [scaled], values, tol);
            AgreesWithInterpreter([x, w, c], [c - 0.1 * T.Dot(T.Transpose(x), w)],
                [Random(rng, dtype, [33, 17], -1, 1), Random(rng, dtype, [33, 9], -1, 1), Random(rng, dtype, [17, 9], -1, 1)], tol);
            AgreesWithInterpreter([x, w, bias], [T.Dot(x, w) + bias],
                [Random(rng, dtype, [65, 20], -1, 1), Random(rng, dtype, [20, 70], -1, 1), Random(rng, dtype, [70], -1, 1)], tol);
        }
    }
}
