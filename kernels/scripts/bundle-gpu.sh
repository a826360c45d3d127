#!/usr/bin/env bash
# Builds a self-contained folder for a GPU machine that has the NVIDIA driver but no JDK or Maven:
#   OUT/jre/            a jlink'd Java runtime (java.base, jdk.incubator.vector, and what jdeps says the jars need)
#   OUT/lib/            somnium-tensor, somnium-kernels (with the PTX), their tests, JCuda (+ natives), JUnit;
#                       somnium-autograd, -rl, -bench and Jackson/picocli for the Dreamer update timing
#   OUT/src/main/cuda/  the CUDA sources (two no-GPU tests read them)
#   OUT/torch_gpu_twins.py  the PyTorch twins of the benchmarks
#   OUT/run.sh          ./run.sh probe | test [package] | bench [gemm|gru|cem|ops|all] | dreamer [reps] | java <main> [args]
# and checks that it fits in 64 MiB. Must run where nvcc exists (the PTX is compiled into the kernels jar).
#
# Usage (from anywhere):  kernels/scripts/bundle-gpu.sh [OUT]      default OUT: kernels/target/gpu-bundle
# Then copy OUT to the GPU machine and run:  OUT/run.sh test && OUT/run.sh bench all
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/kernels/target/gpu-bundle}"
mvn_flags=(-q -B)
[ "${OFFLINE:-}" = "1" ] && mvn_flags+=(-o)

rm -rf "$out"
mkdir -p "$out/lib"
cd "$root"
echo "[bundle] building tensor + kernels (package, tests compiled not run)"
mvn "${mvn_flags[@]}" -pl kernels -am package dependency:copy-dependencies -DskipTests \
    -DincludeScope=test -DoutputDirectory="$out/lib" -Dmdep.prependGroupId=true
echo "[bundle] building autograd + rl + bench (for the full Dreamer update on the GPU: bench's DreamerUpdateTiming)"
mvn "${mvn_flags[@]}" -pl bench -am jar:jar dependency:copy-dependencies -DskipTests -Dmaven.main.skip=false \
    -DincludeScope=runtime -DincludeArtifactIds=jackson-databind,jackson-core,jackson-annotations,picocli \
    -DoutputDirectory="$out/lib" -Dmdep.prependGroupId=true
cp tensor/target/somnium-tensor-*.jar kernels/target/somnium-kernels-*.jar autograd/target/somnium-autograd-*.jar \
   rl/target/somnium-rl-*.jar bench/target/somnium-bench-*.jar "$out/lib/"
rm -f "$out"/lib/dev.somnium.*   # reactor copies, if any; the jars above are the ones
jar cf "$out/lib/somnium-kernels-tests.jar" -C kernels/target/test-classes .
jar cf "$out/lib/somnium-tensor-tests.jar" -C tensor/target/test-classes .
# rl's device test (one Dreamer update on CUDA against the CPU): ./run.sh test somnium.rl.dreamer.DreamerDeviceTest
mvn "${mvn_flags[@]}" -pl rl -am test-compile -DskipTests
jar cf "$out/lib/somnium-rl-tests.jar" -C rl/target/test-classes somnium/rl/dreamer
# (not `unzip -l | grep -q`: grep's early exit kills unzip with SIGPIPE, which pipefail turns into a failure)
if ! unzip -l "$out"/lib/somnium-kernels-0*.jar somnium/kernels/ptx/index.txt >/dev/null 2>&1; then
  echo "[bundle] ERROR: the kernels jar holds no PTX (no nvcc on this machine?)" >&2
  exit 1
fi
mkdir -p "$out/src/main"
cp -r kernels/src/main/cuda "$out/src/main/cuda"
cp kernels/scripts/torch_gpu_twins.py "$out/"

echo "[bundle] jlink"
# What `jdeps --print-module-deps` reports for the jars (JCuda and JUnit need java.logging; somnium-tensor needs
# jdk.management), jdk.unsupported for libraries that probe sun.misc.Unsafe, and jdk.zipfs, without which JUnit
# cannot scan the test jars for classes ("Provider \"jar\" not found").
mods="java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,jdk.unsupported,jdk.zipfs"
jlink --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"

cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Somnium GPU bundle. ./run.sh probe | test [package] | bench [gemm|gru|cem|ops|all] | dreamer [reps] [warmup] [BxT...] | java <main> [args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
java=("$here/jre/bin/java" --add-modules jdk.incubator.vector -Xss8m -XX:+UseParallelGC -cp "$here/lib/*")
case "${1:-test}" in
  probe) "${java[@]}" -Dsomnium.cuda.sync=true somnium.kernels.GpuTestMain somnium.kernels.CudaProviderTest 2>&1 | tail -5
         nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true ;;
  test)  "${java[@]}" -Dsomnium.cuda.sync=true somnium.kernels.GpuTestMain "${2:-somnium.kernels}" ;;
  bench) "${java[@]}" somnium.kernels.GpuBench "${2:-all}" ;;
  dreamer) shift; "${java[@]}" somnium.bench.DreamerUpdateTiming cuda "$@" ;;
  java)  shift; "${java[@]}" "$@" ;;
  *) echo "usage: $0 probe | test [package] | bench [gemm|gru|cem|ops|all] | dreamer [reps] [warmup] [BxT...] | java <main> [args]" >&2; exit 2 ;;
esac
RUN
chmod +x "$out/run.sh"
size=$(du -sm "$out" | cut -f1)
echo "[bundle] $out: ${size} MiB"
if [ "$size" -gt 64 ]; then echo "[bundle] ERROR: over 64 MiB" >&2; exit 1; fi
