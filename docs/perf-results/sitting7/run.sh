#!/usr/bin/env bash
# session-4 sitting: SGEMM 1 and 2 threads (long), then gru rssm cem dreamer via sitting.sh
set -u
cd /work/main
out=docs/perf-results/sitting7
mkdir -p $out
jar=bench/target/benchmarks.jar
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/load.txt
java --add-modules jdk.incubator.vector -jar $jar SgemmBench -wi 5 -i 5 -w 2s -r 2s -p threads=1 -rf json -rff $out/sgemm-jmh.json > $out/sgemm-jmh.txt 2>&1
echo "sgemm t1 done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/load.txt
/usr/bin/python3 /work/shared/reference/sgemm.py --threads 1 > $out/sgemm-torch-t1.jsonl
java --add-modules jdk.incubator.vector -jar $jar SgemmBench -wi 5 -i 5 -w 2s -r 2s -p threads=2 -rf json -rff $out/sgemm-jmh-t2.json > $out/sgemm-jmh-t2.txt 2>&1
echo "sgemm t2 done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/load.txt
/usr/bin/python3 /work/shared/reference/sgemm.py --threads 2 > $out/sgemm-torch-t2.jsonl
SOMNIUM_REFERENCE=/work/shared/reference bash bench/scripts/sitting.sh $out gru rssm cem dreamer > $out/sitting.log 2>&1
echo "end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/load.txt
