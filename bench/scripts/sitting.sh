#!/usr/bin/env bash
# One benchmark sitting: each Somnium JMH benchmark followed at once by its PyTorch twin, single thread,
# results (JMH JSON + the reference scripts' JSON lines) in one folder. Run from the repository root on an
# otherwise idle machine, after `mvn -B -q -DskipTests package`.
#
#   bench/scripts/sitting.sh OUT_DIR [group ...]     groups: sgemm conv elementwise gru rssm cem dreamer (default: all)
#
# Needs Debian's python3-torch with OpenBLAS (see ../shared/reference/README.md). Each step prints the load
# average before it starts, so a reader can judge how quiet the machine was.
set -euo pipefail
out=${1:?usage: sitting.sh OUT_DIR [group ...]}; shift
groups=${*:-sgemm conv elementwise gru rssm cem dreamer}
ref=${SOMNIUM_REFERENCE:-../shared/reference}
jar=bench/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar: run 'mvn -B -q -DskipTests package' first" >&2; exit 2; }
mkdir -p "$out"
jmh() { # name, then JMH arguments
  local name=$1; shift
  echo "== $name (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  java --add-modules jdk.incubator.vector -jar "$jar" "$@" -p threads=1 -rf json -rff "$out/$name-jmh.json" > "$out/$name-jmh.txt" 2>&1
  grep -E "^(Benchmark|[A-Za-z]+Bench\.)" "$out/$name-jmh.txt" || true
}
py() { # name, script, arguments
  local name=$1 script=$2; shift 2
  echo "== $name torch (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/python3 "$script" "$@" | tee "$out/$name-torch.jsonl"
}
for g in $groups; do
  case $g in
    sgemm) jmh sgemm SgemmBench -wi 3 -i 5 -w 1s -r 1s; py sgemm "$ref/sgemm.py" --threads 1 ;;
    conv) jmh conv ConvBench -wi 3 -i 5 -w 2s -r 2s; py conv "$ref/conv.py" --threads 1 --parts enc,dec_opt ;;
    elementwise) jmh elementwise ElementwiseBench -wi 3 -i 5 -w 1s -r 1s -prof gc; py elementwise bench/scripts/elementwise_torch.py --threads 1 ;;
    gru) jmh gru GruBench -wi 3 -i 5 -w 2s -r 2s; py gru "$ref/gru.py" --threads 1 ;;
    rssm) jmh rssm RssmBench -wi 3 -i 5 -w 2s -r 2s; py rssm "$ref/rssm_state.py" --threads 1 ;;
    cem) jmh cem CemBench -wi 3 -i 3 -w 10s -r 10s; py cem "$ref/cem.py" --threads 1 ;;
    dreamer) jmh dreamer DreamerBench -wi 3 -i 5 -w 5s -r 5s; py dreamer-wm "$ref/rssm_state.py" --threads 1; py dreamer-behavior "$ref/behavior.py" --threads 1 ;;
    *) echo "unknown group $g (sgemm conv elementwise gru rssm cem dreamer)" >&2; exit 2 ;;
  esac
done
