using System.Globalization;

namespace Symbolic.Cli.Train;

/// <summary>
/// Examples as rows of numbers with named columns: read from a CSV file, or generated from a seed
/// (<see cref="Spirals"/>, <see cref="Blobs"/>). Inputs of a model take columns of it.
/// </summary>
public sealed class Dataset
{
    public Dataset(string source, string[] columns, double[][] rows, int[]? lines = null)
    {
        Source = source;
        Columns = columns;
        Rows = rows;
        Lines = lines;
    }

    /// <summary>Where the rows came from, for messages: a file path, or the generator and its settings.</summary>
    public string Source { get; }

    public string[] Columns { get; }

    public double[][] Rows { get; }

    /// <summary>For a file, the line each row was read from (from 1); null for generated data.</summary>
    public int[]? Lines { get; }

    /// <summary>
    /// Reads a CSV file of numbers: fields separated by commas, one example a line; blank lines and
    /// lines starting with <c>#</c> are skipped. The first line is a header of column names when any
    /// of its fields is not a number; else the columns are named by their index. Every row must have
    /// as many fields as the first.
    /// </summary>
    public static Dataset ReadCsv(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message.TrimEnd('.');
            throw new ModelFileException(path, 0, $"cannot read the data: {why}");
        }
        string[]? header = null;
        var rows = new List<double[]>();
        var rowLines = new List<int>();
        int width = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(',').Select(f => f.Trim()).ToArray();
            if (width < 0)
            {
                width = fields.Length;
                if (fields.Any(f => !double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    if (fields.Any(f => f.Length == 0)) throw new ModelFileException(path, i + 1, "the header has an empty column name");
                    var twice = fields.GroupBy(f => f).FirstOrDefault(g => g.Count() > 1);
                    if (twice is not null) throw new ModelFileException(path, i + 1, $"the header names column '{twice.Key}' twice");
                    header = fields;
                    continue;
                }
            }
            if (fields.Length != width)
                throw new ModelFileException(path, i + 1, $"{fields.Length} field{(fields.Length == 1 ? "" : "s")} where the {(header is null ? "first row has" : "header names")} {width}");
            var row = new double[width];
            for (int c = 0; c < width; c++)
            {
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]) || !double.IsFinite(row[c]))
                    throw new ModelFileException(path, i + 1,
                        $"column {c + 1}{(header is null ? "" : $" ('{header[c]}')")}: '{fields[c]}' is not a number");
            }
            rows.Add(row);
            rowLines.Add(i + 1);
        }
        if (rows.Count == 0) throw new ModelFileException(path, 0, header is null ? "the file holds no rows of data" : "the file holds a header but no rows of data");
        return new Dataset(path, header ?? [.. Enumerable.Range(0, width).Select(c => c.ToString(CultureInfo.InvariantCulture))], [.. rows], [.. rowLines]);
    }

    /// <summary>
    /// <paramref name="classes"/> interleaved spiral arms of <paramref name="points"/> points each in
    /// the plane: columns <c>x0, x1, label</c>. Point i of arm c lies at radius r = i / points and angle
    /// 2πc / classes + 4r, plus uniform noise of width <paramref name="noise"/> on the angle.
    /// </summary>
    public static Dataset Spirals(int points, int classes, double noise, int seed)
    {
        var rng = new Random(seed);
        var rows = new double[points * classes][];
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < points; i++)
            {
                double r = (double)i / points;
                double angle = c * 2 * Math.PI / classes + 4 * r + noise * (rng.NextDouble() - 0.5);
                rows[c * points + i] = [r * Math.Sin(angle), r * Math.Cos(angle), c];
            }
        return new Dataset($"spirals points={points} classes={classes} noise={Num(noise)} seed={seed}", ["x0", "x1", "label"], rows);
    }

    /// <summary>
    /// <paramref name="classes"/> Gaussian blobs of <paramref name="points"/> points each in
    /// <paramref name="features"/> dimensions: columns <c>x0 ... x(features-1), label</c>. Each blob's
    /// centre is drawn uniformly from [-4, 4] in every dimension; its points scatter around it with
    /// standard deviation <paramref name="spread"/>.
    /// </summary>
    public static Dataset Blobs(int points, int classes, int features, double spread, int seed)
    {
        var rng = new Random(seed);
        var centres = new double[classes][];
        for (int c = 0; c < classes; c++)
            centres[c] = [.. Enumerable.Range(0, features).Select(_ => 8 * rng.NextDouble() - 4)];
        var rows = new double[points * classes][];
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < points; i++)
            {
                var row = new double[features + 1];
                for (int d = 0; d < features; d++)
                {
                    double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                    row[d] = centres[c][d] + spread * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                }
                row[features] = c;
                rows[c * points + i] = row;
            }
        string[] names = [.. Enumerable.Range(0, features).Select(d => $"x{d}"), "label"];
        return new Dataset($"blobs points={points} classes={classes} features={features} spread={Num(spread)} seed={seed}", names, rows);
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The column indices <paramref name="spec"/> names: comma-separated column names, indices from
    /// 0, or ranges <c>a:b</c> (a to b-1, as in Python; <c>a:</c> runs to the last column).
    /// </summary>
    public int[] Resolve(string spec, Func<string, Exception> error)
    {
        var result = new List<int>();
        foreach (var raw in spec.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0) throw error($"columns={spec} has an empty entry");
            int colon = part.IndexOf(':');
            if (colon >= 0)
            {
                int from = colon == 0 ? 0 : Index(part[..colon], error, spec);
                int to = colon == part.Length - 1 ? Columns.Length : Index(part[(colon + 1)..], error, spec, allowEnd: true);
                if (to <= from) throw error($"columns={spec}: the range {part} is empty");
                for (int c = from; c < to; c++) result.Add(c);
                continue;
            }
            int byName = Array.IndexOf(Columns, part);
            result.Add(byName >= 0 ? byName : Index(part, error, spec));
        }
        var twice = result.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw error($"columns={spec} names column {Columns[twice.Key]} twice");
        return [.. result];
    }

    private int Index(string text, Func<string, Exception> error, string spec, bool allowEnd = false)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            throw error($"columns={spec}: '{text}' is neither a column of the data nor an index; the columns are {string.Join(", ", Columns)}");
        if (i > Columns.Length || (i == Columns.Length && !allowEnd))
            throw error($"columns={spec}: column {i} is past the last one (the data has {Columns.Length}: {string.Join(", ", Columns)}, numbered from 0)");
        return i;
    }
}
