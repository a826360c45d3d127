#!/usr/bin/python3
"""Markdown tables for docs/performance.md from one sitting's results.

Usage: perf_tables.py DIR   where DIR holds sgemm-jmh*.json (JMH -rf json), sgemm-torch-t1.jsonl,
sgemm-torch-t2.jsonl (shared/reference/sgemm.py output), conv-jmh*.json, conv-torch-t1.jsonl, conv-torch-t2.jsonl.
Ours: JMH average time (mean over measurement iterations); theirs: the script's median.
"""
import json, os, sys

d = sys.argv[1]


def jsonl(name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return []
    out = []
    for line in open(p):
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def jmh(prefix):
    """All JMH JSON results in DIR whose name starts with prefix (one run, or one per thread count)."""
    out = []
    for f in sorted(os.listdir(d)):
        if f.startswith(prefix) and f.endswith(".json"):
            out.extend(json.load(open(os.path.join(d, f))))
    return out


SHAPES = ["sq64", "sq128", "sq256", "sq512", "sq1024", "sq2048",
          "rl_2500x230x600", "rl_50x230x600", "rl_1000x200x200"]


def dims(s):
    if s.startswith("sq"):
        n = int(s[2:]); return n, n, n
    m, k, n = map(int, s[3:].split("x")); return m, k, n


ours = {}
for r in jmh("sgemm-jmh"):
    p = r["params"]
    us = r["primaryMetric"]["score"]
    best_us = min(x for fork in r["primaryMetric"]["rawData"] for x in fork)
    m, k, n = dims(p["shape"])
    f = 2.0 * m * n * k / 1e9
    ours[(p["shape"], int(p["threads"]))] = (f / (us * 1e-6), f / (best_us * 1e-6))
ref = {}
for t in (1, 2):
    for r in jsonl(f"sgemm-torch-t{t}.jsonl"):
        ref[(r["workload"][6:], t, r["lib"])] = (r["gflops_median"], r["foreign_cpus_busy"], r["gflops_best"])

for t in (1, 2):
    print(f"\n**SGEMM, {t} thread{'s' if t > 1 else ''}** (GFLOP/s. typical: our JMH mean vs OpenBLAS median of "
          f"the better of numpy/torch; best: our best 1-s iteration vs their best repetition)\n")
    print("| shape (M,K,N) | ours | OpenBLAS | ratio | ours best | OpenBLAS best | ratio best | foreign CPUs (py) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in SHAPES:
        o = ours.get((s, t))
        if not o:
            continue
        rs = [ref[k] for k in ((s, t, "numpy"), (s, t, "torch")) if k in ref]
        med = max([x[0] for x in rs] or [float("nan")])
        best = max([x[2] for x in rs] or [float("nan")])
        fl = max([x[1] for x in rs] or [float("nan")])
        print(f"| {s} {dims(s)} | {o[0]:.1f} | {med:.1f} | {o[0] / med:.2f} | {o[1]:.1f} | {best:.1f} | "
              f"{o[1] / best:.2f} | {fl:.2f} |")

print("\n**SGEMM 2-thread speed-up** (ours: 2-thread GFLOP/s / 1-thread GFLOP/s)\n")
print("| shape | ours 1T | ours 2T | speed-up | ours best 1T | best 2T | best speed-up | OpenBLAS speed-up (medians) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for s in SHAPES:
    o1, o2 = ours.get((s, 1)), ours.get((s, 2))
    if not (o1 and o2):
        continue
    b1 = max([ref[k][0] for k in ((s, 1, "numpy"), (s, 1, "torch")) if k in ref] or [float("nan")])
    b2 = max([ref[k][0] for k in ((s, 2, "numpy"), (s, 2, "torch")) if k in ref] or [float("nan")])
    print(f"| {s} | {o1[0]:.1f} | {o2[0]:.1f} | {o2[0] / o1[0]:.2f} | {o1[1]:.1f} | {o2[1]:.1f} | "
          f"{o2[1] / o1[1]:.2f} | {b2 / b1:.2f} |")

conv = {}
for r in jmh("conv-jmh"):
    name = r["benchmark"].split(".")[-1]
    conv[(name, int(r["params"]["threads"]))] = (r["primaryMetric"]["score"],  # ms per batch of 250
                                                 min(x for fork in r["primaryMetric"]["rawData"] for x in fork))
MAP = {"encoderFwd": "conv_encoder_fwd", "encoderFwdBwd": "conv_encoder_fwdbwd",
       "decoderFwd": ("conv_decoder_opt_fwd", "conv_decoder_native_fwd"),
       "decoderFwdBwd": ("conv_decoder_opt_fwdbwd", "conv_decoder_native_fwdbwd")}
cref = {}
for t in (1, 2):
    for r in jsonl(f"conv-torch-t{t}.jsonl"):
        cref[(r["workload"], t)] = (r["median_ms_per_image"], r["foreign_cpus_busy"], r["min_ms_per_image"])
print("\n**Conv (Dreamer encoder / decoder, batch 250), ms per image** (ratio = torch / ours: > 1 means ours is faster)\n")
print("| workload | threads | ours | torch | ratio | ours best | torch best | ratio best | torch native decoder | foreign CPUs (py) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name in ("encoderFwd", "encoderFwdBwd", "decoderFwd", "decoderFwdBwd"):
    for t in (1, 2):
        if (name, t) not in conv:
            continue
        o, ob = conv[(name, t)][0] / 250, conv[(name, t)][1] / 250
        m = MAP[name]
        if isinstance(m, tuple):
            tr, nat = cref.get((m[0], t)), cref.get((m[1], t))
        else:
            tr, nat = cref.get((m, t)), None
        nan = float("nan")
        print(f"| {name} | {t} | {o:.3f} | {tr[0] if tr else nan:.3f} | {(tr[0] / o) if tr else nan:.2f} | "
              f"{ob:.3f} | {tr[2] if tr else nan:.3f} | {(tr[2] / ob) if tr else nan:.2f} | "
              f"{nat[0] if nat else nan:.3f} | {tr[1] if tr else nan:.2f} |")
