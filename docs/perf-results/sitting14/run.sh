#!/usr/bin/env bash
set -uo pipefail
cd /tmp/sit14
export SOMNIUM_REFERENCE=/work/shared/reference
O=/tmp/sit14/out; mkdir -p $O
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" > $O/log.txt
bench/scripts/sgemm_interleaved.sh $O/interleaved 3
echo "interleaved done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $O/log.txt
for r in 1 2; do for s in sq512 sq1024 sq2048; do for t in 1 2; do
  java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SgemmBench -p shape=$s -p threads=$t -wi 5 -i 5 -w 1s -r 1s -f 1 -rf json -rff $O/r$r-$s-t$t-jmh.json > /dev/null 2>&1
done; done; echo "threads round $r done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $O/log.txt; done
LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 $SOMNIUM_REFERENCE/sgemm.py --threads 2 --shapes sq512,sq1024,sq2048 > $O/threads2-torch.jsonl 2>&1
bench/scripts/sitting.sh $O/conv conv >> $O/log.txt 2>&1
echo "all done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $O/log.txt
