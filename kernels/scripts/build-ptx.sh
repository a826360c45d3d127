#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu to PTX, twice:
#   <name>.sm_90.ptx       -arch=sm_90       (H100/H200; JIT-compiled by the driver for newer GPUs too)
#   <name>.compute_75.ptx  -arch=compute_75  (portable: any GPU of compute capability >= 7.5)
# into the output folder (default: kernels/target/classes/somnium/kernels/ptx), so the PTX is on the classpath.
#
# Run by the Maven build (kernels/pom.xml, exec-maven-plugin, phase generate-resources). Where no nvcc is found
# it prints a note and exits 0 (the backend then reports "no PTX in this build"); where nvcc exists every
# kernel must compile, and any nvcc error fails the build. A PTX file newer than its .cu and the headers is kept.
#
# Usage: build-ptx.sh [OUT_DIR] ; environment: NVCC=/path/to/nvcc, SOMNIUM_PTX_SKIP=true, NVCC_EXTRA="flags"
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/src/main/cuda"
out="${1:-$here/target/classes/somnium/kernels/ptx}"

if [ "${SOMNIUM_PTX_SKIP:-false}" = "true" ]; then
  echo "[build-ptx] skipped (somnium.ptx.skip=true): no PTX in this build"
  exit 0
fi

nvcc="${NVCC:-}"
if [ -z "$nvcc" ]; then
  for c in "$(command -v nvcc 2>/dev/null || true)" "${CUDA_HOME:-/nonexistent}/bin/nvcc" /usr/local/cuda/bin/nvcc /usr/local/bin/nvcc; do
    if [ -n "$c" ] && [ -x "$c" ]; then nvcc="$c"; break; fi
  done
fi
if [ -z "$nvcc" ]; then
  echo "[build-ptx] no nvcc found (PATH, \$CUDA_HOME/bin, /usr/local/cuda/bin, /usr/local/bin): skipping; no PTX in this build"
  exit 0
fi

# Headers: the CUDA include dir next to nvcc, plus CCCL (CUB) where it is a separate folder.
inc=()
for d in "$(dirname "$(readlink -f "$nvcc")")/../include" /usr/local/cuda/include; do
  [ -d "$d" ] && inc+=("-I$d")
  [ -d "$d/cccl" ] && inc+=("-I$d/cccl")
done

mkdir -p "$out"
echo "[build-ptx] $("$nvcc" --version | tail -1) -> $out"
newest_header=$(stat -c %Y "$src"/*.cuh 2>/dev/null | sort -n | tail -1)
newest_header=${newest_header:-0}
n=0
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  for arch in sm_90 compute_75; do
    ptx="$out/$name.$arch.ptx"
    if [ -f "$ptx" ] && [ "$(stat -c %Y "$ptx")" -ge "$(stat -c %Y "$cu")" ] && [ "$(stat -c %Y "$ptx")" -ge "$newest_header" ]; then
      continue
    fi
    # -std=c++17 for CUB; default -fmad=true (kernels that need unfused math say so with __fmul_rn/__fadd_rn);
    # -lineinfo keeps source lines for compute-sanitizer and Nsight.
    "$nvcc" -ptx -std=c++17 -O3 -lineinfo -arch="$arch" "${inc[@]}" -I"$src" ${NVCC_EXTRA:-} "$cu" -o "$ptx.tmp"
    mv "$ptx.tmp" "$ptx"
    n=$((n + 1))
  done
done
# An index of what the build produced, read by somnium.kernels.Ptx.
( cd "$out" && ls -1 *.ptx > index.txt )
echo "[build-ptx] compiled $n PTX file(s); $(wc -l < "$out/index.txt") in $out"
