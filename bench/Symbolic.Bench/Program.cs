// Quick side-by-side measurements (not tests): run with
//   dotnet run -c Release --project bench/Symbolic.Bench [rewrite|compile|all]
// Each figure is printed with what it is compared against in docs/DESIGN targets.
using System.Diagnostics;
using Symbolic;
using Symbolic.Rewrite.Engine;

var what = args.Length > 0 ? args[0] : "all";
if (what is "rewrite" or "all") RewriteMlp();
if (what is "compile" or "all") CompileTimes();

static (Variable[] Inputs, Variable[] Outputs, (SharedVariable, Variable)[] Updates) MlpTrainingGraph()
{
    // 256x784 -> 1024 -> 1024 -> 10, relu, softmax cross-entropy, SGD updates.
    var x = T.Matrix("x");
    var y = T.Vector("y", DType.Int64);
    SharedVariable W(int r, int c, string n) => T.Shared(NDArray.Zeros(DType.Float32, r, c), n);
    SharedVariable B(int c, string n) => T.Shared(NDArray.Zeros(DType.Float32, c), n);
    var (w1, b1, w2, b2, w3, b3) = (W(784, 1024, "w1"), B(1024, "b1"), W(1024, 1024, "w2"), B(1024, "b2"), W(1024, 10, "w3"), B(10, "b3"));
    var h1 = T.Relu(T.Dot(x, w1) + b1);
    var h2 = T.Relu(T.Dot(h1, w2) + b2);
    var loss = T.Mean(T.CategoricalCrossentropy(T.Softmax(T.Dot(h2, w3) + b3), y));
    var ps = new[] { w1, b1, w2, b2, w3, b3 };
    var gs = T.Grad(loss, ps.Cast<Variable>().ToArray());
    return ([x, y], [loss], ps.Select((p, i) => (p, p - 0.01 * gs[i])).ToArray());
}

static void RewriteMlp()
{
    var (_, outs, updates) = MlpTrainingGraph();
    var all = outs.Concat(updates.Select(u => u.Item2)).ToArray();
    Rulebook.Engine.Run(all); // warm: rules parsed, code jitted
    var times = new List<double>();
    for (int i = 0; i < 20; i++)
    {
        var sw = Stopwatch.StartNew();
        var (_, trace) = Rulebook.Engine.Run(all);
        times.Add(sw.Elapsed.TotalMilliseconds);
        if (i == 0) Console.WriteLine($"MLP training graph: {GraphWalk.TopologicalOrder(all).Count} nodes, {trace.Steps.Count} rewrites fired");
    }
    times.Sort();
    Console.WriteLine($"rewrite MLP training graph (warm): median {times[times.Count / 2]:F2} ms, min {times[0]:F2} ms   (target: < 50 ms)");
}

static void CompileTimes()
{
    var sw = Stopwatch.StartNew();
    var (inputs, outs, updates) = MlpTrainingGraph();
    Function.Compile(inputs, outs, updates);
    Console.WriteLine($"Function.Compile, cold process (Roslyn not warm): {sw.Elapsed.TotalMilliseconds:F0} ms");
    var (i2, o2, u2) = MlpTrainingGraph();
    var x = T.Matrix("x2");
    sw.Restart();
    Function.Compile([x], [T.Sum(T.Tanh(x) * 3 + T.Exp(-x))]);
    Console.WriteLine($"Function.Compile of a new small graph, Roslyn warm: {sw.Elapsed.TotalMilliseconds:F0} ms   (target: < 300 ms)");
    sw.Restart();
    Function.Compile(i2, o2, u2);
    Console.WriteLine($"Function.Compile of the same MLP graph again: {sw.Elapsed.TotalMilliseconds:F0} ms   (target: < 10 ms)");
}
