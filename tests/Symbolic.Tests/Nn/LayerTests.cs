using Symbolic.Nn;

namespace Symbolic.Tests.Nn;

public class LayerTests
{
    [Fact]
    public void DenseHasAWeightAndABiasOfTheRightShapesAndFloatX()
    {
        var d = new Dense(4, 3, name: "fc");
        Assert.Equal(2, d.Parameters.Count);
        Assert.Equal([4, 3], d.Weight.Value.Shape);
        Assert.Equal([3], d.Bias!.Value.Shape);
        Assert.Equal(T.FloatX, d.Weight.DType);
        Assert.Equal("fc.weight", d.Weight.Name);
        Assert.Equal("fc.bias", d.Bias.Name);
        Assert.All(d.Bias.Value.ToArray<double>(), v => Assert.Equal(0, v));
        Assert.Single(new Dense(4, 3, useBias: false).Parameters);
        Assert.Equal(DType.Float64, new Dense(2, 2, dtype: DType.Float64).Weight.DType);
        Assert.Throws<ArgumentException>(() => new Dense(2, 2, dtype: DType.Int32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0, 2));
    }

    [Fact]
    public void SequentialAppliesItsLayersInOrderAndCountsParameters()
    {
        var rng = new Random(3);
        var net = new Sequential(new Dense(5, 8, random: rng), new Relu(), new Dense(8, 2, random: rng), new Softmax());
        Assert.Equal(4, net.Parameters.Count);
        Assert.Equal(5 * 8 + 8 + 8 * 2 + 2, net.ParameterCount);
        var x = T.Matrix("x");
        var y = net.Apply(x);
        Assert.Equal(2, y.NDim);
        var outs = Function.Compile([x], [y]).Invoke(NDArray.Full(0.5, DType.Float32, 7, 5))[0];
        Assert.Equal([7, 2], outs.Shape);
        var rows = outs.ToArray<float>();
        for (int r = 0; r < 7; r++) Assert.Equal(1f, rows[2 * r] + rows[2 * r + 1], 1e-5f);
    }

    [Fact]
    public void DenseComputesXTimesWPlusBThenItsActivation()
    {
        var d = new Dense(2, 2, activation: T.Relu, dtype: DType.Float64);
        d.Weight.Value = NDArray.From(new double[] { 1, -1, 2, -2 }, 2, 2);
        d.Bias!.Value = NDArray.From(new double[] { 0.5, 0.5 });
        var x = T.Matrix("x", DType.Float64);
        var r = Function.Compile([x], [d.Apply(x)]).Invoke(NDArray.From(new double[] { 1, 1, 3, -1 }, 2, 2))[0];
        // rows: [1,1]·W = [3,-3] + .5 -> relu [3.5, 0]; [3,-1]·W = [1,-1] + .5 -> [1.5, 0]
        Assert.Equal(new double[] { 3.5, 0, 1.5, 0 }, r.ToArray<double>());
    }

    [Fact]
    public void ActivationLayersMatchTheirFunctions()
    {
        var x = T.Vector("x", DType.Float64);
        var layers = new Layer[] { new Relu(), new Tanh(), new Sigmoid(), new Softmax(), new LogSoftmax(), new Lambda(v => 2 * v) };
        var f = Function.Compile([x], [.. layers.Select(l => l.Apply(x))]);
        var outs = f.Invoke(NDArray.From(new double[] { -1, 0, 2 }));
        Assert.Equal(new double[] { 0, 0, 2 }, outs[0].ToArray<double>());
        Assert.Equal(Math.Tanh(2), outs[1].ToArray<double>()[2], 1e-12);
        Assert.Equal(0.5, outs[2].ToArray<double>()[1], 1e-12);
        Assert.Equal(1, outs[3].ToArray<double>().Sum(), 1e-12);
        Assert.Equal(outs[3].ToArray<double>().Select(v => Math.Log(v)), outs[4].ToArray<double>(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(new double[] { -2, 0, 4 }, outs[5].ToArray<double>());
        Assert.All(layers, l => Assert.Empty(l.Parameters));
    }

    [Fact]
    public void InitializersAreSeededAndHaveRoughlyTheRightSpread()
    {
        const int fanIn = 200, fanOut = 300;
        var g = new GlorotUniform().Create([fanIn, fanOut], fanIn, fanOut, DType.Float64, new Random(1)).ToArray<double>();
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        Assert.All(g, v => Assert.InRange(v, -limit, limit));
        Assert.InRange(g.Average(), -0.01, 0.01);
        Assert.InRange(Variance(g), 0.9 * 2.0 / (fanIn + fanOut), 1.1 * 2.0 / (fanIn + fanOut));

        var h = new HeNormal().Create([fanIn, fanOut], fanIn, fanOut, DType.Float32, new Random(2)).ToArray<double>();
        Assert.InRange(h.Average(), -0.01, 0.01);
        Assert.InRange(Variance(h), 0.9 * 2.0 / fanIn, 1.1 * 2.0 / fanIn);

        var again = new GlorotUniform().Create([fanIn, fanOut], fanIn, fanOut, DType.Float64, new Random(1)).ToArray<double>();
        Assert.Equal(g, again);
        Assert.Equal(new Dense(3, 4).Weight.Value.ToArray<float>(), new Dense(3, 4).Weight.Value.ToArray<float>());
        var rng = new Random(5);
        Assert.NotEqual(new Dense(3, 4, random: rng).Weight.Value.ToArray<float>(), new Dense(3, 4, random: rng).Weight.Value.ToArray<float>());
        Assert.All(new Zeros().Create([3], 1, 1, DType.Float64, new Random(0)).ToArray<double>(), v => Assert.Equal(0, v));
    }

    private static double Variance(double[] v)
    {
        double m = v.Average();
        return v.Sum(x => (x - m) * (x - m)) / v.Length;
    }

    [Fact]
    public void LossesAreScalarMeans()
    {
        var p = T.Matrix("p", DType.Float64);
        var t = T.Matrix("t", DType.Float64);
        var labels = T.Vector("labels", DType.Int64);
        var f = Function.Compile([p, t, labels], [Loss.MeanSquaredError(p, t), Loss.BinaryCrossentropy(p, t), Loss.CategoricalCrossentropy(p, labels), Loss.SoftmaxCrossentropy(p, labels)]);
        var pv = NDArray.From(new double[] { 0.25, 0.75, 0.5, 0.5 }, 2, 2);
        var tv = NDArray.From(new double[] { 0, 1, 1, 0 }, 2, 2);
        var outs = f.Invoke(pv, tv, NDArray.From(new long[] { 1, 0 }));
        Assert.All(outs, o => Assert.Empty(o.Shape));
        Assert.Equal((0.0625 + 0.0625 + 0.25 + 0.25) / 4, outs[0].Item<double>(), 1e-12);
        Assert.Equal(-(Math.Log(0.75) * 2 + Math.Log(0.5) * 2) / 4, outs[1].Item<double>(), 1e-12);
        Assert.Equal(-(Math.Log(0.75) + Math.Log(0.5)) / 2, outs[2].Item<double>(), 1e-12);
        double Lse(double a, double b) => Math.Log(Math.Exp(a) + Math.Exp(b));
        Assert.Equal((Lse(0.25, 0.75) - 0.75 + Lse(0.5, 0.5) - 0.5) / 2, outs[3].Item<double>(), 1e-12);
    }
}
