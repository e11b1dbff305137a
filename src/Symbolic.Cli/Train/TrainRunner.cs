using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Symbolic.Nn;

namespace Symbolic.Cli.Train;

/// <summary>How <c>symbolic train</c> was asked to run.</summary>
/// <param name="Epochs">Replaces the file's <c>epochs</c> where given.</param>
/// <param name="Output">Replaces where the weights go where given.</param>
/// <param name="Interactive">Draw a live progress bar (a terminal); else print plain lines, as for a log.</param>
/// <param name="CheckOnly">Check the file, its data and its shapes, compile the step, and train nothing.</param>
public sealed record TrainSettings(int? Epochs = null, string? Output = null, bool Interactive = false, bool CheckOnly = false);

/// <summary>One row of the loss table.</summary>
public sealed record EpochRow(int Epoch, double Loss, double[] Metrics, double Seconds);

/// <summary>What a run did.</summary>
public sealed record TrainResult(double[] Losses, IReadOnlyList<EpochRow> Table, string? SavedTo);

/// <summary>
/// Trains a <see cref="BuiltModel"/>: one compiled step (the loss, with the optimizer's updates) run
/// over shuffled mini-batches each epoch, the metrics evaluated on all rows at the epochs the table
/// shows, a progress display, the loss table, and the weights saved as safetensors at the end.
/// </summary>
public static class TrainRunner
{
    /// <summary>At most this many rows in the table (plus the first and the last epoch).</summary>
    public const int TableRows = 10;

    public static TrainResult Run(BuiltModel model, TrainSettings settings, TextWriter stdout)
    {
        var file = model.File;
        int epochs = settings.Epochs ?? file.Epochs;
        int batch = Math.Min(file.Batch, model.Rows);
        var savePath = settings.Output ?? file.SavePath;
        var console = MakeConsole(stdout, settings.Interactive);

        string Shape(int k) => model.Inputs[k].NDim == 1 ? $"{model.Rows}" : $"{model.Rows}x{model.InputWidths[k]}";
        stdout.WriteLine($"model    {file.Path}: inputs {string.Join(", ", model.Inputs.Select((v, k) => $"{v.Name} ({Shape(k)} {v.DType.ShortName()})"))}");
        long count = model.Parameters.Sum(p => (long)p.Value.Size);
        stdout.WriteLine($"params   {string.Join(", ", model.Parameters.Select(p => $"{p.Name} {string.Join('x', p.Value.Shape)}"))}: {count} value{(count == 1 ? "" : "s")}");
        stdout.WriteLine($"data     {model.Data.Source}: {model.Rows} row{(model.Rows == 1 ? "" : "s")}, columns {string.Join(", ", model.Data.Columns)}");
        stdout.WriteLine($"solver   {model.OptimizerText}; {epochs} epoch{(epochs == 1 ? "" : "s")} of batches of {batch}, seed {file.Seed}");

        Function step, evaluate;
        try
        {
            step = Function.Compile(model.Inputs, [model.Loss], updates: model.Optimizer.Updates(model.Loss, model.Parameters));
            evaluate = Function.Compile(model.Inputs, [model.Loss, .. model.Metrics]);
        }
        catch (ArgumentException e)
        {
            throw new ModelFileException(file.Path, file.Loss.Line, $"the loss cannot be trained: {ModelBuilder.OneLine(e.Message)}");
        }
        if (settings.CheckOnly)
        {
            stdout.WriteLine($"ok       {file.Path}: the model, its data and its shapes check out; the training step compiled ({step.Kernels.Count} kernels)");
            return new TrainResult([], [], null);
        }

        int every = Math.Max(1, (epochs + TableRows - 1) / TableRows);
        bool Shown(int epoch) => epoch == 1 || epoch == epochs || epoch % every == 0;
        var losses = new double[epochs];
        var table = new List<EpochRow>();
        var shuffle = new Random(unchecked(file.Seed * 31 + 7));
        var order = Enumerable.Range(0, model.Rows).ToArray();
        var clock = Stopwatch.StartNew();

        void Train(Action<int, double> progress)
        {
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                shuffle.Shuffle(order);
                double sum = 0;
                for (int start = 0; start < model.Rows; start += batch)
                {
                    var rows = order.AsSpan(start, Math.Min(batch, model.Rows - start));
                    NDArray[] outs;
                    try
                    {
                        outs = step.Invoke(model.Batch(rows));
                    }
                    catch (ArgumentException e)
                    {
                        throw new ModelFileException(file.Path, file.Loss.Line, $"epoch {epoch}: {ModelBuilder.OneLine(e.Message)}");
                    }
                    sum += outs[0].ToDoubles()[0] * rows.Length;
                }
                double loss = sum / model.Rows;
                losses[epoch - 1] = loss;
                if (!double.IsFinite(loss))
                    throw new ModelFileException(file.Path, file.Optimizer.Line,
                        $"the loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} in epoch {epoch}; try a smaller learning rate");
                if (Shown(epoch))
                {
                    double[] metrics = [];
                    if (model.Metrics.Length > 0)
                        metrics = [.. evaluate.Invoke(model.Batch(order.Order().ToArray()))[1..].Select(a => a.ToDoubles()[0])];
                    table.Add(new EpochRow(epoch, loss, metrics, clock.Elapsed.TotalSeconds));
                }
                progress(epoch, loss);
            }
        }

        if (settings.Interactive)
        {
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: epochs);
                    Train((epoch, loss) =>
                    {
                        task.Description = $"epoch {epoch}/{epochs}  loss {loss.ToString("F6", CultureInfo.InvariantCulture)}";
                        task.Value = epoch;
                    });
                });
        }
        else
        {
            // A log gets the table itself, a row at each epoch it shows, as the rows come: a few
            // lines however long the run, and nothing that redraws.
            var names = file.Metrics.Select(m => m.Name).ToArray();
            var widths = PlainWidths(names, epochs);
            stdout.WriteLine(PlainRow(widths, ["epoch", "loss", .. names, "seconds"]));
            Train((epoch, loss) =>
            {
                if (!Shown(epoch)) return;
                var row = table[^1];
                stdout.WriteLine(PlainRow(widths, CellsOf(row)));
                stdout.Flush();
            });
        }

        if (settings.Interactive) console.Write(LossTable(table, file.Metrics.Select(m => m.Name).ToArray()));

        var metadata = new Dictionary<string, string>
        {
            ["model"] = Path.GetFileName(file.Path),
            ["epochs"] = epochs.ToString(CultureInfo.InvariantCulture),
            ["loss"] = losses.Length > 0 ? losses[^1].ToString("R", CultureInfo.InvariantCulture) : "",
        };
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(savePath));
            if (folder is not null) Directory.CreateDirectory(folder);
            Checkpoint.Save(savePath, model.Parameters, metadata);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or CheckpointException)
        {
            throw new ModelFileException(savePath, 0, $"cannot write the weights: {ModelBuilder.OneLine(e.Message)}");
        }
        stdout.WriteLine($"saved    {savePath} ({string.Join(", ", Checkpoint.TensorNames(model.Parameters))}; safetensors)");
        return new TrainResult(losses, table, savePath);
    }

    private static string Num(double v) => v.ToString("F6", CultureInfo.InvariantCulture);

    private static string[] CellsOf(EpochRow r) =>
        [r.Epoch.ToString(CultureInfo.InvariantCulture), Num(r.Loss), .. r.Metrics.Select(Num), r.Seconds.ToString("F2", CultureInfo.InvariantCulture)];

    private static int[] PlainWidths(string[] metrics, int epochs) =>
        [Math.Max(5, epochs.ToString(CultureInfo.InvariantCulture).Length), 10, .. metrics.Select(m => Math.Max(10, m.Length)), 8];

    private static string PlainRow(int[] widths, string[] cells) =>
        string.Join("  ", cells.Select((c, i) => c.PadLeft(widths[i]))).TrimEnd();

    /// <summary>The loss table drawn on a terminal: epoch, mean training loss of the epoch, each metric on all rows after it, seconds so far.</summary>
    public static IRenderable LossTable(IReadOnlyList<EpochRow> rows, string[] metrics)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("epoch").RightAligned());
        table.AddColumn(new TableColumn("loss").RightAligned());
        foreach (var m in metrics) table.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
        table.AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var r in rows) table.AddRow([.. CellsOf(r).Select(c => new Text(c))]);
        return table;
    }

    /// <summary>A Spectre console writing to <paramref name="stdout"/>: colours and live updates for a terminal, plain text otherwise.</summary>
    public static IAnsiConsole MakeConsole(TextWriter stdout, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 100;
        return console;
    }
}
