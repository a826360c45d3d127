#!/usr/bin/python3
"""Runs a command and reports how busy OTHER processes kept the CPUs meanwhile (same measure as the reference
scripts' foreign_cpus_busy): (system busy CPU-seconds - the command's CPU-seconds) / wall seconds.
Optionally first waits (up to --wait s) until others use < 0.15 CPU for one second.

Usage: foreign_load.py [--wait 120] [--tag NAME] -- cmd args...   (the report goes to stderr)
"""
import os, resource, subprocess, sys, time


def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


args = sys.argv[1:]
wait, tag = 0.0, ""
while args and args[0] != "--":
    if args[0] == "--wait": wait = float(args[1]); args = args[2:]
    elif args[0] == "--tag": tag = args[1]; args = args[2:]
    else: sys.exit("bad argument " + args[0])
cmd = args[1:]
t_end = time.time() + wait
while time.time() < t_end:
    b0 = busy(); time.sleep(1.0)
    if busy() - b0 < 0.15: break
ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
b0, w0 = busy(), time.perf_counter()
rc = subprocess.call(cmd)
ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
b1, w1 = busy(), time.perf_counter()
own = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
print(f"[foreign_load] {tag} wall={w1 - w0:.1f}s own_cpu={own:.1f}s foreign_cpus_busy={max(0.0, (b1 - b0 - own) / (w1 - w0)):.2f}",
      file=sys.stderr)
sys.exit(rc)
