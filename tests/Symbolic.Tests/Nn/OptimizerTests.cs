using Symbolic.Nn;

namespace Symbolic.Tests.Nn;

/// <summary>
/// Each optimizer against two steps computed by hand in float64 on
/// cost = sum(a * p²) + 0.5 * sum(q²), whose gradients are g_p = 2 a p and g_q = q.
/// </summary>
public class OptimizerTests
{
    private static readonly double[] A = [0.5, -1.5, 2.0];
    private static readonly double[] P0 = [1.0, -2.0, 0.25];
    private static readonly double[] Q0 = [0.3, -0.7, 1.1, 2.0];

    private static (SharedVariable P, SharedVariable Q, Variable Cost) Problem(DType dtype = DType.Float64)
    {
        var p = T.Shared(NDArray.FromDoubles(dtype, [3], P0), "p");
        var q = T.Shared(NDArray.FromDoubles(dtype, [2, 2], Q0), "q");
        var a = T.Constant(NDArray.FromDoubles(dtype, [3], A));
        return (p, q, T.Sum(a * T.Sqr(p)) + 0.5 * T.Sum(T.Sqr(q)));
    }

    private static double[] GradP(double[] p) => [.. p.Select((v, i) => 2 * A[i] * v)];

    private static double[] GradQ(double[] q) => [.. q];

    /// <summary>Runs <paramref name="steps"/> compiled steps and compares both parameters with the hand step after each.</summary>
    private static void Check(Optimizer opt, Func<double[], double[], double[], double[]> handStep, int steps = 2)
    {
        var (p, q, cost) = Problem();
        var f = Function.Compile([], [cost], updates: opt.Updates(cost, [p, q]));
        var sp = new double[P0.Length];
        var sq = new double[Q0.Length];
        double[] hp = [.. P0], hq = [.. Q0];
        var stateP = new double[3][];
        var stateQ = new double[3][];
        for (int k = 0; k < 3; k++) { stateP[k] = new double[P0.Length]; stateQ[k] = new double[Q0.Length]; }
        for (int step = 1; step <= steps; step++)
        {
            f.Invoke();
            hp = Step(handStep, hp, GradP(hp), stateP, step);
            hq = Step(handStep, hq, GradQ(hq), stateQ, step);
            Assert.Equal(hp, p.Value.ToArray<double>(), (x, y) => Math.Abs(x - y) <= 1e-12 * (1 + Math.Abs(x)));
            Assert.Equal(hq, q.Value.ToArray<double>(), (x, y) => Math.Abs(x - y) <= 1e-12 * (1 + Math.Abs(x)));
            Assert.Equal([2, 2], q.Value.Shape);
        }
    }

    private static double[] Step(Func<double[], double[], double[], double[]> handStep, double[] p, double[] g, double[][] state, int t)
    {
        // handStep gets (p, g, packed: state0 ++ state1 ++ [t]) and returns p ++ state0 ++ state1.
        int n = p.Length;
        double[] packed = [.. state[0], .. state[1], t];
        var r = handStep(p, g, packed);
        state[0] = r[n..(2 * n)];
        state[1] = r[(2 * n)..(3 * n)];
        return r[..n];
    }

    [Fact]
    public void SgdWithoutMomentumIsPlainGradientDescent()
    {
        const double lr = 0.1;
        var opt = new Sgd(lr);
        Check(opt, (p, g, s) => [.. p.Select((v, i) => v - lr * g[i]), .. new double[2 * p.Length]]);
        Assert.Empty(opt.State);
    }

    [Fact]
    public void SgdWithMomentumKeepsAVelocity()
    {
        const double lr = 0.1, mu = 0.9;
        var opt = new Sgd(lr, momentum: mu);
        Check(opt, (p, g, s) =>
        {
            int n = p.Length;
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = mu * s[i] - lr * g[i];
            return [.. p.Select((x, i) => x + v[i]), .. v, .. new double[n]];
        }, steps: 3);
        Assert.Equal(2, opt.State.Count);
        Assert.Equal("p.velocity", opt.State[0].Name);
    }

    [Fact]
    public void SgdWithNesterovLooksAhead()
    {
        const double lr = 0.05, mu = 0.8;
        Check(new Sgd(lr, momentum: mu, nesterov: true), (p, g, s) =>
        {
            int n = p.Length;
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = mu * s[i] - lr * g[i];
            return [.. p.Select((x, i) => x + mu * v[i] - lr * g[i]), .. v, .. new double[n]];
        }, steps: 3);
    }

    [Fact]
    public void AdamCorrectsTheBiasOfItsMoments()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var opt = new Adam(lr, b1, b2, eps);
        Check(opt, (p, g, s) =>
        {
            int n = p.Length;
            double t = s[2 * n];
            var m = new double[n];
            var v = new double[n];
            var np = new double[n];
            for (int i = 0; i < n; i++)
            {
                m[i] = b1 * s[i] + (1 - b1) * g[i];
                v[i] = b2 * s[n + i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = v[i] / (1 - Math.Pow(b2, t));
                np[i] = p[i] - lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            return [.. np, .. m, .. v];
        }, steps: 3);
        Assert.Equal(3.0, opt.Step!.Value.Item<double>());
    }

    [Fact]
    public void AdamsFirstStepMovesEachWeightByAboutTheLearningRate()
    {
        // With bias correction the first step is lr * g / (|g| + eps): about lr against the gradient's sign.
        var (p, q, cost) = Problem();
        Function.Compile([], [cost], updates: new Adam(0.01).Updates(cost, [p, q])).Invoke();
        var moved = p.Value.ToArray<double>().Select((v, i) => P0[i] - v).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(0.01 * Math.Sign(2 * A[i] * P0[i]), moved[i], 1e-9);
    }

    [Fact]
    public void RmsPropScalesByTheRunningMeanSquare()
    {
        const double lr = 0.01, rho = 0.9, eps = 1e-8;
        Check(new RmsProp(lr, rho, eps), (p, g, s) =>
        {
            int n = p.Length;
            var a = new double[n];
            var np = new double[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
                np[i] = p[i] - lr * g[i] / (Math.Sqrt(a[i]) + eps);
            }
            return [.. np, .. a, .. new double[n]];
        }, steps: 3);
    }

    public static TheoryData<string> Names => ["sgd", "momentum", "nesterov", "adam", "rmsprop"];

    private static Optimizer Make(string name) => name switch
    {
        "sgd" => new Sgd(0.1),
        "momentum" => new Sgd(0.1, 0.9),
        "nesterov" => new Sgd(0.1, 0.9, nesterov: true),
        "adam" => new Adam(),
        _ => new RmsProp(0.01),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void UpdatesKeepFloat32ParametersFloat32(string name)
    {
        var (p, q, cost) = Problem(DType.Float32);
        var updates = Make(name).Updates(cost, [p, q]);
        foreach (var (target, value) in updates)
        {
            Assert.Equal(target.DType, value.DType);
            Assert.Equal(target.NDim, value.NDim);
        }
        var f = Function.Compile([], [cost], updates: updates);
        var before = f.Invoke()[0].Item<float>();
        for (int i = 0; i < 5; i++) f.Invoke();
        Assert.Equal(DType.Float32, p.Value.DType);
        Assert.True(f.Invoke()[0].Item<float>() < before, $"{name} did not reduce the cost");
    }

    [Fact]
    public void BadSettingsAndParametersAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: 1));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(-1));
        var (p, _, cost) = Problem();
        Assert.Throws<ArgumentException>(() => new Sgd(0.1).Updates(cost, []));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1).Updates(cost, [p, p]));
        var counter = T.Shared(NDArray.From(new long[] { 1 }), "counter");
        Assert.Contains("counter", Assert.Throws<ArgumentException>(() => new Sgd(0.1).Updates(cost, [counter])).Message);
    }
}
