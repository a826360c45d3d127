#!/usr/bin/python3
"""Lower bound for the GRU unroll at OpenBLAS speed: time only the GEMMs the workload must do, each by
OpenBLAS (numpy, 1 thread), best of many repetitions, and sum them. Nothing else (elementwise, graph) counted."""
import os, time, json
os.environ["OPENBLAS_NUM_THREADS"] = "1"
import numpy as np
rng = np.random.default_rng(0)
def best(f, reps=200):
    for _ in range(20): f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[0], ts[len(ts) // 2]
B, I, H, T = 50, 230, 200, 50
x = rng.standard_normal((B, I), dtype=np.float32); h = rng.standard_normal((B, H), dtype=np.float32)
Wih = rng.standard_normal((3 * H, I), dtype=np.float32); Whh = rng.standard_normal((3 * H, H), dtype=np.float32)
g = rng.standard_normal((B, 3 * H), dtype=np.float32)
G = rng.standard_normal((T * B, 3 * H), dtype=np.float32); X = rng.standard_normal((T * B, I), dtype=np.float32)
Hs = rng.standard_normal((T * B, H), dtype=np.float32)
parts = {
  "fwd x.Wih^T 50x230x600 (x50)": (lambda: x @ Wih.T, 50),
  "fwd h.Whh^T 50x200x600 (x50)": (lambda: h @ Whh.T, 50),
  "bwd dh = g.Whh 50x600x200 (x49)": (lambda: g @ Whh, 49),
  "dWih = G^T.X 600x2500x230 (x1, all steps joined)": (lambda: G.T @ X, 1),
  "dWhh = G^T.H 600x2500x200 (x1, all steps joined)": (lambda: G.T @ Hs, 1),
}
tot_min = tot_med = 0.0
for name, (f, n) in parts.items():
    mn, md = best(f, 200 if n > 1 else 40)
    tot_min += n * mn; tot_med += n * md
    print(json.dumps({"part": name, "count": n, "best_ms": mn * 1e3, "median_ms": md * 1e3, "total_best_ms": n * mn * 1e3}))
print(json.dumps({"gemm_only_total_best_ms": tot_min * 1e3, "gemm_only_total_median_ms": tot_med * 1e3}))
