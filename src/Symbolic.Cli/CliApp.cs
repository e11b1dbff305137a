using Symbolic;

namespace Symbolic.Cli;

/// <summary>
/// The <c>symbolic</c> command: parse an expression over declared variables and show its graph
/// as built, as optimized (with the rewrite trace), or the generated program.
/// </summary>
public static class CliApp
{
    public const string Usage = """
        usage: symbolic <command> "<expression>" --vars name:kind[:dtype],...

        commands:
          graph     the graph as built (debugprint)
          optimize  the optimized graph and the rewrites that made it
          source    the generated C# program
          dot       the graph as built, in Graphviz DOT

        kinds: scalar, vector, matrix, tensor3, tensor4; dtypes: float32 (default), float64, int32, int64, bool
        example: symbolic optimize "log(1 + exp(x))" --vars x:matrix
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }
        try
        {
            var command = args[0];
            if (command is not ("graph" or "optimize" or "source" or "dot"))
                throw new ArgumentException($"Unknown command '{command}'.");
            if (args.Length < 2) throw new ArgumentException($"'{command}' needs an expression.");
            var vars = ParseVars(args.Skip(2).ToArray());
            var expr = T.Parse(args[1], vars);
            output.Write(command switch
            {
                "graph" => Graph.DebugPrint(expr),
                "dot" => Graph.ToDot(expr),
                "optimize" => Optimize(vars, expr),
                _ => Function.Emit(vars, [expr], new CompileOptions()).Source,
            });
            return 0;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"symbolic: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }
    }

    private static string Optimize(Variable[] vars, Variable expr)
    {
        var f = Function.Compile(vars, [expr]);
        return f.DebugPrint() + "\nrewrites:\n" + (f.RewriteTrace.Steps.Count == 0 ? "(none)\n" : f.RewriteTrace.ToString());
    }

    /// <summary>Reads <c>--vars x:matrix,y:vector:int64</c>.</summary>
    public static Variable[] ParseVars(string[] options)
    {
        if (options.Length == 0) return [];
        if (options[0] != "--vars" || options.Length != 2)
            throw new ArgumentException($"Expected --vars name:kind[:dtype],... after the expression, got '{string.Join(" ", options)}'.");
        return options[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(spec =>
        {
            var parts = spec.Split(':');
            if (parts.Length is < 2 or > 3) throw new ArgumentException($"Variable '{spec}' should be name:kind or name:kind:dtype.");
            var dtype = parts.Length == 3 ? ParseDType(parts[2]) : T.FloatX;
            int ndim = parts[1] switch
            {
                "scalar" => 0, "vector" => 1, "matrix" => 2, "tensor3" => 3, "tensor4" => 4,
                _ => throw new ArgumentException($"Unknown kind '{parts[1]}' for '{parts[0]}'; use scalar, vector, matrix, tensor3 or tensor4."),
            };
            return T.Tensor(parts[0], ndim, dtype);
        }).ToArray();
    }

    private static DType ParseDType(string s) => s switch
    {
        "float32" => DType.Float32, "float64" => DType.Float64, "int32" => DType.Int32, "int64" => DType.Int64, "bool" => DType.Bool,
        _ => throw new ArgumentException($"Unknown dtype '{s}'; use float32, float64, int32, int64 or bool."),
    };
}
