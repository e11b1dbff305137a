using System.Numerics;

namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// Helpers the generated programs call: stride arithmetic for views, copies of strided views,
/// and the structural kernels (matrix products, take, concatenation) that are the same for every
/// graph. The arithmetic of a graph is generated; these move data.
/// </summary>
public static class Rt
{
    public static int Size(int[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return checked((int)n);
    }

    /// <summary>Row-major strides of a contiguous array.</summary>
    public static int[] Contiguous(int[] shape) => Symbolic.Interpret.RefTensor.Strides(shape);

    /// <summary>Strides of an operand aligned on the last dimensions of a result of rank <paramref name="rank"/>: 0 for missing leading dimensions and for dimensions of size 1 (which broadcast).</summary>
    public static int[] Align(int[] strides, int[] shape, int rank)
    {
        var r = new int[rank];
        int lead = rank - shape.Length;
        for (int d = 0; d < shape.Length; d++) r[lead + d] = shape[d] == 1 ? 0 : strides[d];
        return r;
    }

    /// <summary>True when the view walks its elements in row-major order with no gaps (size-1 dimensions ignored).</summary>
    public static bool IsContiguous(int[] shape, int[] strides)
    {
        int expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>The strides of a dimshuffle of a view: each output dimension takes an input dimension's stride, or 0 for a new one (-1 in the pattern).</summary>
    public static int[] Shuffle(int[] strides, int[] pattern)
    {
        var r = new int[pattern.Length];
        for (int i = 0; i < pattern.Length; i++) r[i] = pattern[i] < 0 ? 0 : strides[pattern[i]];
        return r;
    }

    /// <summary>The strides kept by basic indexing (the dimensions listed) and the offset the starts add.</summary>
    public static (int Offset, int[] Strides) Slice(int offset, int[] strides, int[] starts, int[] keptDims)
    {
        for (int d = 0; d < starts.Length; d++) offset += starts[d] * strides[d];
        var r = new int[keptDims.Length];
        for (int i = 0; i < keptDims.Length; i++) r[i] = strides[keptDims[i]];
        return (offset, r);
    }

    /// <summary>Copies a strided view into a new contiguous array.</summary>
    public static T[] Copy<T>(T[] src, int offset, int[] strides, int[] shape)
    {
        var dst = new T[Size(shape)];
        if (dst.Length == 0) return dst;
        if (IsContiguous(shape, strides))
        {
            Array.Copy(src, offset, dst, 0, dst.Length);
            return dst;
        }
        var idx = new int[shape.Length];
        int p = offset;
        for (int k = 0; k < dst.Length; k++)
        {
            dst[k] = src[p];
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) { p += strides[d]; break; }
                p -= (shape[d] - 1) * strides[d];
                idx[d] = 0;
            }
        }
        return dst;
    }

    /// <summary>The view as a contiguous array: itself when it already is one (offset 0, no gaps, full length), else a copy.</summary>
    public static T[] Dense<T>(T[] src, int offset, int[] strides, int[] shape) =>
        offset == 0 && src.Length == Size(shape) && IsContiguous(shape, strides) ? src : Copy(src, offset, strides, shape);

    /// <summary>Reads element <paramref name="flat"/> (row-major position) of a view.</summary>
    private static int Locate(int flat, int offset, int[] strides, int[] shape)
    {
        int p = offset;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int n = shape[d];
            p += flat % n * strides[d];
            flat /= n;
        }
        return p;
    }

    /// <summary>Matrix products with NumPy semantics on strided views (vector and matrix operands, and batches whose leading dimensions broadcast).</summary>
    public static T[] Dot<T>(T[] a, int ao, int[] ast, int[] ash, T[] b, int bo, int[] bst, int[] bsh, int[] outShape) where T : INumber<T>
    {
        var c = new T[Size(outShape)];
        int k = ash[^1];
        if (ash.Length == 1 && bsh.Length == 1)
        {
            T s = T.Zero;
            for (int t = 0; t < k; t++) s += a[ao + t * ast[0]] * b[bo + t * bst[0]];
            c[0] = s;
            return c;
        }
        // Treat a vector as a 1 x k (or k x 1) matrix.
        int m = ash.Length == 1 ? 1 : ash[^2];
        int n = bsh.Length == 1 ? 1 : bsh[^1];
        int aRow = ash.Length == 1 ? 0 : ast[^2], aCol = ast[^1];
        int bRow = bsh.Length == 1 ? bst[0] : bst[^2], bCol = bsh.Length == 1 ? 0 : bst[^1];
        int batchRank = Math.Max(ash.Length, bsh.Length) - 2;
        int batches = 1;
        for (int d = 0; d < batchRank; d++) batches *= outShape[d];
        for (int bi = 0; bi < batches; bi++)
        {
            int aOff = ao + BatchOffset(bi, outShape, batchRank, ash, ast);
            int bOff = bo + BatchOffset(bi, outShape, batchRank, bsh, bst);
            int cOff = bi * m * n;
            for (int i = 0; i < m; i++)
            {
                int aBase = aOff + i * aRow;
                for (int j = 0; j < n; j++)
                {
                    T s = T.Zero;
                    int pa = aBase, pb = bOff + j * bCol;
                    for (int t = 0; t < k; t++, pa += aCol, pb += bRow) s += a[pa] * b[pb];
                    c[cOff + i * n + j] = s;
                }
            }
        }
        return c;
    }

    private static int BatchOffset(int batchIndex, int[] outShape, int batchRank, int[] shape, int[] strides)
    {
        if (shape.Length <= 2) return 0;
        int off = 0;
        int own = shape.Length - 2;
        for (int d = batchRank - 1; d >= 0; d--)
        {
            int i = batchIndex % outShape[d];
            batchIndex /= outShape[d];
            int k = d - (batchRank - own);
            if (k >= 0 && shape[k] != 1) off += i * strides[k];
        }
        return off;
    }

    /// <summary>
    /// The flat offsets (into <paramref name="xShape"/>'s row-major layout, leading dimensions only)
    /// that integer-array indexing picks, one per position of the broadcast index shape. Negative
    /// indices count from the end; one outside its dimension raises IndexOutOfRangeException.
    /// </summary>
    public static int[] TakeOffsets(int[] xShape, int[] xStrides, int[] indexShape, long[][] indices, int[][] indexShapes)
    {
        int count = Size(indexShape);
        var offsets = new int[count];
        var idx = new int[indexShape.Length];
        for (int k = 0; k < count; k++)
        {
            int off = 0;
            for (int a = 0; a < indices.Length; a++)
            {
                var ish = indexShapes[a];
                int pos = 0;
                for (int d = 0; d < ish.Length; d++)
                {
                    int i = idx[indexShape.Length - ish.Length + d];
                    pos = pos * ish[d] + (ish[d] == 1 ? 0 : i);
                }
                long v = indices[a][pos];
                long w = v < 0 ? v + xShape[a] : v;
                if (w < 0 || w >= xShape[a])
                    throw new IndexOutOfRangeException($"Take: index {v} is out of range for dimension {a}, whose size is {xShape[a]}.");
                off += (int)w * xStrides[a];
            }
            offsets[k] = off;
            for (int d = indexShape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < indexShape[d]) break;
                idx[d] = 0;
            }
        }
        return offsets;
    }

    /// <summary>Integer-array indexing of the leading dimensions of a view.</summary>
    public static T[] Take<T>(T[] x, int xo, int[] xst, int[] xsh, int[] indexShape, long[][] indices, int[][] indexShapes)
    {
        int n = indices.Length;
        var offsets = TakeOffsets(xsh, xst, indexShape, indices, indexShapes);
        var restShape = xsh[n..];
        var restStrides = xst[n..];
        int block = Size(restShape);
        var r = new T[offsets.Length * block];
        for (int k = 0; k < offsets.Length; k++)
        {
            var part = Copy(x, xo + offsets[k], restStrides, restShape);
            Array.Copy(part, 0, r, k * block, block);
        }
        return r;
    }

    /// <summary>The gradient of Take: zeros shaped like x, with each block of g added where Take read it.</summary>
    public static T[] TakeGrad<T>(int[] xsh, T[] g, int go, int[] gst, int[] gsh, int[] indexShape, long[][] indices, int[][] indexShapes) where T : INumber<T>
    {
        var xst = Contiguous(xsh);
        var offsets = TakeOffsets(xsh, xst, indexShape, indices, indexShapes);
        var gd = Dense(g, go, gst, gsh);
        int block = Size(xsh[indices.Length..]);
        var r = new T[Size(xsh)];
        for (int k = 0; k < offsets.Length; k++)
            for (int j = 0; j < block; j++) r[offsets[k] + j] += gd[k * block + j];
        return r;
    }

    /// <summary>The gradient of basic indexing: zeros shaped like x with g written into the indexed part.</summary>
    public static T[] SubtensorGrad<T>(int[] xsh, int[] starts, int[] keptDims, T[] g, int go, int[] gst, int[] gsh)
    {
        var r = new T[Size(xsh)];
        var (off, strides) = Slice(0, Contiguous(xsh), starts, keptDims);
        var gd = Dense(g, go, gst, gsh);
        if (gd.Length == 0) return r;
        var idx = new int[gsh.Length];
        int p = off;
        for (int k = 0; k < gd.Length; k++)
        {
            r[p] = gd[k];
            for (int d = gsh.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < gsh[d]) { p += strides[d]; break; }
                p -= (gsh[d] - 1) * strides[d];
                idx[d] = 0;
            }
        }
        return r;
    }

    /// <summary>Joins views along an axis into a new contiguous array.</summary>
    public static T[] Concatenate<T>(int axis, int[] outShape, T[][] parts, int[] offsets, int[][] strides, int[][] shapes)
    {
        var r = new T[Size(outShape)];
        int outer = 1;
        for (int d = 0; d < axis; d++) outer *= outShape[d];
        int inner = Size(outShape[(axis + 1)..]);
        int rowOut = outShape[axis] * inner;
        int at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var dense = Dense(parts[i], offsets[i], strides[i], shapes[i]);
            int row = shapes[i][axis] * inner;
            for (int o = 0; o < outer; o++) Array.Copy(dense, o * row, r, o * rowOut + at, row);
            at += row;
        }
        return r;
    }

    public static long[] Arange(int n)
    {
        var r = new long[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}

/// <summary>Run-time helpers for views and conversions the generated programs use.</summary>
public static class Views
{
    /// <summary>Output strides (0 for reduced dimensions) and reduced-position strides (0 for kept ones), per input dimension of a reduction.</summary>
    public static (int[] Out, int[] Reduced) ReduceStrides(int[] inShape, int[] axes, bool keepDims)
    {
        var outStrides = new int[inShape.Length];
        var redStrides = new int[inShape.Length];
        int o = 1, r = 1;
        for (int d = inShape.Length - 1; d >= 0; d--)
        {
            if (Array.IndexOf(axes, d) >= 0) { redStrides[d] = r; r *= inShape[d]; }
            else { outStrides[d] = o; o *= inShape[d]; }
        }
        return (outStrides, redStrides);
    }

    /// <summary>The offset and strides of basic indexing of a view (shapes were checked before running).</summary>
    public static (int Offset, int[] Strides) Slice(int offset, int[] strides, int[] shape, Symbolic.Ops.SliceEntry[] entries)
    {
        var (starts, kept) = SliceLayout(shape, entries);
        return Rt.Slice(offset, strides, starts, kept);
    }

    /// <summary>Per input dimension the first index basic indexing takes, and the dimensions it keeps.</summary>
    public static (int[] Starts, int[] Kept) SliceLayout(int[] shape, Symbolic.Ops.SliceEntry[] entries)
    {
        var starts = new int[shape.Length];
        var kept = new List<int>();
        for (int d = 0; d < shape.Length; d++)
        {
            if (d >= entries.Length) { kept.Add(d); continue; }
            var r = entries[d].Resolve(shape[d]) ?? throw new IndexOutOfRangeException($"Index {entries[d]} is out of range for dimension {d} of size {shape[d]}.");
            starts[d] = r.Start;
            if (!entries[d].IsIndex) kept.Add(d);
        }
        return (starts, kept.ToArray());
    }

    /// <summary>A reshape of a view: the same storage where the view is contiguous, else a contiguous copy.</summary>
    public static (T[] Data, int Offset, int[] Strides) Reshape<T>(T[] data, int offset, int[] strides, int[] shape, int[] newShape) =>
        Rt.IsContiguous(shape, strides)
            ? (data, offset, Rt.Contiguous(newShape))
            : (Rt.Copy(data, offset, strides, shape), 0, Rt.Contiguous(newShape));

    /// <summary>A contiguous copy of a view converted element by element (float to integer truncates and saturates, NaN gives 0).</summary>
    public static TOut[] Convert<TIn, TOut>(TIn[] data, int offset, int[] strides, int[] shape)
        where TIn : System.Numerics.INumberBase<TIn> where TOut : System.Numerics.INumberBase<TOut>
    {
        var dense = Rt.Dense(data, offset, strides, shape);
        var r = new TOut[dense.Length];
        for (int i = 0; i < r.Length; i++) r[i] = TOut.CreateSaturating(dense[i]);
        return r;
    }

    /// <summary>Index arrays (int32 or int64 views) as dense int64 arrays.</summary>
    public static long[] Indices(int[] data, int offset, int[] strides, int[] shape) => Convert<int, long>(data, offset, strides, shape);

    public static long[] Indices(long[] data, int offset, int[] strides, int[] shape) => Rt.Dense(data, offset, strides, shape);
}
