#!/usr/bin/env bash
# Single-thread SGEMM against OpenBLAS, interleaved: for each round and each shape, our JMH SgemmBench on that
# shape, then shared/reference/sgemm.py on the same shape, so both sides of a ratio are measured within seconds of
# each other. On a VM whose neighbours come and go, a sitting that runs all of one side and then all of the other
# (bench/scripts/sitting.sh) can put a slow period on one side only; here each round gives one ratio per shape
# and the summary takes their median.
#
#   bench/scripts/sgemm_interleaved.sh OUT_DIR [rounds] [shape ...]
#
# Run from the repository root after `mvn -B -q -DskipTests package`, on an otherwise idle machine. Writes
# OUT_DIR/rN-SHAPE-jmh.json, OUT_DIR/rN-SHAPE-torch.jsonl and OUT_DIR/summary.txt (needs Debian's python3-numpy and
# python3-torch; see ../shared/reference/README.md).
set -euo pipefail
out=${1:?usage: sgemm_interleaved.sh OUT_DIR [rounds] [shape ...]}
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
shapes=${*:-sq256 sq512 sq1024 sq2048 rl_2500x230x600 rl_50x230x600 rl_1000x200x200}
ref=${SOMNIUM_REFERENCE:-../shared/reference}
jar=bench/target/benchmarks.jar
[ -f "$jar" ] || { echo "missing $jar: run 'mvn -B -q -DskipTests package' first" >&2; exit 2; }
mkdir -p "$out"
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/load.txt"
for r in $(seq 1 "$rounds"); do
  for s in $shapes; do
    java --add-modules jdk.incubator.vector -jar "$jar" SgemmBench -p shape="$s" -p threads=1 -wi 3 -i 3 -w 1s -r 1s -f 1 \
      -rf json -rff "$out/r$r-$s-jmh.json" > /dev/null 2>&1
    /usr/bin/python3 "$ref/sgemm.py" --threads 1 --shapes "$s" > "$out/r$r-$s-torch.jsonl"
  done
  echo "round $r done $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/load.txt"
done
/usr/bin/python3 - "$out" "$rounds" $shapes > "$out/summary.txt" <<'EOF'
import json, statistics, sys
out, rounds, shapes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print("shape | ours GFLOP/s per round | OpenBLAS GFLOP/s per round (median, better of numpy/torch) | ratio per round | median ratio")
for s in shapes:
    ours, blas, ratio = [], [], []
    for r in range(1, rounds + 1):
        j = json.load(open(f"{out}/r{r}-{s}-jmh.json"))[0]
        us = j["primaryMetric"]["score"]  # microseconds per call
        if s.startswith("sq"):
            m = k = n = int(s[2:])
        else:
            m, k, n = map(int, s[3:].split("x"))
        g = 2.0 * m * k * n / us / 1e3
        b = max(json.loads(l)["gflops_median"] for l in open(f"{out}/r{r}-{s}-torch.jsonl") if l.strip())
        ours.append(g); blas.append(b); ratio.append(g / b)
    print(f"{s} | {' '.join(f'{x:.1f}' for x in ours)} | {' '.join(f'{x:.1f}' for x in blas)} | "
          f"{' '.join(f'{x:.2f}' for x in ratio)} | {statistics.median(ratio):.2f}")
EOF
cat "$out/summary.txt"
