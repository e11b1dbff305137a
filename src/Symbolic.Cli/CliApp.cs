using Symbolic.Parsing;

namespace Symbolic.Cli;

/// <summary>
/// The <c>symbolic</c> command: parse expressions over declared variables and show their graph
/// as built (debugprint or DOT), as optimized with the rewrites that made it, or the generated
/// program. <see cref="Run"/> is the whole program, writing to the writers it
/// is given, so tests call it in-process. Exit codes: 0 done, 1 the expression is wrong,
/// 2 the command line is wrong.
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int ExpressionError = 1;
    public const int UsageError = 2;

    private sealed record Command(string Name, string Arguments, string Summary, Func<Invocation, int> Run);

    /// <summary>What a command received: its positional arguments and declared variables.</summary>
    private sealed record Invocation(IReadOnlyList<string> Positional, IReadOnlyList<Variable> Variables, TextWriter Out, TextWriter Err);

    private static readonly Command[] Commands =
    [
        new("graph", "<expr>... [--vars VARS]",
            "print the graph of the expressions as built, one node a line (Theano's debugprint layout)",
            inv => PrintGraph(inv, (_, outputs) => Graph.DebugPrint(outputs))),
        new("optimize", "<expr>... [--vars VARS]",
            "compile the expressions and print the optimized graph, then the rewrites that made it",
            inv => PrintGraph(inv, (inputs, outputs) =>
            {
                var f = Function.Compile(inputs, outputs);
                return f.DebugPrint() + "\nrewrites:\n" + (f.RewriteTrace.Steps.Count == 0 ? "(none)\n" : f.RewriteTrace.ToString());
            })),
        new("source", "<expr>... [--vars VARS]",
            "print the C# program generated for the expressions (the declared variables are its inputs, in order)",
            inv => PrintGraph(inv, (inputs, outputs) => Function.Emit(inputs, outputs, CompileOptions.Default).Source)),
        new("dot", "<expr>... [--vars VARS]",
            "print the graph of the expressions as built in Graphviz DOT (pipe it to dot -Tsvg)",
            inv => PrintGraph(inv, (_, outputs) => Graph.ToDot(outputs))),
        new("functions", "",
            "list the functions an expression may call",
            inv =>
            {
                foreach (var s in ExpressionParser.FunctionSignatures) inv.Out.WriteLine(s);
                return Ok;
            }),
        // More commands go here, one entry each: the name, its arguments, a line of help and what it runs.
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            stderr.Write(Usage());
            return UsageError;
        }
        var first = args[0];
        if (first is "--help" or "-h" or "-?" or "help")
        {
            if (first == "help" && args.Length > 1) return Help(args[1], stdout, stderr);
            stdout.Write(Usage());
            return Ok;
        }
        var command = Commands.FirstOrDefault(c => c.Name == first);
        if (command is null)
        {
            stderr.WriteLine(first.StartsWith('-')
                ? $"symbolic: expected a command before '{first}'."
                : $"symbolic: unknown command '{first}'; commands: {string.Join(", ", Commands.Select(c => c.Name))}.");
            stderr.WriteLine("Run 'symbolic --help' for usage.");
            return UsageError;
        }

        var positional = new List<string>();
        var variables = new List<Variable>();
        bool optionsDone = false;
        for (int i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (optionsDone || !(a.StartsWith("--", StringComparison.Ordinal) || a is "-h" or "-?"))
            {
                positional.Add(a);
                continue;
            }
            if (a == "--")
            {
                optionsDone = true;
                continue;
            }
            if (a is "--help" or "-h" or "-?") return Help(command.Name, stdout, stderr);
            var (name, inlineValue) = a.IndexOf('=') is var eq and > 0 ? (a[..eq], a[(eq + 1)..]) : (a, null);
            if (name != "--vars")
                return UsageFailure(stderr, command, $"unknown option '{name}'.");
            string? value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Length) return UsageFailure(stderr, command, "--vars needs a value, as in --vars x:matrix,y:vector.");
                value = args[++i];
            }
            try
            {
                VariableSpec.Parse(value, variables);
            }
            catch (FormatException e)
            {
                return UsageFailure(stderr, command, e.Message);
            }
        }
        if (command.Name is not "functions" && positional.Count == 0)
            return UsageFailure(stderr, command, "give an expression, as in " + Example(command.Name) + ".");
        if (command.Name is "functions" && positional.Count > 0)
            return UsageFailure(stderr, command, $"unexpected argument '{positional[0]}'.");
        return command.Run(new Invocation(positional, variables, stdout, stderr));
    }

    /// <summary>Parses each expression, then prints what <paramref name="print"/> makes of the declared variables (the inputs) and the parsed graphs (the outputs).</summary>
    private static int PrintGraph(Invocation inv, Func<Variable[], Variable[], string> print)
    {
        var outputs = new Variable[inv.Positional.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            try
            {
                outputs[i] = T.Parse(inv.Positional[i], [.. inv.Variables]);
            }
            catch (ParseException e)
            {
                inv.Err.WriteLine($"symbolic: {e.Message}");
                if (inv.Variables.Count == 0 && e.Reason.StartsWith("unknown variable", StringComparison.Ordinal))
                    inv.Err.WriteLine("Declare the variables an expression uses with --vars, as in --vars x:matrix,y:vector:int64.");
                return ExpressionError;
            }
        }
        string text;
        try
        {
            text = print([.. inv.Variables], outputs);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever compiling the expressions raised (a bad argument, a constant index out of
            // range found while folding constants, ...) is the expression's fault: say so, never crash.
            var known = e is ArgumentException or InvalidOperationException or DeviceUnavailableException or IndexOutOfRangeException;
            inv.Err.WriteLine(known ? $"symbolic: {e.Message}" : $"symbolic: {e.GetType().Name}: {e.Message}");
            return ExpressionError;
        }
        inv.Out.Write(text);
        return Ok;
    }

    private static int UsageFailure(TextWriter err, Command command, string message)
    {
        err.WriteLine($"symbolic {command.Name}: {message}");
        err.WriteLine($"Run 'symbolic {command.Name} --help' for usage.");
        return UsageError;
    }

    private static int Help(string commandName, TextWriter stdout, TextWriter stderr)
    {
        var command = Commands.FirstOrDefault(c => c.Name == commandName);
        if (command is null)
        {
            stderr.WriteLine($"symbolic: unknown command '{commandName}'; commands: {string.Join(", ", Commands.Select(c => c.Name))}.");
            return UsageError;
        }
        var w = new StringWriter { NewLine = "\n" };
        w.WriteLine($"symbolic {command.Name} {command.Arguments}".TrimEnd());
        w.WriteLine();
        w.WriteLine($"  {char.ToUpperInvariant(command.Summary[0])}{command.Summary[1..]}.");
        if (command.Name is not "functions")
        {
            w.WriteLine("  Several expressions print as one graph, sharing the nodes they have in common.");
            w.WriteLine();
            w.Write(VariablesHelp());
            w.WriteLine();
            w.WriteLine("Example:");
            w.WriteLine("  " + Example(command.Name));
        }
        stdout.Write(w.ToString());
        return Ok;
    }

    private static string Example(string command) => command switch
    {
        "optimize" => "symbolic optimize \"log(1 + exp(x))\" --vars x:matrix",
        "source" => "symbolic source \"sum(sqr(x - y))\" --vars x:vector,y:vector",
        "dot" => "symbolic dot \"mean(categorical_crossentropy(softmax(relu(x @ w1) @ w2), y))\" --vars x:matrix,w1:matrix,w2:matrix,y:vector:int64",
        _ => "symbolic graph \"log(1 + exp(x))\" --vars x:matrix",
    };

    private static string VariablesHelp() =>
        "VARS (--vars may be repeated): variables as name:kind[:dtype], separated by commas\n" +
        $"  kinds:  {VariableSpec.KindNames}\n" +
        $"  dtypes: {VariableSpec.DTypeNames} (default {T.FloatX.ShortName()})\n";

    /// <summary>The text of <c>symbolic --help</c>.</summary>
    public static string Usage()
    {
        var w = new StringWriter { NewLine = "\n" };
        w.WriteLine("symbolic: build symbolic tensor expressions, show their graphs, optimize and compile them.");
        w.WriteLine();
        w.WriteLine("Usage:");
        int width = Commands.Max(c => $"symbolic {c.Name} {c.Arguments}".TrimEnd().Length);
        foreach (var c in Commands)
            w.WriteLine($"  {$"symbolic {c.Name} {c.Arguments}".TrimEnd().PadRight(width)}  {c.Summary}");
        w.WriteLine($"  {"symbolic help <command>".PadRight(width)}  show a command's help");
        w.WriteLine();
        w.Write(VariablesHelp());
        w.WriteLine();
        w.WriteLine("Expressions: + - * / ** (power) @ (dot), comparisons < <= > >= == !=, calls such as");
        w.WriteLine("sum(x, 1, true), softmax(x), cast(x, float64), concatenate([a, b], 0), indexing x[0, 1:-1].");
        w.WriteLine();
        w.WriteLine("Examples:");
        w.WriteLine("  " + Example("graph"));
        w.WriteLine("  " + Example("optimize"));
        w.WriteLine("  " + Example("dot") + " | dot -Tsvg > net.svg");
        return w.ToString();
    }
}
