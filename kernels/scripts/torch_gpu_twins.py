#!/usr/bin/env python3
"""PyTorch (CUDA) twins of somnium.kernels.GpuBench: same workloads, same shapes, same JSON fields.

  sgemm_MxNxK           torch.matmul, float32, with TF32 off ("torch-fp32") and on ("torch-tf32")
  gru_step_fwd_nograd   torch.nn.GRUCell(230, 200), batch 50, under no_grad
  cem_plan_one_action   shared/reference/cem.py's plan() on the GPU (same model and sizes; PlaNet CEM H=12,
                        J=1000, K=100, 10 iterations)
  dreamer_update_*      one full Dreamer V1 update on states: shared/reference/rssm_state.py's world-model step then
                        behavior.py's actor and value step, on cuda, imagining from the batch's B*T posteriors;
                        B x T = 16 x 50 (the references' size) and 50 x 50 (the paper's batch)
  ops                   one call per remaining kernel family (GpuBench.ops): elementwise, reductions, softmax,
                        LayerNorm, fused Adam, normals, index_select, Dreamer's conv encoder forward / backward,
                        straight-through categorical sampling with unimix, lambda-returns
Median of reps after warm-up, torch.cuda.synchronize() around every repetition.
Usage: python3 torch_gpu_twins.py [gemm|gru|cem|ops|dreamer|all]
"""
import json, math, sys, time
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


def emit_gbs(workload, ms, nbytes, **extra):
    emit(workload, "torch", ms, gbs=round(nbytes / (ms * 1e6), 1), **extra)


def ops():
    n = 4096
    a = torch.rand(n, n, device=dev) * 2 - 1
    b = torch.rand(n, n, device=dev) * 2 - 1
    row = torch.rand(n, device=dev) * 2 - 1
    mb = 4.0 * n * n
    emit_gbs("add_4096x4096", timed(lambda: a + b, 5, 50), 3 * mb)
    emit_gbs("add_row_broadcast_4096x4096", timed(lambda: a + row, 5, 50), 2 * mb)
    emit_gbs("exp_4096x4096", timed(lambda: a.exp(), 5, 50), 2 * mb)
    emit_gbs("sum_rows_4096x4096", timed(lambda: a.sum(1), 5, 50), mb)
    emit_gbs("sum_cols_4096x4096", timed(lambda: a.sum(0), 5, 50), mb)
    emit_gbs("sum_all_4096x4096", timed(lambda: a.sum(), 5, 50), mb)
    logits = (torch.rand(2500, 1024, device=dev) * 2 - 1) * 3
    emit_gbs("softmax_2500x1024", timed(lambda: torch.softmax(logits, -1), 5, 50), 2 * 4.0 * 2500 * 1024)
    x = torch.rand(2500, 600, device=dev) * 2 - 1
    gamma = torch.rand(600, device=dev)
    beta = torch.rand(600, device=dev)
    emit_gbs("layernorm_fwd_2500x600", timed(lambda: F.layer_norm(x, (600,), gamma, beta, 1e-5), 5, 50), 2 * 4.0 * 2500 * 600)
    np_ = 4 << 20
    p = torch.nn.Parameter(torch.rand(np_, device=dev))
    p.grad = torch.rand(np_, device=dev)
    opt = torch.optim.Adam([p], lr=1e-4, fused=True)
    emit_gbs("adam_4M_params", timed(opt.step, 5, 50), 7 * 4.0 * np_, variant="fused=True")
    emit_gbs("normal_16M", timed(lambda: torch.randn(n, n, device=dev), 5, 50), mb)
    table = torch.rand(100_000, 64, device=dev)
    index = (torch.arange(50_000, device=dev, dtype=torch.int64) * 7919) % 100_000
    emit_gbs("index_select_50000_of_100000x64", timed(lambda: table.index_select(0, index), 5, 50), 2 * 4.0 * 50_000 * 64)
    ch = [3, 32, 64, 128, 256]
    convs = [nn.Conv2d(ch[l], ch[l + 1], 4, 2).to(dev) for l in range(4)]
    img = torch.rand(500, 3, 64, 64, device=dev) * 2 - 1

    @torch.no_grad()
    def enc_fwd():
        h = img
        for c in convs:
            h = F.relu(c(h))
        return h
    emit("conv_encoder_fwd_b500", "torch", timed(enc_fwd, 3, 20))
    acts = [img]
    for c in convs:
        acts.append(F.relu(c(acts[-1])).detach())

    def enc_bwd():
        # both gradients of every conv layer (no input gradient for the image), as GpuBench times them
        for l in range(3, -1, -1):
            dy = acts[l + 1]
            torch.nn.grad.conv2d_weight(acts[l], convs[l].weight.shape, dy, stride=2)
            if l > 0:
                torch.nn.grad.conv2d_input(acts[l].shape, convs[l].weight, dy, stride=2)
    emit("conv_encoder_bwd_b500", "torch", timed(enc_bwd, 3, 20))
    cl = (torch.rand(2500 * 32, 32, device=dev) * 2 - 1) * 2

    def categorical_st():
        probs = torch.softmax(cl, -1) * 0.99 + 0.01 / 32
        idx = torch.multinomial(probs, 1).squeeze(-1)
        onehot = F.one_hot(idx, 32).float()
        return onehot + probs - probs.detach(), probs, idx
    emit("categorical_st_80000x32", "torch", timed(categorical_st, 5, 50))
    r = torch.rand(15, 2500, device=dev) * 2 - 1
    d = torch.full((15, 2500), 0.99, device=dev)
    vals = torch.rand(16, 2500, device=dev) * 2 - 1

    def lambda_return():
        # the usual Python loop of Dreamer implementations: R_t = r_t + d_t ((1 - lam) v_{t+1} + lam R_{t+1})
        last = vals[-1]
        out = []
        for t in range(14, -1, -1):
            last = r[t] + d[t] * ((1 - 0.95) * vals[t + 1] + 0.95 * last)
            out.append(last)
        return torch.stack(out[::-1])
    emit("lambda_return_15x2500", "torch", timed(lambda_return, 5, 100))


def dreamer():
    OBS, ACT, DETER, STOCH, HID, UNITS = 3, 1, 200, 30, 200, 400
    H, GAMMA, LAM, CLIP = 15, 0.99, 0.95, 100.0

    def mlp(inp, hid, out, layers):
        mods, d = [], inp
        for _ in range(layers):
            mods += [nn.Linear(d, hid), nn.ELU()]
            d = hid
        if out:
            mods.append(nn.Linear(d, out))
        return nn.Sequential(*mods)

    class RSSM(nn.Module):
        def __init__(self):
            super().__init__()
            self.img1, self.cell = nn.Linear(STOCH + ACT, HID), nn.GRUCell(HID, DETER)
            self.img2, self.img3 = nn.Linear(DETER, HID), nn.Linear(HID, 2 * STOCH)
            self.obs1, self.obs2 = nn.Linear(DETER + HID, HID), nn.Linear(HID, 2 * STOCH)

        def img_step(self, stoch, deter, action):
            deter = self.cell(F.elu(self.img1(torch.cat([stoch, action], -1))), deter)
            mean, std = self.img3(F.elu(self.img2(deter))).chunk(2, -1)
            std = F.softplus(std) + 0.1
            return mean + std * torch.randn_like(std), deter, mean, std

        def observe(self, embed, action):   # [T, B, E], [T, B, A]
            stoch = torch.zeros(action.shape[1], STOCH, device=dev)
            deter = torch.zeros(action.shape[1], DETER, device=dev)
            outs = []
            for t in range(action.shape[0]):
                _, deter, pm, ps = self.img_step(stoch, deter, action[t])
                qm, qs = self.obs2(F.elu(self.obs1(torch.cat([deter, embed[t]], -1)))).chunk(2, -1)
                qs = F.softplus(qs) + 0.1
                stoch = qm + qs * torch.randn_like(qs)
                outs.append((stoch, deter, qm, qs, pm, ps))
            return [torch.stack(z) for z in zip(*outs)]

    def gauss_ll(x, mean):
        return (-0.5 * (x - mean) ** 2 - 0.5 * math.log(2 * math.pi)).sum(-1)

    for B, T in ((16, 50), (50, 50)):
        encoder, rssm = mlp(OBS, HID, None, 2).to(dev), RSSM().to(dev)
        decoder, reward_head = mlp(DETER + STOCH, HID, OBS, 2).to(dev), mlp(DETER + STOCH, HID, 1, 2).to(dev)
        actor, value = mlp(DETER + STOCH, UNITS, 2 * ACT, 4).to(dev), mlp(DETER + STOCH, UNITS, 1, 3).to(dev)
        wm_params = [p for m in (encoder, rssm, decoder, reward_head) for p in m.parameters()]
        wm_opt = torch.optim.Adam(wm_params, lr=6e-4, eps=1e-7)
        actor_opt = torch.optim.Adam(actor.parameters(), lr=8e-5, eps=1e-7)
        value_opt = torch.optim.Adam(value.parameters(), lr=8e-5, eps=1e-7)
        obs = torch.randn(T, B, OBS, device=dev)
        act = torch.rand(T, B, ACT, device=dev) * 2 - 1
        rew = torch.randn(T, B, device=dev)
        raw_init_std = math.log(math.exp(5.0) - 1)

        def update():
            stoch, deter, qm, qs, pm, ps = rssm.observe(encoder(obs), act)
            feat = torch.cat([stoch, deter], -1)
            kl = (torch.log(ps / qs) + (qs ** 2 + (qm - pm) ** 2) / (2 * ps ** 2) - 0.5).sum(-1)
            wm_loss = torch.clamp(kl.mean(), min=3.0) - gauss_ll(obs, decoder(feat)).mean() \
                - gauss_ll(rew[..., None], reward_head(feat)).mean()
            wm_opt.zero_grad(set_to_none=True)
            wm_loss.backward()
            torch.nn.utils.clip_grad_norm_(wm_params, CLIP)
            wm_opt.step()
            # behavior: imagine from every posterior (detached); world model frozen for this loss
            for p in wm_params + list(value.parameters()):
                p.requires_grad_(False)
            s, d = stoch.detach().reshape(T * B, STOCH), deter.detach().reshape(T * B, DETER)
            feats = []
            for _ in range(H):
                mean, std = actor(torch.cat([s, d], -1).detach()).chunk(2, -1)
                mean = 5.0 * torch.tanh(mean / 5.0)
                std = F.softplus(std + raw_init_std) + 1e-4
                a = torch.tanh(mean + std * torch.randn_like(std))
                s, d, _, _ = rssm.img_step(s, d, a)
                feats.append(torch.cat([s, d], -1))
            imag = torch.stack(feats)
            r = reward_head(imag).squeeze(-1)
            v = value(imag).squeeze(-1)
            for p in wm_params + list(value.parameters()):
                p.requires_grad_(True)
            pcont = GAMMA * torch.ones_like(r)
            inputs = r[:-1] + pcont[:-1] * v[1:] * (1 - LAM)
            agg, outs = v[-1], []
            for t in reversed(range(H - 1)):
                agg = inputs[t] + pcont[t] * LAM * agg
                outs.append(agg)
            returns = torch.stack(outs[::-1])
            disc = torch.cumprod(torch.cat([torch.ones_like(pcont[:1]), pcont[:-2]], 0), 0).detach()
            actor_loss = -(disc * returns).mean()
            actor_opt.zero_grad(set_to_none=True)
            actor_loss.backward()
            torch.nn.utils.clip_grad_norm_(actor.parameters(), CLIP)
            actor_opt.step()
            value_loss = (disc * 0.5 * (value(imag.detach()[:-1]).squeeze(-1) - returns.detach()) ** 2).mean()
            value_opt.zero_grad(set_to_none=True)
            value_loss.backward()
            torch.nn.utils.clip_grad_norm_(value.parameters(), CLIP)
            value_opt.step()

        emit(f"dreamer_update_states_b{B}x{T}", "torch", timed(update, 3, 20), B=B, T=T, starts=B * T, horizon=H)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    print(json.dumps({"device": torch.cuda.get_device_name(0), "torch": torch.__version__}), flush=True)
    if what in ("all", "gemm"):
        gemm()
    if what in ("all", "gru"):
        gru()
    if what in ("all", "cem"):
        cem()
    if what in ("all", "ops"):
        ops()
    if what in ("all", "dreamer"):
        dreamer()
