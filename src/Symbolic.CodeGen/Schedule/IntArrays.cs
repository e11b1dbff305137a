namespace Symbolic.CodeGen;

/// <summary>
/// The few operations the lowering needs on arrays of slot and step indices, written out rather
/// than taken from generic library code (<c>List&lt;int&gt;</c>, <c>Array.Fill&lt;int&gt;</c>, LINQ over
/// ints): generic code over a value type is compiled by the JIT in every fresh process, even where
/// the library itself is precompiled (ReadyToRun), since no precompiled image holds that
/// instantiation. These are the library's own, so they are precompiled with it.
/// </summary>
internal static class IntArrays
{
    /// <summary>An array of <paramref name="length"/> elements, each <paramref name="value"/>.</summary>
    public static int[] Filled(int length, int value)
    {
        var a = new int[length];
        if (value != 0)
            for (int i = 0; i < a.Length; i++) a[i] = value;
        return a;
    }

    /// <summary>The first index of <paramref name="value"/> among the first <paramref name="count"/> elements, or -1.</summary>
    public static int IndexOf(int[] items, int value, int count)
    {
        for (int i = 0; i < count; i++)
            if (items[i] == value) return i;
        return -1;
    }

    /// <summary>Appends to the first <paramref name="count"/> elements, growing the array when full.</summary>
    public static void Push(ref int[] items, ref int count, int item)
    {
        if (count == items.Length)
        {
            var grown = new int[Math.Max(4, items.Length * 2)];
            Array.Copy(items, grown, count);
            items = grown;
        }
        items[count++] = item;
    }

    /// <summary>Removes the element at <paramref name="at"/> of the first <paramref name="count"/>, keeping the others' order.</summary>
    public static void RemoveAt(int[] items, ref int count, int at)
    {
        Array.Copy(items, at + 1, items, at, count - at - 1);
        count--;
    }

    /// <summary>The first <paramref name="count"/> elements as an array of their own (the array itself when it is exactly that long).</summary>
    public static int[] Prefix(int[] items, int count)
    {
        if (count == items.Length) return items;
        var a = new int[count];
        Array.Copy(items, a, count);
        return a;
    }
}
