using System.CommandLine;

namespace Symbolic.Cli.Train;

/// <summary><c>symbolic train &lt;model-file&gt;</c>: the Caffe workflow, a model and its solver trained from a text file.</summary>
public static class TrainCommand
{
    public const string Description =
        "Train the model that a model file describes, and save its weights (safetensors). The file names the data " +
        "(a CSV file, or a seeded synthetic set: spirals, blobs), the inputs and the columns that fill them, the parameters " +
        "with their shapes and initializers, the layers and the loss as expressions (the syntax of 'symbolic compile'), " +
        "metrics, the optimizer (sgd, adam, rmsprop) and its settings, epochs, batch size, seed and where to save. " +
        "Format: docs/train-format.md; example: samples/CaffeStyle/xor.model.\n" +
        "Prints a progress bar on a terminal (one line every tenth of the run elsewhere, as in a CI log), then a loss table.\n" +
        "A bad model file or data file (an unknown key, a bad expression, shapes that do not fit, a malformed CSV) " +
        "is one line on standard error naming the file and the line, and exit code 2.";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("model-file")
        {
            Description = "The model file, such as samples/CaffeStyle/xor.model.",
        };
        var epochs = new Option<int?>("--epochs", "-e")
        {
            Description = "Train this many epochs instead of the file's 'epochs'.",
            HelpName = "n",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Save the weights to this file instead of the file's 'save' (default: the model file's name with .safetensors).",
            HelpName = "file",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Check the model file, its data and shapes, and compile the training step; train nothing and save nothing.",
        };
        var plain = new Option<bool>("--plain")
        {
            Description = "Print plain progress lines even on a terminal (the default where standard output is not one).",
        };
        var command = new Command("train", Description) { file, epochs, output, check, plain };
        command.SetAction(r =>
        {
            var path = r.GetValue(file)!;
            var n = r.GetValue(epochs);
            if (n is < 1)
            {
                stderr.WriteLine($"symbolic train: --epochs must be 1 or more, not {n} (run 'symbolic train --help' for usage)");
                return CliApp.UsageError;
            }
            bool interactive = !r.GetValue(plain) && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected
                && Environment.GetEnvironmentVariable("TERM") is not "dumb";
            return Run(path, new TrainSettings(n, r.GetValue(output), interactive, r.GetValue(check)), stdout, stderr);
        });
        return command;
    }

    /// <summary>Loads, checks and trains; any bad input is one line on <paramref name="stderr"/> and <see cref="CliApp.UsageError"/>.</summary>
    public static int Run(string path, TrainSettings settings, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var model = ModelBuilder.Build(ModelFile.Load(path));
            TrainRunner.Run(model, settings, stdout);
            return CliApp.Ok;
        }
        catch (ModelFileException e)
        {
            stderr.WriteLine($"symbolic train: {e.Message}");
            return CliApp.UsageError;
        }
    }
}
