#!/usr/bin/python3
"""conv.py's encoder / decoder workloads (1 thread, batch 250) timed in thread CPU time (time.thread_time),
the twin of somnium.bench.ConvCpuTime. With torch.set_num_threads(1) the kernels run on the calling thread.
Usage: /usr/bin/python3 conv_cputime.py
"""
import json, os, sys, time
sys.argv = [sys.argv[0], "--threads", "1"]
sys.path.insert(0, "/work/shared/reference")
import conv  # noqa: E402  (parses the argv above; its benchmark runs only under __main__)
import torch  # noqa: E402

torch.manual_seed(0)
B = 250
enc, dec = conv.Encoder(), conv.Decoder()
dopt = conv.DecoderOpt(dec)
x = torch.rand(B, 3, 64, 64) - 0.5
f = torch.randn(B, 230)
tgt = torch.rand(B, 3, 64, 64) - 0.5


def enc_fwd():
    with torch.no_grad():
        enc(x)


def enc_fwdbwd():
    enc.zero_grad(set_to_none=True)
    enc(x).pow(2).mean().backward()


def dec_fwd():
    with torch.no_grad():
        dopt(f)


def dec_fwdbwd():
    dec.zero_grad(set_to_none=True)
    (0.5 * (dopt(f) - tgt).pow(2).sum() / B).backward()


for name, fn in (("encoderFwd", enc_fwd), ("encoderFwdBwd", enc_fwdbwd), ("decoderFwd(opt)", dec_fwd),
                 ("decoderFwdBwd(opt)", dec_fwdbwd)):
    for _ in range(3):
        fn()
    ts = []
    for _ in range(7):
        t0 = time.thread_time()
        fn()
        ts.append((time.thread_time() - t0) * 1e3)
    ts.sort()
    print(json.dumps({"workload": name, "lib": "torch", "clock": "thread_cpu",
                      "median_ms_per_image": round(ts[3] / B, 4), "min_ms_per_image": round(ts[0] / B, 4)}),
          flush=True)
