using System.Globalization;
using Symbolic.Parsing;

namespace Symbolic.Cli.Train;

/// <summary>Bad input in a model file or the data it names: one line, naming the file and the line.</summary>
public sealed class ModelFileException(string file, int line, string message, int column = 0)
    : Exception(line > 0 ? $"{file}:{line}{(column > 0 ? $":{column}" : "")}: {message}" : $"{file}: {message}")
{
    public string File { get; } = file;

    /// <summary>From 1; 0 where the error is about the whole file.</summary>
    public int Line { get; } = line;

    public string Reason { get; } = message;
}

/// <summary>One statement of a model file: its keyword, its line and the text after the keyword.</summary>
public sealed record Statement(string Keyword, int Line, string Rest, int RestColumn);

/// <summary>A declared input: a matrix or vector filled from columns of the data, one row an example.</summary>
public sealed record InputSpec(string Name, int NDim, DType DType, string Columns, int Line);

/// <summary>A declared parameter: a shared variable of this shape, first filled by the initializer.</summary>
public sealed record ParamSpec(string Name, int[] Shape, DType DType, string Init, double? InitArgument, int Line);

/// <summary>A named expression (a layer or a metric), in <c>T.Parse</c> syntax.</summary>
public sealed record ExprSpec(string Name, string Text, int Line, int Column);

/// <summary>A keyword and its <c>key=value</c> settings (data sources, optimizers).</summary>
public sealed record Choice(string Name, string? Argument, IReadOnlyDictionary<string, string> Settings, int Line);

/// <summary>
/// A model file for <c>symbolic train</c> (documented in docs/train-format.md): one statement a
/// line, <c>#</c> to the end of a line is a comment. Statements: <c>data</c>, <c>input</c>,
/// <c>param</c>, <c>layer</c>, <c>loss</c>, <c>metric</c>, <c>optimizer</c>, <c>epochs</c>,
/// <c>batch</c>, <c>seed</c>, <c>save</c>.
/// </summary>
public sealed class ModelFile
{
    public static readonly IReadOnlyList<string> Keywords =
        ["data", "input", "param", "layer", "loss", "metric", "optimizer", "epochs", "batch", "seed", "save"];

    private static readonly string[] SingleKeywords = ["data", "loss", "optimizer", "epochs", "batch", "seed", "save"];

    public static readonly IReadOnlyList<string> DataSources = ["csv", "spirals", "blobs"];

    public static readonly IReadOnlyList<string> Optimizers = ["sgd", "adam", "rmsprop"];

    public static readonly IReadOnlyList<string> Initializers = ["glorot", "he", "normal", "zeros", "constant"];

    /// <summary>The path as given (errors name it so).</summary>
    public required string Path { get; init; }

    public required Choice Data { get; init; }

    public required IReadOnlyList<InputSpec> Inputs { get; init; }

    public required IReadOnlyList<ParamSpec> Params { get; init; }

    public required IReadOnlyList<ExprSpec> Layers { get; init; }

    public required ExprSpec Loss { get; init; }

    public required IReadOnlyList<ExprSpec> Metrics { get; init; }

    public required Choice Optimizer { get; init; }

    public int Epochs { get; init; } = 10;

    public int Batch { get; init; } = 32;

    public int Seed { get; init; }

    /// <summary>Where the weights go: the <c>save</c> path relative to the model file's folder, else the model file's name with <c>.safetensors</c>.</summary>
    public required string SavePath { get; init; }

    /// <summary>The folder that relative paths in the file start from.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path) ?? "";

    /// <summary>Reads and checks the file's syntax (not yet the data or the expressions).</summary>
    public static ModelFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message.TrimEnd('.');
            throw new ModelFileException(path, 0, $"cannot read the model file: {why}");
        }
        return Parse(path, text);
    }

    /// <summary>Parses <paramref name="text"/> as the content of the file <paramref name="path"/>.</summary>
    public static ModelFile Parse(string path, string text)
    {
        var statements = new List<Statement>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            if (line.Trim().Length == 0) continue;
            int start = line.Length - line.TrimStart().Length;
            int end = start;
            while (end < line.Length && !char.IsWhiteSpace(line[end]) && line[end] != '=') end++;
            var keyword = line[start..end];
            var restStart = end;
            while (restStart < line.Length && char.IsWhiteSpace(line[restStart])) restStart++;
            statements.Add(new Statement(keyword, i + 1, line[restStart..].TrimEnd(), restStart + 1));
        }
        var errors = new Reader(path);
        var first = new Dictionary<string, int>();
        foreach (var s in statements)
        {
            if (!Keywords.Contains(s.Keyword))
            {
                var close = Keywords.FirstOrDefault(k => string.Equals(k, s.Keyword, StringComparison.OrdinalIgnoreCase) || Near(k, s.Keyword));
                throw errors.At(s.Line, $"unknown key '{s.Keyword}'{(close is not null ? $" (did you mean '{close}'?)" : "")}; keys: {string.Join(", ", Keywords)}");
            }
            if (SingleKeywords.Contains(s.Keyword))
            {
                if (first.TryGetValue(s.Keyword, out var earlier))
                    throw errors.At(s.Line, $"'{s.Keyword}' is given twice (first on line {earlier})");
                first[s.Keyword] = s.Line;
            }
        }
        Statement? One(string keyword) => statements.FirstOrDefault(s => s.Keyword == keyword);
        Statement Required(string keyword, string example) =>
            One(keyword) ?? throw new ModelFileException(path, 0, $"no '{keyword}' line; add one, as in: {example}");

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        void Declare(string name, int line)
        {
            if (!ExpressionParser.IsName(name))
                throw errors.At(line, $"'{name}' is not a name an expression can use: a name starts with a letter or '_' and goes on with letters, digits or '_'");
            if (names.TryGetValue(name, out var earlier))
                throw errors.At(line, $"'{name}' is declared twice (first on line {earlier})");
            names[name] = line;
        }

        var data = errors.ReadChoice(Required("data", "data csv examples.csv"), DataSources, "data source");
        var inputs = new List<InputSpec>();
        var parameters = new List<ParamSpec>();
        var layers = new List<ExprSpec>();
        var metrics = new List<ExprSpec>();
        foreach (var s in statements)
        {
            switch (s.Keyword)
            {
                case "input":
                    {
                        var (words, settings) = errors.Split(s, ["columns", "column"]);
                        if (words.Count is < 2 or > 3)
                            throw errors.At(s.Line, "write input <name> <vector|matrix> [dtype] columns=<columns>, as in: input x matrix columns=0:2");
                        Declare(words[0], s.Line);
                        int ndim = words[1].ToLowerInvariant() switch
                        {
                            "vector" => 1,
                            "matrix" => 2,
                            _ => throw errors.At(s.Line, $"'{words[1]}' is not a kind of input; an input is a vector (one column of the data) or a matrix (several columns)"),
                        };
                        var dtype = words.Count == 3 ? errors.ReadDType(words[2], s.Line) : DType.Float32;
                        var columns = settings.GetValueOrDefault("columns") ?? settings.GetValueOrDefault("column")
                            ?? throw errors.At(s.Line, $"input '{words[0]}' has no columns=...; say which columns of the data fill it, as in columns=0:2 or columns=label");
                        inputs.Add(new InputSpec(words[0], ndim, dtype, columns, s.Line));
                        break;
                    }
                case "param":
                    {
                        var (words, settings) = errors.Split(s, ["init"]);
                        if (words.Count is < 2 or > 3)
                            throw errors.At(s.Line, "write param <name> <shape> [dtype] [init=...], as in: param w1 2x8 init=glorot");
                        Declare(words[0], s.Line);
                        var shape = errors.ReadShape(words[1], s.Line);
                        var dtype = words.Count == 3 ? errors.ReadDType(words[2], s.Line) : DType.Float32;
                        if (!dtype.IsFloat()) throw errors.At(s.Line, $"parameter '{words[0]}' is {dtype.ShortName()}; parameters are float32 or float64");
                        var init = settings.GetValueOrDefault("init") ?? (shape.Length >= 2 ? "glorot" : "zeros");
                        var (initName, initArgument) = errors.ReadInit(init, s.Line);
                        parameters.Add(new ParamSpec(words[0], shape, dtype, initName, initArgument, s.Line));
                        break;
                    }
                case "layer":
                case "metric":
                    {
                        int eq = s.Rest.IndexOf('=');
                        if (eq < 0 || s.Rest[..eq].Trim().Length == 0)
                            throw errors.At(s.Line, $"write {s.Keyword} <name> = <expression>, as in: {(s.Keyword == "layer" ? "layer h = tanh(x @ w1 + b1)" : "metric accuracy = mean(cast(eq(argmax(p, 1), y), float32))")}");
                        var name = s.Rest[..eq].Trim();
                        Declare(name, s.Line);
                        var expr = s.Rest[(eq + 1)..];
                        int lead = expr.Length - expr.TrimStart().Length;
                        if (expr.Trim().Length == 0) throw errors.At(s.Line, $"{s.Keyword} '{name}' has no expression after '='");
                        (s.Keyword == "layer" ? layers : metrics).Add(new ExprSpec(name, expr.Trim(), s.Line, s.RestColumn + eq + 1 + lead));
                        break;
                    }
            }
        }
        if (inputs.Count == 0) throw new ModelFileException(path, 0, "no 'input' line; declare the inputs the data fills, as in: input x matrix columns=0:2");
        if (parameters.Count == 0) throw new ModelFileException(path, 0, "no 'param' line; declare what training changes, as in: param w 2x3");

        var lossLine = Required("loss", "loss mean(categorical_crossentropy(p, y))");
        var lossText = lossLine.Rest;
        int lossColumn = lossLine.RestColumn;
        if (lossText.StartsWith('='))
        {
            var after = lossText[1..];
            lossColumn += 1 + after.Length - after.TrimStart().Length;
            lossText = after.Trim();
        }
        if (lossText.Length == 0) throw errors.At(lossLine.Line, "the loss has no expression; write, for instance: loss mean(categorical_crossentropy(p, y))");

        var optimizer = errors.ReadChoice(Required("optimizer", "optimizer adam lr=0.01"), Optimizers, "optimizer");
        int epochs = One("epochs") is { } e ? errors.ReadCount(e, 1, 1_000_000) : 10;
        int batch = One("batch") is { } b ? errors.ReadCount(b, 1, 100_000_000) : 32;
        int seed = One("seed") is { } sd ? errors.ReadCount(sd, 0, int.MaxValue) : 0;
        string save;
        if (One("save") is { } sv)
        {
            if (sv.Rest.Length == 0 || sv.Rest.Any(char.IsWhiteSpace)) throw errors.At(sv.Line, "write save <file>, a file name without spaces, as in: save xor.safetensors");
            save = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? "", sv.Rest);
        }
        else
        {
            save = System.IO.Path.ChangeExtension(path, ".safetensors");
        }
        return new ModelFile
        {
            Path = path,
            Data = data,
            Inputs = inputs,
            Params = parameters,
            Layers = layers,
            Loss = new ExprSpec("loss", lossText, lossLine.Line, lossColumn),
            Metrics = metrics,
            Optimizer = optimizer,
            Epochs = epochs,
            Batch = batch,
            Seed = seed,
            SavePath = save,
        };
    }

    /// <summary>One edit apart, for "did you mean".</summary>
    private static bool Near(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        if (Math.Abs(a.Length - b.Length) > 1 || a == b) return a == b;
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        int j = 0;
        while (j < a.Length - i && j < b.Length - i && a[^(j + 1)] == b[^(j + 1)]) j++;
        return a.Length - i - j <= 1 && b.Length - i - j <= 1;
    }

    /// <summary>The pieces of a statement, each failure an error at its line.</summary>
    private sealed class Reader(string path)
    {
        public ModelFileException At(int line, string message) => new(path, line, message);

        /// <summary>Words before the first <c>key=value</c>, and the settings, checked against <paramref name="allowed"/>.</summary>
        public (List<string> Words, Dictionary<string, string> Settings) Split(Statement s, IReadOnlyList<string> allowed)
        {
            var words = new List<string>();
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var token in s.Rest.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = token.IndexOf('=');
                if (eq < 0)
                {
                    if (settings.Count > 0) throw At(s.Line, $"'{token}' comes after the settings; write the words first, then key=value settings");
                    words.Add(token);
                    continue;
                }
                var key = token[..eq].ToLowerInvariant();
                var value = token[(eq + 1)..];
                if (!allowed.Contains(key))
                    throw At(s.Line, allowed.Count == 0
                        ? $"'{s.Keyword}' takes no settings, but '{key}' was given"
                        : $"unknown setting '{key}' for {s.Keyword}; settings: {string.Join(", ", allowed)}");
                if (value.Length == 0) throw At(s.Line, $"{key}= has no value");
                if (!settings.TryAdd(key, value)) throw At(s.Line, $"{key} is set twice");
            }
            return (words, settings);
        }

        public Choice ReadChoice(Statement s, IReadOnlyList<string> choices, string what)
        {
            var tokens = s.Rest.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0) throw At(s.Line, $"'{s.Keyword}' needs a {what}: one of {string.Join(", ", choices)}");
            var name = tokens[0].ToLowerInvariant();
            if (!choices.Contains(name)) throw At(s.Line, $"unknown {what} '{tokens[0]}'; {what}s: {string.Join(", ", choices)}");
            var allowed = SettingsOf(name);
            var rest = new Statement($"{s.Keyword} {name}", s.Line, string.Join(' ', tokens.Skip(1)), 0);
            var (words, settings) = Split(rest, allowed);
            string? argument = null;
            if (name == "csv")
            {
                if (words.Count != 1) throw At(s.Line, "write data csv <file> (a path relative to the model file, without spaces), as in: data csv xor.csv");
                argument = words[0];
            }
            else if (words.Count > 0)
            {
                throw At(s.Line, $"unexpected '{words[0]}' after {name}; its settings are key=value: {string.Join(", ", allowed)}");
            }
            foreach (var (key, value) in settings)
                if (key != "nesterov" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw At(s.Line, $"{key}={value}: '{value}' is not a number");
            return new Choice(name, argument, settings, s.Line);
        }

        private static IReadOnlyList<string> SettingsOf(string choice) => choice switch
        {
            "csv" => [],
            "spirals" => ["points", "classes", "noise", "seed"],
            "blobs" => ["points", "classes", "features", "spread", "seed"],
            "sgd" => ["lr", "momentum", "nesterov"],
            "adam" => ["lr", "beta1", "beta2", "epsilon"],
            "rmsprop" => ["lr", "rho", "epsilon"],
            _ => [],
        };

        public DType ReadDType(string word, int line)
        {
            var d = word.ToLowerInvariant();
            return Enum.GetValues<DType>().Cast<DType?>().FirstOrDefault(t => t!.Value.ShortName() == d)
                ?? throw At(line, $"'{word}' is not a dtype; dtypes: {string.Join(", ", Enum.GetValues<DType>().Select(t => t.ShortName()))}");
        }

        public int[] ReadShape(string word, int line)
        {
            var parts = word.Split('x');
            var shape = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] < 1)
                    throw At(line, $"'{word}' is not a shape; write the sizes joined by 'x', as in 2x8 (a matrix) or 8 (a vector)");
            if (shape.Aggregate(1L, (a, n) => a * n) > 100_000_000) throw At(line, $"shape {word} is too large");
            return shape;
        }

        public (string Name, double? Argument) ReadInit(string text, int line)
        {
            string name = text, argument = "";
            int open = text.IndexOf('(');
            if (open >= 0)
            {
                if (!text.EndsWith(')')) throw At(line, $"init={text}: write the argument in parentheses, as in init=normal(0.05)");
                name = text[..open];
                argument = text[(open + 1)..^1];
            }
            name = name.ToLowerInvariant();
            if (!Initializers.Contains(name)) throw At(line, $"unknown initializer '{name}'; initializers: glorot, he, normal(stddev), zeros, constant(value)");
            if (argument.Length == 0)
            {
                if (name == "constant") throw At(line, "init=constant needs a value, as in init=constant(0.1)");
                return (name, name == "normal" ? 0.05 : null);
            }
            if (name is not ("normal" or "constant")) throw At(line, $"init={name} takes no argument");
            if (!double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw At(line, $"init={text}: '{argument}' is not a number");
            return (name, value);
        }

        public int ReadCount(Statement s, int min, int max)
        {
            if (!int.TryParse(s.Rest, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                throw At(s.Line, $"{s.Keyword} '{s.Rest}' is not a whole number from {min} to {max}");
            return n;
        }
    }
}
