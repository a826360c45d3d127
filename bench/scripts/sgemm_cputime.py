#!/usr/bin/python3
"""Single-thread OpenBLAS SGEMM (numpy.matmul) timed in thread CPU time (time.thread_time), the twin of
somnium.bench.SgemmCpuTime: on a shared machine, time slices lost to other jobs do not count.
Usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 sgemm_cputime.py   (prints one JSON line per shape)
"""
import json, math, os, time
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
import numpy as np

SHAPES = {f"sq{n}": (n, n, n) for n in (64, 128, 256, 512, 1024, 2048)}
SHAPES.update({"rl_2500x230x600": (2500, 230, 600), "rl_50x230x600": (50, 230, 600),
               "rl_1000x200x200": (1000, 200, 200)})
rng = np.random.default_rng(0)
for name, (M, K, N) in SHAPES.items():
    A = rng.standard_normal((M, K), dtype=np.float32)
    B = rng.standard_normal((K, N), dtype=np.float32)
    C = np.empty((M, N), dtype=np.float32)
    flop = 2.0 * M * N * K
    inner = max(1, math.ceil(0.1 * 50e9 / flop))
    for _ in range(5 * inner):
        np.matmul(A, B, out=C)
    g = []
    for _ in range(15):
        t0 = time.thread_time()
        for _ in range(inner):
            np.matmul(A, B, out=C)
        g.append(flop * inner / (time.thread_time() - t0) / 1e9)
    g.sort()
    print(json.dumps({"workload": f"sgemm_{name}", "lib": "numpy-openblas", "clock": "thread_cpu",
                      "gflops_best": round(g[-1], 2), "gflops_median": round(g[len(g) // 2], 2)}), flush=True)
