namespace Symbolic.CodeGen.Cpu.Render;

/// <summary>
/// A position that nested loops carry through an array: it starts at <see cref="Start"/> and
/// advances by <c>Steps[d]</c> each time loop <c>d</c> steps (0 where the array broadcasts along
/// that loop). Its name in loop <c>d</c> is <c>{Name}_{d}</c>.
/// </summary>
internal sealed record Cursor(string Name, string Start, IReadOnlyList<string> Steps);

/// <summary>
/// Writes nested <c>for</c> loops, one per dimension of a static rank, carrying cursors through
/// arrays by stride arithmetic, so that a kernel's loops are spelled for its node's rank alone.
/// </summary>
internal static class LoopNest
{
    /// <summary>
    /// Opens one loop per entry of <paramref name="sizes"/> (counters <c>{counter}0</c>, ...) and
    /// returns, per cursor, the expression of its position inside the innermost loop. Close with
    /// <see cref="Close"/> and the same rank.
    /// </summary>
    public static string[] Open(CodeWriter w, string counter, IReadOnlyList<string> sizes, IReadOnlyList<Cursor> cursors)
    {
        int rank = sizes.Count;
        for (int d = 0; d < rank; d++)
        {
            var init = string.Concat(cursors.Select(c => $", {c.Name}_{d} = {(d == 0 ? c.Start : $"{c.Name}_{d - 1}")}"));
            var step = string.Concat(cursors.Where(c => c.Steps[d] != "0").Select(c => $", {c.Name}_{d} += {c.Steps[d]}"));
            w.Open($"for (int {counter}{d} = 0{init}; {counter}{d} < {sizes[d]}; {counter}{d}++{step})");
        }
        return cursors.Select(c => rank == 0 ? c.Start : $"{c.Name}_{rank - 1}").ToArray();
    }

    public static void Close(CodeWriter w, int rank)
    {
        for (int d = 0; d < rank; d++) w.Close();
    }
}
