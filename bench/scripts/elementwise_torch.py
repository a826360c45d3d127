#!/usr/bin/python3
"""PyTorch timings for the cases of somnium.bench.ElementwiseBench (float32, CPU).

Same shapes and ops as the JMH class; prints one line per case: name, median and min microseconds per call
over --reps repetitions, each repetition timing enough back-to-back calls to last >= 20 ms.
Usage: /usr/bin/python3 bench/scripts/elementwise_torch.py [--threads 1] [--reps 15]
"""
import argparse
import json
import os
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--reps", type=int, default=15)
args = ap.parse_args()
os.environ["OMP_NUM_THREADS"] = str(args.threads)
import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(0)
x = torch.randn(2500, 600)
y = torch.randn(2500, 600)
bias = torch.randn(600)
wide = torch.randn(50, 1000, 12)
logits = torch.randn(1024, 255)

cases = {
    "add": lambda: x + y,
    "addBiasBroadcast": lambda: x + bias,
    "mul": lambda: x * y,
    "exp": lambda: torch.exp(x),
    "tanh": lambda: torch.tanh(x),
    "sigmoid": lambda: torch.sigmoid(x),
    "elu": lambda: torch.nn.functional.elu(x),
    "sumAxis0": lambda: x.sum(0),
    "sumLastAxis": lambda: wide.sum(-1),
    "softmax": lambda: torch.softmax(logits, -1),
    "chain": lambda: torch.tanh(x * y + bias).sum(0)[0].item(),
}


def per_call(fn):
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        dt = time.perf_counter() - t0
        if dt >= 0.02:
            return dt / inner
        inner *= 2


for name, fn in cases.items():
    for _ in range(3):
        per_call(fn)
    ts = [per_call(fn) * 1e6 for _ in range(args.reps)]
    print(json.dumps({"lib": "torch", "case": name, "threads": args.threads,
                      "median_us": round(statistics.median(ts), 2), "min_us": round(min(ts), 2)}))
