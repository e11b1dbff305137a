using System.Globalization;
using Symbolic.Nn;

namespace Symbolic.Cli.Train;

/// <summary>A model file made real: its data, the input variables and their values, the parameters, the loss and metrics as graphs, the optimizer.</summary>
public sealed class BuiltModel
{
    public required ModelFile File { get; init; }

    public required Dataset Data { get; init; }

    public required Variable[] Inputs { get; init; }

    /// <summary>Each input's values for every row, row-major (rows × columns).</summary>
    public required double[][] InputValues { get; init; }

    /// <summary>Each input's number of columns (1 for a vector).</summary>
    public required int[] InputWidths { get; init; }

    public required SharedVariable[] Parameters { get; init; }

    public required Variable Loss { get; init; }

    public required Variable[] Metrics { get; init; }

    public required Optimizer Optimizer { get; init; }

    /// <summary>How the optimizer was given, with its settings, for the summary.</summary>
    public required string OptimizerText { get; init; }

    public int Rows => Data.Rows.Length;

    /// <summary>The rows <paramref name="rows"/> of each input, as arrays of its dtype.</summary>
    public NDArray[] Batch(ReadOnlySpan<int> rows)
    {
        var result = new NDArray[Inputs.Length];
        for (int k = 0; k < Inputs.Length; k++)
        {
            int w = InputWidths[k];
            var values = new double[rows.Length * w];
            var all = InputValues[k];
            for (int i = 0; i < rows.Length; i++) Array.Copy(all, (long)rows[i] * w, values, (long)i * w, w);
            int[] shape = Inputs[k].NDim == 1 ? [rows.Length] : [rows.Length, w];
            result[k] = NDArray.FromDoubles(Inputs[k].DType, shape, values);
        }
        return result;
    }
}

/// <summary>
/// Turns a <see cref="ModelFile"/> into graphs, checking everything before any training: the data,
/// each input's columns and values, each expression (parsed with <c>T.Parse</c>) and the shapes it
/// gives on a batch of the data, layer by layer, so that an error names the line at fault.
/// </summary>
public static class ModelBuilder
{
    public static BuiltModel Build(ModelFile file)
    {
        ModelFileException At(int line, string message, int column = 0) => new(file.Path, line, message, column);

        var data = LoadData(file, At);
        var rng = new Random(file.Seed);

        var inputs = new Variable[file.Inputs.Count];
        var values = new double[file.Inputs.Count][];
        var widths = new int[file.Inputs.Count];
        for (int k = 0; k < file.Inputs.Count; k++)
        {
            var spec = file.Inputs[k];
            var columns = data.Resolve(spec.Columns, m => At(spec.Line, $"input '{spec.Name}': {m}"));
            if (spec.NDim == 1 && columns.Length != 1)
                throw At(spec.Line, $"input '{spec.Name}' is a vector, so it takes one column, but columns={spec.Columns} names {columns.Length}; declare it a matrix to take several");
            widths[k] = columns.Length;
            var v = new double[data.Rows.Length * columns.Length];
            for (int r = 0; r < data.Rows.Length; r++)
                for (int c = 0; c < columns.Length; c++)
                {
                    double x = data.Rows[r][columns[c]];
                    bool fits = spec.DType switch
                    {
                        DType.Bool => x is 0 or 1,
                        DType.Int32 => Math.Floor(x) == x && x >= int.MinValue && x <= int.MaxValue,
                        DType.Int64 => Math.Floor(x) == x && Math.Abs(x) < 9.2e18,
                        _ => true,
                    };
                    if (!fits)
                    {
                        var what = $"column '{data.Columns[columns[c]]}' holds {x.ToString("R", CultureInfo.InvariantCulture)}, which input '{spec.Name}' ({spec.DType.ShortName()}, declared on line {spec.Line} of {file.Path}) cannot take exactly";
                        throw data.Lines is { } lines ? new ModelFileException(data.Source, lines[r], what) : At(spec.Line, what);
                    }
                    v[r * columns.Length + c] = x;
                }
            values[k] = v;
            inputs[k] = spec.NDim == 1 ? T.Vector(spec.Name, spec.DType) : T.Matrix(spec.Name, spec.DType);
        }

        var parameters = new SharedVariable[file.Params.Count];
        for (int k = 0; k < parameters.Length; k++)
        {
            var p = file.Params[k];
            Initializer init = p.Init switch
            {
                "glorot" => new GlorotUniform(),
                "he" => new HeNormal(),
                "normal" => new RandomNormal(p.InitArgument ?? 0.05),
                _ => new Zeros(),
            };
            int fanIn = p.Shape.Length >= 2 ? p.Shape[^2] : p.Shape.Length == 1 ? p.Shape[0] : 1;
            int fanOut = p.Shape.Length >= 1 ? p.Shape[^1] : 1;
            var value = p.Init == "constant"
                ? NDArray.Full(p.InitArgument ?? 0, p.DType, p.Shape)
                : init.Create(p.Shape, fanIn, fanOut, p.DType, rng);
            parameters[k] = T.Shared(value, p.Name);
        }

        // Shapes of a first batch: each expression's shape is checked on it, in the order of the file.
        int batch = Math.Min(file.Batch, data.Rows.Length);
        var leafShapes = new Dictionary<Variable, int[]>();
        for (int k = 0; k < inputs.Length; k++)
            leafShapes[inputs[k]] = inputs[k].NDim == 1 ? [batch] : [batch, widths[k]];

        var known = new List<Variable>([.. inputs, .. parameters]);
        var replacements = new Dictionary<Variable, Variable>();
        Variable Parse(ExprSpec e, string what)
        {
            Variable parsed;
            try
            {
                parsed = T.Parse(e.Text, [.. known]);
            }
            catch (ParseException pe)
            {
                var reason = pe.Reason.Replace("(no named variables were given)", "(none declared)");
                throw At(e.Line, $"{what}: {reason}", e.Column + pe.Column - 1);
            }
            catch (ArgumentException ae)
            {
                throw At(e.Line, $"{what}: {OneLine(ae.Message)}", e.Column);
            }
            var real = replacements.Count == 0 ? parsed : GraphWalk.Replace([parsed], replacements)[0];
            try
            {
                ShapeWalk.Shapes([real], new Dictionary<Variable, int[]>(leafShapes), []);
            }
            catch (ArgumentException ae)
            {
                throw At(e.Line, $"{what}: the shapes do not fit on a batch of {batch} rows: {OneLine(ae.Message)}", e.Column);
            }
            return real;
        }

        foreach (var layer in file.Layers)
        {
            var real = Parse(layer, $"layer '{layer.Name}'");
            // Later lines name this layer: a placeholder of its type stands for it while parsing, then is replaced.
            var placeholder = T.Tensor(layer.Name, real.DType, [.. real.Type.Shape]);
            known.Add(placeholder);
            replacements[placeholder] = real;
        }

        var loss = Parse(file.Loss, "the loss");
        if (loss.NDim != 0)
            throw At(file.Loss.Line, $"the loss must be a scalar, but it is {loss.Type} (rank {loss.NDim}); take its mean, as in mean(...)", file.Loss.Column);
        if (!loss.DType.IsFloat())
            throw At(file.Loss.Line, $"the loss must be float32 or float64, but it is {loss.DType.ShortName()}", file.Loss.Column);
        foreach (var (p, spec) in parameters.Zip(file.Params))
            if (!GraphWalk.FreeInputs([loss]).Contains(p))
                throw At(spec.Line, $"parameter '{spec.Name}' is not used by the loss, so training cannot change it; use it in a layer, or remove it");

        var metrics = new Variable[file.Metrics.Count];
        for (int k = 0; k < metrics.Length; k++)
        {
            var m = file.Metrics[k];
            metrics[k] = Parse(m, $"metric '{m.Name}'");
            if (metrics[k].NDim != 0)
                throw At(m.Line, $"metric '{m.Name}' must be a scalar, but it is {metrics[k].Type}; take its mean, as in mean(...)", m.Column);
            if (metrics[k].DType == DType.Bool) metrics[k] = metrics[k].Cast(DType.Float64);
        }

        var (optimizer, optimizerText) = MakeOptimizer(file.Optimizer, At);
        return new BuiltModel
        {
            File = file,
            Data = data,
            Inputs = inputs,
            InputValues = values,
            InputWidths = widths,
            Parameters = parameters,
            Loss = loss,
            Metrics = metrics,
            Optimizer = optimizer,
            OptimizerText = optimizerText,
        };
    }

    private static Dataset LoadData(ModelFile file, Func<int, string, int, ModelFileException> at)
    {
        var d = file.Data;
        ModelFileException Bad(string m) => at(d.Line, m, 0);
        int Int(string key, int fallback, int min, int max)
        {
            if (!d.Settings.TryGetValue(key, out var text)) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                throw Bad($"{key}={text}: give a whole number from {min} to {max}");
            return n;
        }
        double Real(string key, double fallback)
        {
            if (!d.Settings.TryGetValue(key, out var text)) return fallback;
            var v = double.Parse(text, CultureInfo.InvariantCulture);
            if (!(v >= 0) || double.IsInfinity(v)) throw Bad($"{key}={text}: give a number of 0 or more");
            return v;
        }
        switch (d.Name)
        {
            case "csv":
                var csv = Path.Combine(file.Folder, d.Argument!);
                if (!File.Exists(csv))
                    throw Bad(Directory.Exists(csv) ? $"the data file '{csv}' is a folder" : $"the data file '{csv}' does not exist (a csv path is relative to the model file's folder)");
                return Dataset.ReadCsv(csv);
            case "spirals":
                return Dataset.Spirals(Int("points", 100, 1, 1_000_000), Int("classes", 2, 1, 1000), Real("noise", 0.2), Int("seed", 0, 0, int.MaxValue));
            default:
                return Dataset.Blobs(Int("points", 100, 1, 1_000_000), Int("classes", 3, 1, 1000), Int("features", 2, 1, 10_000),
                    Real("spread", 1.0), Int("seed", 0, 0, int.MaxValue));
        }
    }

    private static (Optimizer, string) MakeOptimizer(Choice c, Func<int, string, int, ModelFileException> at)
    {
        double Get(string key, double fallback) =>
            c.Settings.TryGetValue(key, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
        bool nesterov = false;
        if (c.Settings.TryGetValue("nesterov", out var n))
        {
            nesterov = n.ToLowerInvariant() switch
            {
                "true" or "yes" or "1" => true,
                "false" or "no" or "0" => false,
                _ => throw at(c.Line, $"nesterov={n}: write true or false", 0),
            };
        }
        try
        {
            Optimizer o = c.Name switch
            {
                "sgd" => new Sgd(Get("lr", 0.01), Get("momentum", 0), nesterov),
                "adam" => new Adam(Get("lr", 1e-3), Get("beta1", 0.9), Get("beta2", 0.999), Get("epsilon", 1e-8)),
                _ => new RmsProp(Get("lr", 1e-3), Get("rho", 0.9), Get("epsilon", 1e-8)),
            };
            var text = o switch
            {
                Sgd s => $"sgd lr={G(s.LearningRate)}{(s.Momentum != 0 ? $" momentum={G(s.Momentum)}" : "")}{(s.Nesterov ? " nesterov" : "")}",
                Adam a => $"adam lr={G(a.LearningRate)} beta1={G(a.Beta1)} beta2={G(a.Beta2)}",
                RmsProp r => $"rmsprop lr={G(r.LearningRate)} rho={G(r.Rho)}",
                _ => c.Name,
            };
            return (o, text);
        }
        catch (ArgumentException e)
        {
            var message = e.Message;
            int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (cut >= 0) message = message[..cut];
            message = message.Split('\n')[0].TrimEnd('.');
            foreach (var (name, key) in new[] { ("learningRate", "lr"), ("momentum", "momentum"), ("beta1", "beta1"), ("beta2", "beta2"), ("epsilon", "epsilon"), ("rho", "rho") })
                if (message.StartsWith(name + " ", StringComparison.Ordinal)) message = key + message[name.Length..];
            throw at(c.Line, $"{c.Name}: {message}", 0);
        }
    }

    private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
}
