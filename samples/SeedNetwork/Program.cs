// The seed network of the Theano example Symbolic descends from: a two-layer classifier trained
// by plain SGD on random data. x is 32x500 uniform in [0, 1), labels are int64 in 0..4, the weights
// start at 0.01 times standard normal; relu, softmax, mean categorical cross-entropy, 20 steps at
// learning rate 0.1. Prints the loss at each step, then the optimized graph and the generated code.
using Symbolic;

const int batch = 32, features = 500, hidden = 50, classes = 5, steps = 20;
const float learningRate = 0.1f;
var rng = new Random(1234);

float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

var xs = NDArray.From(Enumerable.Range(0, batch * features).Select(_ => (float)rng.NextDouble()).ToArray(), batch, features);
var ys = NDArray.From(Enumerable.Range(0, batch).Select(_ => (long)rng.Next(classes)).ToArray(), batch);

var x = T.Matrix("x");
var y = T.Vector("y", DType.Int64);
var w1 = T.Shared(NDArray.From(Enumerable.Range(0, features * hidden).Select(_ => 0.01f * Normal()).ToArray(), features, hidden), "w1");
var w2 = T.Shared(NDArray.From(Enumerable.Range(0, hidden * classes).Select(_ => 0.01f * Normal()).ToArray(), hidden, classes), "w2");

var h = T.Relu(T.Dot(x, w1));
var probs = T.Softmax(T.Dot(h, w2));
var loss = T.Mean(T.CategoricalCrossentropy(probs, y));
var g = T.Grad(loss, w1, w2);

var train = Function.Compile([x, y], [loss],
    updates: [(w1, w1 - learningRate * g[0]), (w2, w2 - learningRate * g[1])]);

for (int step = 1; step <= steps; step++)
{
    var l = train.Invoke(xs, ys)[0].Item<float>();
    Console.WriteLine($"step {step,2}  loss {l:F6}");
}

Console.WriteLine();
Console.WriteLine("== optimized graph ==");
Console.WriteLine(train.DebugPrint());
Console.WriteLine("== generated source ==");
Console.WriteLine(train.Source);
