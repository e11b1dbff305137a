using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Diagnostics;
using Symbolic.Parsing;

namespace Symbolic.Cli;

/// <summary>Where the command looks for outside programs and files; tests replace the machine's.</summary>
/// <param name="SearchPath">The folders searched for Graphviz's <c>dot</c>, as in <c>PATH</c>; null: the process's <c>PATH</c>.</param>
/// <param name="CurrentDirectory">Where <c>bench</c> starts looking for <c>Symbolic.sln</c>; null: the process's current directory.</param>
public sealed record CliContext(string? SearchPath = null, string? CurrentDirectory = null)
{
    public static CliContext Default { get; } = new();
}

/// <summary>
/// The <c>symbolic</c> command, on System.CommandLine: <c>compile</c>, <c>graph</c>, <c>bench</c> and
/// <c>functions</c>, with today's <c>optimize</c>, <c>source</c> and <c>dot</c> kept as hidden
/// aliases. <see cref="Run"/> is the whole program, writing to the writers it is given, so tests
/// call it in-process. Exit codes: <see cref="Ok"/>, <see cref="Unavailable"/>, <see cref="UsageError"/>.
/// </summary>
public static class CliApp
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The input was fine but something it needs is not on this machine: a CUDA device or backend, Graphviz, the repository for <c>bench</c>.</summary>
    public const int Unavailable = 1;

    /// <summary>Bad input: an unknown command or option, a bad expression or <c>--var</c>, a file that cannot be written.</summary>
    public const int UsageError = 2;

    /// <summary>What <c>compile --show</c> can print, in the order sections are printed.</summary>
    public static readonly IReadOnlyList<string> ShowNames = ["graph", "optimized", "trace", "kernels", "source", "plan", "ptx"];

    /// <summary>What <c>graph --format</c> can write.</summary>
    public static readonly IReadOnlyList<string> FormatNames = ["text", "dot", "svg"];

    /// <summary>The section that ends every command's help.</summary>
    public const string ExitCodesHelp =
        "Exit codes:\n" +
        "  0  done\n" +
        "  1  not available on this machine: no CUDA device or backend (--device cuda), no Graphviz (--format svg),\n" +
        "     no Symbolic.sln above the current folder (bench)\n" +
        "  2  bad input: an unknown command or option, a bad expression or --var, a file that cannot be written;\n" +
        "     one line on standard error\n";

    private const string GraphExample = "symbolic graph \"log(1 + exp(x))\" --var x:matrix";

    /// <summary>Runs the command line <paramref name="args"/>, writing its output and its errors to the writers given.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CliContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        context ??= CliContext.Default;
        var root = BuildRoot(stdout, stderr, context);
        if (args.Length == 0)
        {
            stderr.WriteLine($"symbolic: give a command: {string.Join(", ", VisibleCommands(root))} (run 'symbolic --help' for usage)");
            return UsageError;
        }
        ParseResult result;
        try
        {
            result = root.Parse(args);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"symbolic: {OneLine(e.Message)}");
            return UsageError;
        }
        bool help = result.Action is HelpWithExitCodes;
        if (!help && result.Errors.Count > 0)
        {
            var command = result.CommandResult.Command;
            var first = result.Errors.OrderBy(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).First();
            stderr.WriteLine($"{Prefix(command)}: {Describe(first, root)} (run '{Prefix(command)} --help' for usage)");
            return UsageError;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"symbolic: {e.GetType().Name}: {OneLine(e.Message)}");
            return UsageError;
        }
    }

    /// <summary>The text of <c>symbolic --help</c>.</summary>
    public static string Usage()
    {
        var w = new StringWriter { NewLine = "\n" };
        Run(["--help"], w, TextWriter.Null);
        return w.ToString();
    }

    private static IEnumerable<string> VisibleCommands(Command root) => root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);

    private static string Prefix(Command command) => command is RootCommand ? "symbolic" : $"symbolic {command.Name}";

    /// <summary>A parse error as one line, in the words of this command rather than the library's where they are clearer.</summary>
    private static string Describe(ParseError error, RootCommand root)
    {
        switch (error.SymbolResult)
        {
            case OptionResult o when o.Tokens.Count == 0 && o.IdentifierToken is { } id:
                return $"{id.Value} needs a value{OptionExample(o.Option)}";
            case ArgumentResult { Argument.Name: "expr", Tokens.Count: 0, Parent: CommandResult c }:
                return $"give an expression, as in {ExampleFor(c.Command.Name)}";
            case CommandResult c when c.Command.Arguments.Any(a => a.Name == "expr")
                && error.Message.StartsWith("Required argument missing", StringComparison.Ordinal):
                return $"give an expression, as in {ExampleFor(c.Command.Name)}";
        }
        var message = error.Message;
        const string unrecognized = "Unrecognized command or argument '";
        if (message.StartsWith(unrecognized, StringComparison.Ordinal))
        {
            var token = message[unrecognized.Length..message.LastIndexOf('\'')];
            if (token.StartsWith('-')) return $"unknown option '{token}'";
            return error.SymbolResult is CommandResult { Command: RootCommand }
                ? $"unknown command '{token}'; commands: {string.Join(", ", VisibleCommands(root))}"
                : $"unexpected argument '{token}'";
        }
        return OneLine(message);
    }

    private static string OptionExample(Option option) => option.Name switch
    {
        "--var" => ", as in --var x:matrix",
        "--show" => $"; one or more of {string.Join(", ", ShowNames)}",
        "--format" => $"; one of {string.Join(", ", FormatNames)}",
        "--device" => "; cpu or cuda",
        "--output" => ", a file name",
        _ => "",
    };

    private static string ExampleFor(string command) => command switch
    {
        "compile" => "symbolic compile \"log(1 + exp(x))\" --var x:matrix",
        "optimize" => "symbolic optimize \"log(1 + exp(x))\" --var x:matrix",
        "source" => "symbolic source \"sum(sqr(x - y))\" --var x:vector --var y:vector",
        "dot" => "symbolic dot \"relu(x @ w)\" --var x:matrix --var w:matrix",
        _ => GraphExample,
    };

    /// <summary>A message on one line: runs of white space, line breaks included, become one space.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');

    // ---- the commands ----

    private sealed class Common
    {
        public readonly Argument<string[]> Expressions = new("expr")
        {
            Description = "One or more expressions over the declared variables, such as \"log(1 + exp(x))\"; several print as one graph sharing their common nodes. Run 'symbolic functions' for the functions they may call.",
            Arity = ArgumentArity.OneOrMore,
        };

        public readonly Option<string[]> Vars = new("--var", "-v", "--vars")
        {
            Description = $"Declares a variable as name:kind[:dtype]; repeat it, or separate several with commas. Kinds: {VariableSpec.KindNames}. Dtypes: {VariableSpec.DTypeNames} (default {T.FloatX.ShortName()}).",
            HelpName = "name:kind[:dtype]",
        };
    }

    private static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr, CliContext context)
    {
        var root = new RootCommand(
            "symbolic: build symbolic tensor expressions, show their graphs, optimize and compile them.")
        {
            HelpName = "symbolic",
        };
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction generated } helpOption)
            helpOption.Action = new HelpWithExitCodes(generated);
        root.Add(CompileCommand(stderr));
        root.Add(GraphCommand(stderr, context));
        root.Add(Train.TrainCommand.Create(stdout, stderr));
        root.Add(BenchCommand(stdout, stderr, context));
        root.Add(FunctionsCommand(stdout));
        root.Add(OptimizeAlias(stderr));
        root.Add(SourceAlias(stderr));
        root.Add(DotAlias(stderr));
        root.Add(HelpAlias(root, stdout, stderr));
        return root;
    }

    private static Command CompileCommand(TextWriter stderr)
    {
        var common = new Common();
        var device = new Option<string>("--device", "-d")
        {
            Description = "The device to compile for. With cuda, kernels and source (CUDA C) need no GPU, and ptx needs only NVRTC; " +
                          "optimized, trace and plan compile the function, which needs a CUDA device: where there is none, one line on standard error and exit code 1.",
            DefaultValueFactory = _ => "cpu",
        };
        OnlyFrom(device, ["cpu", "cuda"]);
        var show = new Option<string[]>("--show", "-s")
        {
            Description = "What to print: graph (as built), optimized (the compiled graph), trace (the rewrites that fired), " +
                          "kernels (each generated kernel), source (the whole generated program), plan (the kernel and buffer plan), " +
                          "ptx (the CUDA module, with --device cuda). Repeat it, or separate several with commas.",
            HelpName = string.Join("|", ShowNames),
            DefaultValueFactory = _ => ["optimized"],
            CustomParser = ParseShows,
        };
        var command = new Command("compile",
            "Compile the expressions and print what the compiler made of them: by default the optimized graph.")
        {
            common.Expressions, common.Vars, device, show,
        };
        command.SetAction(r =>
        {
            var shows = r.GetValue(show)!;
            var options = new CompileOptions { Device = r.GetValue(device) == "cuda" ? Device.Cuda : Device.Cpu };
            return WithGraph(r, common, command, stderr, (inputs, outputs) =>
            {
                if (shows.Contains("ptx") && options.Device != Device.Cuda)
                    throw new UsageException("--show ptx needs --device cuda: PTX is the CUDA backend's output");
                Function? function = null;
                EmitResult? emitted = null;
                Function F() => function ??= Function.Compile(inputs, outputs, options: options);
                EmitResult E() => emitted ??= Function.Emit(inputs, outputs, options);
                var sections = new List<(string Name, string Text)>();
                foreach (var name in ShowNames.Where(shows.Contains))
                {
                    sections.Add((name, name switch
                    {
                        "graph" => Graph.DebugPrint(outputs),
                        "optimized" => F().DebugPrint(),
                        "trace" => F().RewriteTrace.Steps.Count == 0 ? "(none)\n" : F().RewriteTrace.ToString(),
                        "kernels" => string.Concat(E().Kernels.Select(k => $"// kernel {k.Name} ({k.Language})\n{WithNewline(k.Source)}")),
                        "source" => E().Source,
                        "plan" => F().KernelPlan,
                        "ptx" => E().Ptx ?? throw new DeviceUnavailableException($"No PTX: {Symbolic.CodeGen.Cuda.CudaEmitter.PtxCompiler.WhyUnavailable ?? "NVRTC gave none"}"),
                        _ => throw new UnreachableException(name),
                    }));
                }
                if (sections.Count == 1) return WithNewline(sections[0].Text);
                return string.Join("\n", sections.Select(s => $"== {s.Name} ==\n{WithNewline(s.Text)}"));
            });
        });
        return command;
    }

    /// <summary>An option that takes one of a few words, saying which where it gets another.</summary>
    private static void OnlyFrom(Option<string> option, IReadOnlyList<string> allowed)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.GetValueOrDefault<string>() is { } value && !allowed.Contains(value))
                r.AddError($"{option.Name}: '{value}' is not one of {string.Join(", ", allowed)}");
        });
        option.HelpName = string.Join("|", allowed);
    }

    /// <summary>Reads <c>--show</c> values, each a name or several separated by commas.</summary>
    private static string[] ParseShows(ArgumentResult result)
    {
        var shows = new List<string>();
        foreach (var token in result.Tokens)
        {
            var parts = token.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var bad = parts.Length == 0 ? token.Value : parts.FirstOrDefault(p => !ShowNames.Contains(p.ToLowerInvariant()));
            if (bad is not null)
            {
                result.AddError($"--show: '{bad}' is not something to show; one or more of {string.Join(", ", ShowNames)}");
                return [];
            }
            shows.AddRange(parts.Select(p => p.ToLowerInvariant()));
        }
        return [.. shows.Distinct()];
    }

    private static Command GraphCommand(TextWriter stderr, CliContext context)
    {
        var common = new Common();
        var format = new Option<string>("--format", "-f")
        {
            Description = "text: one node a line, in Theano's debugprint layout; dot: Graphviz DOT; svg: a picture, drawn by Graphviz's dot " +
                          "where it is on PATH (else one line saying how to install it, and exit code 1).",
            DefaultValueFactory = _ => "text",
        };
        OnlyFrom(format, FormatNames);
        var output = new Option<string>("--output", "-o")
        {
            Description = "Write to this file instead of standard output.",
            HelpName = "file",
        };
        var optimized = new Option<bool>("--optimized")
        {
            Description = "Show the compiled (optimized) graph instead of the graph as built.",
        };
        var command = new Command("graph",
            "Print the graph of the expressions: as built, or as compiled with --optimized; as text, DOT or SVG.")
        {
            common.Expressions, common.Vars, format, output, optimized,
        };
        command.SetAction(r =>
        {
            var fmt = r.GetValue(format)!;
            var file = r.GetValue(output);
            var dot = fmt == "svg" ? FindOnPath("dot", context.SearchPath ?? Environment.GetEnvironmentVariable("PATH")) : null;
            if (fmt == "svg" && dot is null)
            {
                stderr.WriteLine("symbolic graph: --format svg needs Graphviz's dot on PATH; install it with 'apt-get install graphviz' (or your system's graphviz package), or write DOT with --format dot");
                return Unavailable;
            }
            return WithGraph(r, common, command, stderr, (inputs, outputs) =>
            {
                var shown = r.GetValue(optimized) ? [.. Function.Compile(inputs, outputs).Optimized] : outputs;
                return fmt switch
                {
                    "text" => Graph.DebugPrint(shown),
                    "dot" => Graph.ToDot(shown),
                    _ => RunDot(dot!, Graph.ToDot(shown)),
                };
            }, file);
        });
        return command;
    }

    private static Command BenchCommand(TextWriter stdout, TextWriter stderr, CliContext context)
    {
        var forwarded = new Argument<string[]>("args")
        {
            Description = "Arguments for the benchmark runner (default: quick); put -- before any that start with '-'.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Print the command that would run, and run nothing.",
        };
        var command = new Command("bench",
            "Run the quick benchmark runner (bench/Symbolic.Bench, in Release) of the Symbolic clone that holds the current folder.")
        {
            forwarded, dryRun,
        };
        command.SetAction(r =>
        {
            var rest = r.GetValue(forwarded) is { Length: > 0 } given ? given : ["quick"];
            if (UnknownOption(r, rest, "symbolic bench", stderr)) return UsageError;
            var start = context.CurrentDirectory ?? Environment.CurrentDirectory;
            var root = FindRepositoryRoot(start);
            if (root is null)
            {
                stderr.WriteLine($"symbolic bench: no Symbolic.sln in {start} or any folder above it; run bench from inside a clone of the Symbolic repository");
                return Unavailable;
            }
            string[] arguments = ["run", "-c", "Release", "--project", Path.Combine(root, "bench", "Symbolic.Bench"), "--", .. rest];
            if (r.GetValue(dryRun))
            {
                stdout.WriteLine("dotnet " + string.Join(' ', arguments.Select(Quote)));
                return Ok;
            }
            // The dotnet that runs this command where it runs under one (dotnet symbolic.dll), else the one on PATH.
            var dotnet = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
            try
            {
                return RunProcess(dotnet, arguments, root, null, stdout, stderr);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                stderr.WriteLine($"symbolic bench: could not start {dotnet}: {OneLine(e.Message)}");
                return Unavailable;
            }
        });
        return command;
    }

    private static Command FunctionsCommand(TextWriter stdout)
    {
        var command = new Command("functions", "List the functions an expression may call.");
        command.SetAction(_ =>
        {
            foreach (var s in ExpressionParser.FunctionSignatures) stdout.WriteLine(s);
            return Ok;
        });
        return command;
    }

    // ---- today's commands, kept as hidden aliases ----

    /// <summary><c>optimize</c>: the optimized graph, then the rewrites that made it (<c>compile --show optimized,trace</c> in the layout it always had).</summary>
    private static Command OptimizeAlias(TextWriter stderr)
    {
        var common = new Common();
        var command = new Command("optimize", "Same as compile --show optimized,trace.") { common.Expressions, common.Vars };
        command.Hidden = true;
        command.SetAction(r => WithGraph(r, common, command, stderr, (inputs, outputs) =>
        {
            var f = Function.Compile(inputs, outputs);
            return f.DebugPrint() + "\nrewrites:\n" + (f.RewriteTrace.Steps.Count == 0 ? "(none)\n" : f.RewriteTrace.ToString());
        }));
        return command;
    }

    /// <summary><c>source</c>: <c>compile --show source</c>.</summary>
    private static Command SourceAlias(TextWriter stderr)
    {
        var common = new Common();
        var command = new Command("source", "Same as compile --show source.") { common.Expressions, common.Vars };
        command.Hidden = true;
        command.SetAction(r => WithGraph(r, common, command, stderr, (inputs, outputs) => Function.Emit(inputs, outputs, CompileOptions.Default).Source));
        return command;
    }

    /// <summary><c>dot</c>: <c>graph --format dot</c>.</summary>
    private static Command DotAlias(TextWriter stderr)
    {
        var common = new Common();
        var command = new Command("dot", "Same as graph --format dot.") { common.Expressions, common.Vars };
        command.Hidden = true;
        command.SetAction(r => WithGraph(r, common, command, stderr, (_, outputs) => Graph.ToDot(outputs)));
        return command;
    }

    /// <summary><c>help [command]</c>: <c>[command] --help</c>.</summary>
    private static Command HelpAlias(RootCommand root, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("command") { Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "Same as [command] --help.") { name };
        command.Hidden = true;
        command.SetAction(r =>
        {
            var which = r.GetValue(name);
            if (which is not null && !root.Subcommands.Any(c => c.Name == which))
            {
                stderr.WriteLine($"symbolic help: unknown command '{which}'; commands: {string.Join(", ", VisibleCommands(root))}");
                return UsageError;
            }
            return Run(which is null ? ["--help"] : [which, "--help"], stdout, stderr);
        });
        return command;
    }

    /// <summary>The generated help, then the exit codes.</summary>
    private sealed class HelpWithExitCodes(HelpAction generated) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            // Help leaves hidden commands out, and the aliases are hidden from the list of commands only.
            var command = parseResult.CommandResult.Command;
            bool hidden = command.Hidden;
            command.Hidden = false;
            try
            {
                generated.Invoke(parseResult);
            }
            finally
            {
                command.Hidden = hidden;
            }
            var output = parseResult.InvocationConfiguration.Output;
            if (parseResult.CommandResult.Command.Name is not ("functions" or "help")) output.WriteLine(ExitCodesHelp);
            return Ok;
        }
    }

    // ---- shared steps ----

    /// <summary>Bad input found while running a command: one line on standard error, exit code 2.</summary>
    private sealed class UsageException(string message) : Exception(message);

    /// <summary>
    /// Declares the variables, parses each expression, then writes what <paramref name="print"/>
    /// makes of the variables (the inputs) and the parsed graphs (the outputs), to
    /// <paramref name="file"/> or standard output. Every failure is one line on standard error.
    /// </summary>
    private static int WithGraph(ParseResult r, Common common, Command command, TextWriter stderr, Func<Variable[], Variable[], string> print, string? file = null)
    {
        var prefix = Prefix(command);
        var variables = new List<Variable>();
        foreach (var spec in r.GetValue(common.Vars) ?? [])
        {
            try
            {
                VariableSpec.Parse(spec, variables);
            }
            catch (FormatException e)
            {
                stderr.WriteLine($"{prefix}: {e.Message.TrimEnd('.')} (run '{prefix} --help' for usage)");
                return UsageError;
            }
        }
        var texts = r.GetValue(common.Expressions) ?? [];
        if (UnknownOption(r, texts, prefix, stderr)) return UsageError;
        var outputs = new Variable[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            try
            {
                outputs[i] = T.Parse(texts[i], [.. variables]);
            }
            catch (ParseException e)
            {
                var where = texts.Length > 1 ? $"expression {i + 1}: " : "";
                var shown = texts[i].Contains('\n') || texts[i].Length > 80 ? "" : $" in \"{texts[i]}\"";
                var hint = variables.Count == 0 && e.Reason.StartsWith("unknown variable", StringComparison.Ordinal)
                    ? "; declare the variables an expression uses with --var, as in --var x:matrix --var y:vector:int64"
                    : "";
                stderr.WriteLine($"{prefix}: {where}{FirstLine(e.Message)}{shown}{hint}");
                return UsageError;
            }
        }
        string text;
        try
        {
            text = print([.. variables], outputs);
        }
        catch (DeviceUnavailableException e)
        {
            stderr.WriteLine($"{prefix}: {OneLine(e.Message)}");
            return Unavailable;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"{prefix}: {e.Message} (run '{prefix} --help' for usage)");
            return UsageError;
        }
        catch (GraphvizException e)
        {
            stderr.WriteLine($"{prefix}: {OneLine(e.Message)}");
            return Unavailable;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever compiling the expressions raised (a bad argument, a constant index out of
            // range found while folding constants, ...) is the expression's fault: say so, never crash.
            var known = e is ArgumentException or InvalidOperationException or IndexOutOfRangeException;
            stderr.WriteLine(known ? $"{prefix}: {OneLine(e.Message)}" : $"{prefix}: {e.GetType().Name}: {OneLine(e.Message)}");
            return UsageError;
        }
        if (file is null)
        {
            r.InvocationConfiguration.Output.Write(text);
            return Ok;
        }
        try
        {
            File.WriteAllText(file, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"{prefix}: cannot write '{file}': {OneLine(e.Message)}");
            return UsageError;
        }
        return Ok;
    }

    /// <summary>
    /// Where one of <paramref name="values"/>, taken as arguments, looks like an option (--name) and came
    /// before any '--', it is an option this command lacks: says so in one line and returns true.
    /// </summary>
    private static bool UnknownOption(ParseResult r, IEnumerable<string> values, string prefix, TextWriter stderr)
    {
        var beforeDoubleDash = r.Tokens.TakeWhile(t => t.Type != TokenType.DoubleDash).Where(t => t.Type == TokenType.Argument).Select(t => t.Value).ToHashSet();
        if (values.FirstOrDefault(t => t.StartsWith("--", StringComparison.Ordinal) && t.Length > 2 && beforeDoubleDash.Contains(t)) is not { } unknown) return false;
        stderr.WriteLine($"{prefix}: unknown option '{unknown.Split('=')[0]}' (run '{prefix} --help' for usage)");
        return true;
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n')[0];
        return line.EndsWith(':') ? line[..^1] : line;
    }

    private static string WithNewline(string s) => s.Length == 0 || s.EndsWith('\n') ? s : s + "\n";

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./:=".Contains(c)) ? s : $"'{s.Replace("'", "'\\''")}'";

    // ---- outside programs ----

    private sealed class GraphvizException(string message) : Exception(message);

    /// <summary>The full path of <paramref name="program"/> in the folders of <paramref name="searchPath"/> (a PATH value), or null.</summary>
    public static string? FindOnPath(string program, string? searchPath)
    {
        if (string.IsNullOrEmpty(searchPath)) return null;
        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? [program + ".exe", program] : new[] { program })
            {
                string candidate;
                try
                {
                    candidate = Path.Combine(dir, name);
                }
                catch (ArgumentException)
                {
                    continue;
                }
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>The folder holding <c>Symbolic.sln</c>: <paramref name="start"/> or the nearest folder above it; null where there is none.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Symbolic.sln"))) return dir.FullName;
        return null;
    }

    private static string RunDot(string dot, string dotText)
    {
        var output = new StringWriter { NewLine = "\n" };
        var errors = new StringWriter { NewLine = "\n" };
        int code;
        try
        {
            code = RunProcess(dot, ["-Tsvg"], null, dotText, output, errors);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new GraphvizException($"could not start Graphviz's dot ({dot}): {e.Message}");
        }
        if (code != 0)
            throw new GraphvizException($"Graphviz's dot failed with exit code {code}: {errors.ToString().Trim()}");
        return output.ToString();
    }

    /// <summary>Runs a program, copying its output and errors line by line to the writers; returns its exit code.</summary>
    private static int RunProcess(string program, IEnumerable<string> arguments, string? workingDirectory, string? input,
        TextWriter stdout, TextWriter stderr)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var lockObject = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lockObject) stdout.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lockObject) stderr.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        process.WaitForExit();
        return process.ExitCode;
    }
}
