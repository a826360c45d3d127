#!/usr/bin/env python3
"""PyTorch (CUDA) twins of somnium.kernels.GpuBench: same workloads, same shapes, same JSON fields.

  sgemm_MxNxK           torch.matmul, float32, with TF32 off ("torch-fp32") and on ("torch-tf32")
  gru_step_fwd_nograd   torch.nn.GRUCell(230, 200), batch 50, under no_grad
  cem_plan_one_action   shared/reference/cem.py's plan() on the GPU (same model and sizes; PlaNet CEM H=12,
                        J=1000, K=100, 10 iterations)
Median of reps after warm-up, torch.cuda.synchronize() around every repetition.
Usage: python3 torch_gpu_twins.py [gemm|gru|cem|all]
"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

dev = torch.device("cuda")
torch.manual_seed(0)


def timed(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2] if reps % 2 else 0.5 * (ts[reps // 2 - 1] + ts[reps // 2])


def emit(workload, lib, ms, **extra):
    print(json.dumps({"workload": workload, "lib": lib, "median_ms": round(ms, 4), **extra}), flush=True)


def gemm():
    for m, n, k in [(512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048), (4096, 4096, 4096),
                    (50, 600, 230), (50, 600, 200), (1000, 600, 200), (2500, 1024, 1536)]:
        a = torch.rand(m, k, device=dev) * 2 - 1
        b = torch.rand(k, n, device=dev) * 2 - 1
        for tf32 in (False, True):
            torch.backends.cuda.matmul.allow_tf32 = tf32
            ms = timed(lambda: torch.matmul(a, b), 3, 20)
            emit(f"sgemm_{m}x{n}x{k}", "torch-tf32" if tf32 else "torch-fp32", ms, m=m, n=n, k=k,
                 gflops=round(2.0 * m * n * k / (ms * 1e6), 1))
    torch.backends.cuda.matmul.allow_tf32 = False


@torch.no_grad()
def gru():
    cell = nn.GRUCell(230, 200).to(dev)
    x = torch.rand(50, 230, device=dev) * 2 - 1
    h = torch.rand(50, 200, device=dev) * 2 - 1
    emit("gru_step_fwd_nograd", "torch", timed(lambda: cell(x, h), 20, 200), B=50, I=230, H=200)


def cem():
    ACT, DETER, STOCH, HID = 1, 200, 30, 200
    H, J, K, ITERS = 12, 1000, 100, 10

    class RSSMPrior(nn.Module):
        def __init__(self):
            super().__init__()
            self.img1 = nn.Linear(STOCH + ACT, HID)
            self.cell = nn.GRUCell(HID, DETER)
            self.img2 = nn.Linear(DETER, HID)
            self.img3 = nn.Linear(HID, 2 * STOCH)

        def img_step(self, stoch, deter, action):
            x = F.elu(self.img1(torch.cat([stoch, action], -1)))
            deter = self.cell(x, deter)
            x = F.elu(self.img2(deter))
            mean, std = self.img3(x).chunk(2, -1)
            std = F.softplus(std) + 0.1
            return mean + std * torch.randn_like(std), deter

    rssm = RSSMPrior().to(dev)
    reward_head = nn.Sequential(nn.Linear(STOCH + DETER, HID), nn.ELU(), nn.Linear(HID, HID), nn.ELU(),
                                nn.Linear(HID, 1)).to(dev)
    cur_stoch = torch.randn(1, STOCH, device=dev)
    cur_deter = torch.tanh(torch.randn(1, DETER, device=dev))

    @torch.no_grad()
    def plan():
        mean = torch.zeros(H, 1, ACT, device=dev)
        std = torch.ones(H, 1, ACT, device=dev)
        for _ in range(ITERS):
            actions = (mean + std * torch.randn(H, J, ACT, device=dev)).clamp_(-1, 1)
            stoch, deter = cur_stoch.expand(J, STOCH), cur_deter.expand(J, DETER)
            ret = torch.zeros(J, device=dev)
            for t in range(H):
                stoch, deter = rssm.img_step(stoch, deter, actions[t])
                ret += reward_head(torch.cat([stoch, deter], -1)).squeeze(-1)
            idx = torch.topk(ret, K).indices
            elites = actions[:, idx]
            mean = elites.mean(1, keepdim=True)
            std = elites.std(1, unbiased=False, keepdim=True)
        return mean[0, 0]

    emit("cem_plan_one_action", "torch", timed(plan, 2, 20), H=H, J=J, K=K, iters=ITERS, gflop=92.26)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    print(json.dumps({"device": torch.cuda.get_device_name(0), "torch": torch.__version__}), flush=True)
    if what in ("all", "gemm"):
        gemm()
    if what in ("all", "gru"):
        gru()
    if what in ("all", "cem"):
        cem()
