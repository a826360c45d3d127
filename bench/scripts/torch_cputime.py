#!/usr/bin/python3
"""Runs a shared/reference script with time.perf_counter replaced by time.thread_time, so its median_ms/min_ms
are the main thread's CPU time (single thread: torch and OpenBLAS compute on the calling thread). The
foreign_cpus_busy field is meaningless in this mode. Twin of somnium.bench.StepCpuTime.

  /usr/bin/python3 bench/scripts/torch_cputime.py /work/shared/reference/cem.py --threads 1
"""
import runpy, sys, time

time.perf_counter = time.thread_time
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
