# Computes the truths of NumericsStabilityTests.cs with mpmath (60 digits) at the inputs rounded to each
# case's dtype, and writes the C# case lines to cases.txt; run with python3 (mpmath 1.2.1) and paste them in.
import mpmath as mp
mp.mp.dps = 60
sq = lambda v: v*v
sig = lambda v: 1/(1+mp.exp(-v))
def d(f, x):  # derivative
    return mp.diff(f, x)
def lg_erfc(v): return mp.log(mp.erfc(v))
F = mp.mpf
# name, rule, builder (C#), shape, [(dtype, inputs)], value fn per element (list->list), grad of sum per element
cases = []
def elementwise(name, rule, cs, shape, f, inputs, df=None):
    cases.append((name, rule, cs, shape, inputs, lambda xs: [f(x) for x in xs], lambda xs: [(df or (lambda x: mp.diff(f, x)))(x) for x in xs]))
l1me = lambda x: mp.log(-mp.expm1(x)) if x > -1 else mp.log1p(-mp.exp(x))
l1me_d = lambda x: -1/mp.expm1(-x)
elementwise("log1mexp-of-log-one-minus-exp", "log1mexp-from-log-expm1", "x => T.Log(1 - T.Exp(x))", [3], l1me,
    {"Float32": ["-1e-10", "-1e-30", "-20"], "Float64": ["-1e-20", "-1e-300", "-50"]}, l1me_d)
elementwise("log1mexp-of-log1p-neg-exp", "log1mexp-from-log1p", "x => T.Log1p(-T.Exp(x))", [3], l1me,
    {"Float32": ["-1e-10", "-1e-30", "-20"], "Float64": ["-1e-20", "-1e-300", "-50"]}, l1me_d)
elementwise("log1mexp-of-log-neg-expm1", "log1mexp-from-log-expm1", "x => T.Log(-T.Expm1(x))", [3], l1me,
    {"Float32": ["-1e-10", "-60", "-20"], "Float64": ["-1e-20", "-700", "-50"]}, l1me_d)
# log(exp(a) - exp(b)) on x[0], x[1]
def lediff(xs):
    a, b = F(xs[0]), F(xs[1]); return [mp.log(mp.exp(a) - mp.exp(b))]
def lediff_g(xs):
    a, b = F(xs[0]), F(xs[1]); D = mp.exp(a) - mp.exp(b); return [mp.exp(a)/D, -mp.exp(b)/D]
cases.append(("log1mexp-of-log-exp-difference", "log1mexp-from-log-exp-diff", "x => T.Log(T.Exp(x[0]) - T.Exp(x[1]))", [2],
    {"Float32": ["1000", "999"], "Float64": ["-1000", "-1001"]}, lediff, lediff_g))
elementwise("sigmoid-from-scaled-exp-ratio", "sigmoid-from-scaled-exp-ratio", "x => 3 * T.Exp(x) / (1 + T.Exp(x))", [3], lambda x: 3*sig(x),
    {"Float32": ["1000", "-1000", "0"], "Float64": ["1000", "-1000", "0"]})
elementwise("neg-sigmoid-from-exp-ratio", "sigmoid-from-exp-ratio", "x => -T.Exp(x) / (1 + T.Exp(x))", [3], lambda x: -sig(x),
    {"Float32": ["1000", "-1000", "0"], "Float64": ["1000", "-1000", "0"]})
elementwise("neg-sigmoid-from-inverse", "neg-sigmoid-from-inverse", "x => -1 / (1 + T.Exp(-x))", [3], lambda x: -sig(x),
    {"Float32": ["1000", "-1000", "0"], "Float64": ["1000", "-1000", "0"]})
elementwise("sigmoid-times-exp-neg", "sigmoid-of-neg-from-product", "x => T.Sigmoid(x) * T.Exp(-x)", [3], lambda x: sig(-x),
    {"Float32": ["1000", "-1000", "0"], "Float64": ["1000", "-1000", "0"]})
elementwise("sigmoid-neg-times-exp", "sigmoid-from-product-of-neg", "x => T.Sigmoid(-x) * T.Exp(x)", [3], lambda x: sig(x),
    {"Float32": ["1000", "-1000", "0"], "Float64": ["1000", "-1000", "0"]})
elementwise("sigmoid-odds", "exp-from-sigmoid-odds", "x => T.Sigmoid(x) / (1 - T.Sigmoid(x))", [3], lambda x: mp.exp(x),
    {"Float32": ["60", "-20", "0"], "Float64": ["400", "-40", "0"]})
elementwise("sigmoid-inverse-odds", "exp-of-neg-from-sigmoid-odds", "x => (1 - T.Sigmoid(x)) / T.Sigmoid(x)", [3], lambda x: mp.exp(-x),
    {"Float32": ["-60", "20", "0"], "Float64": ["-400", "40", "0"]})
elementwise("one-minus-sigmoid-flattened", "one-minus-sigmoid-reshaped-1", "x => 1 - T.Flatten(T.Sigmoid(x))", [2, 2], lambda x: sig(-x),
    {"Float32": ["1000", "-1000", "40", "0"], "Float64": ["1000", "-1000", "40", "0"]})
elementwise("one-minus-sigmoid-reshaped-to-matrix", "one-minus-sigmoid-reshaped-2", "x => 1 - T.Reshape(T.Sigmoid(x), 2, 2)", [4], lambda x: sig(-x),
    {"Float32": ["1000", "-1000", "40", "0"], "Float64": ["1000", "-1000", "40", "0"]})
elementwise("log-one-minus-sigmoid-flattened", "log-sigmoid-reshaped-1", "x => T.Log(1 - T.Flatten(T.Sigmoid(x)))", [2, 2], lambda x: mp.log(sig(-x)),
    {"Float32": ["1000", "-1000", "40", "0"], "Float64": ["1000", "-1000", "40", "0"]})
elementwise("log-one-minus-sigmoid-reshaped-to-tensor3", "log-sigmoid-reshaped-3", "x => T.Log(1 - T.Reshape(T.Sigmoid(x), 1, 2, 2))", [4], lambda x: mp.log(sig(-x)),
    {"Float32": ["1000", "-1000", "40", "0"], "Float64": ["1000", "-1000", "40", "0"]})
elementwise("log-sigmoid-reshaped-to-matrix", "log-sigmoid-reshaped-2", "x => T.Log(T.Reshape(T.Sigmoid(x), 2, 2))", [4], lambda x: mp.log(sig(x)),
    {"Float32": ["1000", "-1000", "-40", "0"], "Float64": ["1000", "-1000", "-40", "0"]})
# exp(u) - ones(2, 3): value broadcast, gradient 2 exp(u)
def em1b(xs): return [mp.expm1(F(x)) for x in xs] * 2
def em1b_g(xs): return [2*mp.exp(F(x)) for x in xs]
cases.append(("exp-minus-ones-array", "expm1-from-exp-minus-ones", "x => T.Exp(x) - Ones(x.DType, 2, 3)", [3],
    {"Float32": ["1e-10", "-4e-9", "1e-30"], "Float64": ["1e-20", "-4e-18", "1e-300"]}, em1b, em1b_g))
def em1bn(xs): return [-mp.expm1(F(x)) for x in xs] * 2
def em1bn_g(xs): return [-2*mp.exp(F(x)) for x in xs]
cases.append(("ones-array-minus-exp", "neg-expm1-from-ones-minus-exp", "x => Ones(x.DType, 2, 3) - T.Exp(x)", [3],
    {"Float32": ["1e-10", "-4e-9", "1e-30"], "Float64": ["1e-20", "-4e-18", "1e-300"]}, em1bn, em1bn_g))
cases.append(("exp-plus-minus-ones-array", "expm1-from-exp-plus-minus-ones", "x => T.Exp(x) + -Ones(x.DType, 2, 3)", [3],
    {"Float32": ["1e-10", "-4e-9", "1e-30"], "Float64": ["1e-20", "-4e-18", "1e-300"]}, em1b, em1b_g))
elementwise("one-minus-exp", "neg-expm1-from-one-minus-exp,neg-expm1-from-ones-minus-exp", "x => 1 - T.Exp(x)", [3], lambda x: -mp.expm1(x),
    {"Float32": ["1e-10", "-4e-9", "1e-30"], "Float64": ["1e-20", "-4e-18", "1e-300"]})
elementwise("log1p-of-expm1", "log1p-expm1", "x => T.Log1p(T.Expm1(x))", [3], lambda x: x,
    {"Float32": ["100", "-100", "1e-30"], "Float64": ["1000", "-50", "1e-300"]}, lambda x: F(1))
elementwise("softplus-at-large-negative-x", "softplus-from-log1p-exp", "x => T.Log(1 + T.Exp(x))", [3], lambda x: mp.log1p(mp.exp(x)),
    {"Float32": ["-36.75", "-80", "1000"], "Float64": ["-40", "-700", "1000"]}, lambda x: sig(x))
erfc_d = lambda x: -2/mp.sqrt(mp.pi)*mp.exp(-x*x)
erf_d = lambda x: 2/mp.sqrt(mp.pi)*mp.exp(-x*x)
elementwise("one-minus-erf", "erfc-from-one-minus-erf", "x => 1 - T.Erf(x)", [2], mp.erfc, {"Float32": ["5", "9"], "Float64": ["10", "26"]}, erfc_d)
elementwise("erf-minus-one", "neg-erfc-from-erf-minus-one", "x => T.Erf(x) - 1", [2], lambda x: -mp.erfc(x), {"Float32": ["5", "9"], "Float64": ["10", "26"]}, erf_d)
elementwise("minus-one-plus-erf", "neg-erfc-from-minus-one-plus-erf", "x => -1 + T.Erf(x)", [2], lambda x: -mp.erfc(x), {"Float32": ["5", "9"], "Float64": ["10", "26"]}, erf_d)
elementwise("one-plus-erf", "erfc-of-neg-from-one-plus-erf", "x => 1 + T.Erf(x)", [2], lambda x: mp.erfc(-x), {"Float32": ["-5", "-9"], "Float64": ["-10", "-26"]}, erf_d)
elementwise("one-minus-erfc", "erf-from-one-minus-erfc", "x => 1 - T.Erfc(x)", [2], mp.erf, {"Float32": ["1e-10", "-3e-20"], "Float64": ["1e-20", "-3e-300"]}, erf_d)
elementwise("erfc-minus-one", "neg-erf-from-erfc-minus-one", "x => T.Erfc(x) - 1", [2], lambda x: -mp.erf(x), {"Float32": ["1e-10", "-3e-20"], "Float64": ["1e-20", "-3e-300"]}, erfc_d)
elementwise("log-erfc", "log-erfc", "x => T.Log(T.Erfc(x))", [4], lg_erfc, {"Float32": ["12", "0.5", "-3", "100"], "Float64": ["30", "0.5", "-3", "1e5"]},
    lambda x: erfc_d(x)/mp.erfc(x))
elementwise("log-erfc-of-neg", "log-erfc", "x => T.Log(T.Erfc(-x))", [4], lambda x: lg_erfc(-x), {"Float32": ["-12", "-0.5", "3", "-100"], "Float64": ["-30", "-0.5", "3", "-1e5"]},
    lambda x: -erfc_d(-x)/mp.erfc(-x))
def lit(v):
    v = float(v)
    if v == 0: return "0"
    r = repr(v)
    return r
out = []
for (name, rule, cs, shape, inputs, vf, gf) in cases:
    for dt, xs in inputs.items():
        import struct
        xr = [struct.unpack('f', struct.pack('f', float(v)))[0] if dt == 'Float32' else float(v) for v in xs]
        xr = [mp.mpf(v) for v in xr]
        vals = vf(xr); gr = gf(xr)
        out.append(f'        new("{name}", "{rule}", DType.{dt}, [{", ".join(map(str, shape))}], {cs},\n            [{", ".join(xs)}], [{", ".join(lit(v) for v in vals)}], [{", ".join(lit(g) for g in gr)}]),')
open('cases.txt','w').write("\n".join(out))
print(len(out))
