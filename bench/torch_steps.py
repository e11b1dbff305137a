#!/usr/bin/env python3
"""PyTorch eager (CPU) reference for the Symbolic quick runner.

Runs, with the same shapes and math as bench/Symbolic.Bench/Workloads.cs:
  seed_step   x 32x500 float32, int64 labels of 5 classes, 500 -> 50 -> 5 (relu hidden),
              cross_entropy (log-softmax + NLL), mean, SGD p -= 0.1 * grad under no_grad
  mlp_step    x 256x784, 784 -> 1024 -> 1024 -> 10, relu, cross_entropy, SGD lr 0.01
  chain       tanh(x) * sigmoid(y) + exp(-x * x) on 1e7 float32
each with torch.set_num_threads(all cores) and with one thread, and prints one JSON object a line:
  {"workload": "seed_step", "threads": 2, "median_ms": ..., "min_ms": ..., "rounds": ..., "calls": ...}
then {"torch": version, ...} first. The runner takes the best (lowest median) over thread counts.
Run it with OMP_WAIT_POLICY=PASSIVE in the environment (the runner does; set here too as a default,
before torch is imported). Usage: python3 bench/torch_steps.py [--quick]
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def emit(obj):
    print(json.dumps(obj), flush=True)


def measure(fn, rounds=7, min_round_ms=25.0, budget_s=15.0):
    fn()
    t0 = time.perf_counter()
    fn()
    one = max((time.perf_counter() - t0) * 1000, 1e-3)
    calls = max(1, min(100000, int(min_round_ms / one + 0.999)))
    # Then 1 s of calls before timing, as the C# runner does (Measure.WarmMs).
    warm = time.perf_counter()
    while time.perf_counter() - warm < 1.0:
        fn()
    times = []
    start = time.perf_counter()
    for r in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) * 1000 / calls)
        if r >= 2 and time.perf_counter() - start > budget_s:
            break
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    return {"median_ms": median, "min_ms": times[0], "rounds": n, "calls": calls}


def training_step(batch, layers, lr, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(batch, layers[0], generator=g, dtype=torch.float32)
    y = torch.randint(0, layers[-1], (batch,), generator=g, dtype=torch.int64)
    params = []
    for i in range(len(layers) - 1):
        w = (0.01 * torch.randn(layers[i], layers[i + 1], generator=g, dtype=torch.float32)).requires_grad_()
        b = torch.zeros(layers[i + 1], dtype=torch.float32, requires_grad=True)
        params += [w, b]

    def step():
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i + 2 < len(params):
                h = torch.relu(h)
        loss = F.cross_entropy(h, y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
        return loss

    return step


def chain_fn():
    g = torch.Generator().manual_seed(11)
    n = 10_000_000
    x = torch.rand(n, generator=g, dtype=torch.float32) * 6 - 3
    y = torch.rand(n, generator=g, dtype=torch.float32) * 6 - 3
    return lambda: torch.tanh(x) * torch.sigmoid(y) + torch.exp(-x * x)


def main():
    quick = "--quick" in sys.argv
    cores = os.cpu_count() or 1
    emit({"torch": torch.__version__, "cores": cores, "default_threads": torch.get_num_threads(),
          "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
          "mkldnn": bool(torch.backends.mkldnn.is_available())})
    workloads = [
        ("seed_step", training_step(32, [500, 50, 5], 0.1, 100)),
        ("mlp_step", training_step(256, [784, 1024, 1024, 10], 0.01, 200)),
        ("chain", chain_fn()),
    ]
    thread_counts = sorted({cores, 1}, reverse=True)
    for name, fn in workloads:
        for threads in thread_counts:
            torch.set_num_threads(threads)
            # The MLP step as the C# runner times it: rounds of at least 100 ms, fifteen of them.
            r = (measure(fn, rounds=15, min_round_ms=100.0, budget_s=12) if name == "mlp_step"
                 else measure(fn, rounds=5 if quick else 9, budget_s=5 if quick else 20))
            emit({"workload": name, "threads": threads, **r})


if __name__ == "__main__":
    main()
