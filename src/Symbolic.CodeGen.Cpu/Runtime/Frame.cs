namespace Symbolic.CodeGen.Cpu.Runtime;

/// <summary>
/// The state of one call of a generated program: every slot's storage, offset, strides and shape,
/// and the scratch buffers of the buffer plan. A program keeps a small pool of frames, so a steady
/// state call reuses the buffers of an earlier one and two threads calling at once each get their
/// own. Generated code reads operands from here by slot number, so its methods need no locals per
/// slot, whatever the size of the graph.
/// </summary>
public sealed class Frame
{
    private readonly int[]?[] contiguous;

    public Frame(int slots, int buffers, Array[] constants, SubProgram[] maps)
    {
        D = new Array[slots];
        O = new int[slots];
        T = new int[slots][];
        S = new int[slots][];
        contiguous = new int[slots][];
        Buffers = new Array?[buffers];
        Maps = maps;
        Constants = constants;
    }

    /// <summary>Storage of each slot.</summary>
    public readonly Array[] D;

    /// <summary>Offset of each slot's first element in its storage.</summary>
    public readonly int[] O;

    /// <summary>Strides of each slot, in elements.</summary>
    public readonly int[][] T;

    /// <summary>Shapes of every slot for this call, from the shape pass.</summary>
    public int[][] S;

    /// <summary>The buffer plan's scratch buffers, kept between calls.</summary>
    public readonly Array?[] Buffers;

    public readonly SubProgram[] Maps;

    public readonly Array[] Constants;

    /// <summary>Storage the caller gave for output slots (see <see cref="Out{TElem}"/>), by slot; null where none was given.</summary>
    public Array?[]? Given;

    /// <summary>Profiling and the NaN guard, for programs compiled with either; null otherwise.</summary>
    public Instruments? I;

    /// <summary>
    /// The program's tables of kernel calls (<c>Steps(f, 0)</c> walks <c>Tables[0]</c>): data the
    /// program is given, not source it is compiled from (see <c>RenderedProgram.Tables</c>).
    /// </summary>
    public int[][] Tables = [];

    /// <summary>Binds a slot to storage contiguous from 0: an array given to the program (input, shared value, constant), a Map's result, or what <see cref="Out{TElem}"/> hands a kernel.</summary>
    public void Bind(int slot, Array data)
    {
        D[slot] = data;
        O[slot] = 0;
        T[slot] = Strides(slot);
    }

    /// <summary>
    /// The storage a step writes for a slot, contiguous from index 0: a fresh array of the exact
    /// size (<paramref name="buffer"/> &lt; 0) or the array the caller gave for that output, or the
    /// pooled buffer, grown if this call needs more.
    /// Every kernel writes each element of its result (those that accumulate clear first), so new
    /// arrays are not zeroed: a large result costs no extra pass over memory.
    /// </summary>
    public TElem[] Out<TElem>(int slot, int buffer)
    {
        int n = Rt.Size(S[slot]);
        TElem[] a;
        if (buffer < 0 && Given?[slot] is TElem[] given && given.Length == n) a = given;
        else if (buffer < 0) a = GC.AllocateUninitializedArray<TElem>(n);
        else
        {
            var b = Buffers[buffer] as TElem[];
            if (b is null || b.Length < n) Buffers[buffer] = b = GC.AllocateUninitializedArray<TElem>(n);
            a = b;
        }
        Bind(slot, a);
        return a;
    }

    /// <summary>A slot that reinterprets another's storage.</summary>
    public void View(int slot, int from, int offset, int[] strides)
    {
        D[slot] = D[from];
        O[slot] = offset;
        T[slot] = strides;
    }

    /// <summary>A slot set to a view computed at run time (a reshape, which copies a view that is not contiguous).</summary>
    public void Set<TElem>(int slot, (TElem[] Data, int Offset, int[] Strides) view)
    {
        D[slot] = view.Data;
        O[slot] = view.Offset;
        T[slot] = view.Strides;
    }

    /// <summary>Row-major strides of a slot's shape, kept between calls while the shape stays the same.</summary>
    private int[] Strides(int slot)
    {
        var shape = S[slot];
        var c = contiguous[slot];
        if (c is not null && c.Length == shape.Length)
        {
            bool same = true;
            int expected = 1;
            for (int d = shape.Length - 1; d >= 0 && same; d--)
            {
                same = c[d] == expected;
                expected *= shape[d];
            }
            if (same) return c;
        }
        return contiguous[slot] = Rt.Contiguous(shape);
    }
}
