#!/bin/bash
# before/after/reference, alternating, thread CPU time
J="java -XX:+UseFMA --add-modules jdk.incubator.vector"
S="sq256 sq512 sq1024 sq2048 rl_2500x230x600 rl_50x230x600 rl_1000x200x200"
for r in 1 2; do
  echo "## round $r sgemm $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# before"; $J -cp base.jar somnium.bench.SgemmCpuTime $S 2>/dev/null
  echo "# after"; $J -cp new.jar somnium.bench.SgemmCpuTime $S 2>/dev/null
  echo "# openblas"; /usr/bin/python3 /work/wt-gemm/bench/scripts/sgemm_cputime.py | grep -v "sq64\|sq128"
done
for r in 1 2; do
  echo "## round $r conv $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# before"; $J -cp base.jar somnium.bench.ConvCpuTime 2>/dev/null
  echo "# after-engine-old-bench"; $J -cp v8:base.jar somnium.bench.ConvCpuTime 2>/dev/null
  echo "# after"; $J -cp new.jar somnium.bench.ConvCpuTime 2>/dev/null
  echo "# torch"; /usr/bin/python3 /work/wt-gemm/bench/scripts/conv_cputime.py 2>/dev/null
done
echo "## end $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
