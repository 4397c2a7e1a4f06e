#!/usr/bin/env bash
# Compiles kernels/*.cu into one fatbin per file (SASS for sm_75..sm_90 plus PTX) under OUT_DIR.
# Without nvcc this prints why and exits 0: the jar still builds and the CUDA backend reports itself
# unavailable. With nvcc, any compile error fails the build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-kernels.sh OUT_DIR}
nvcc=${NVCC:-$(command -v nvcc || true)}
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "[myelin] nvcc not found: CUDA kernels not built (the CPU backend is unaffected)"
  exit 0
fi
mkdir -p "$out"
archs=(75 80 86 89 90)
gencode=()
for a in "${archs[@]}"; do gencode+=(-gencode "arch=compute_${a},code=sm_${a}"); done
gencode+=(-gencode "arch=compute_90,code=compute_90")
shopt -s nullglob
n=0
for cu in "$here"/kernels/*.cu; do
  name=$(basename "$cu" .cu)
  fatbin="$out/$name.fatbin"
  if [ "$fatbin" -nt "$cu" ] && [ "$fatbin" -nt "$0" ] && [ "$fatbin" -nt "$here/kernels/common.cuh" ]; then n=$((n+1)); continue; fi
  echo "[myelin] nvcc $name.cu -> $name.fatbin"
  "$nvcc" -fatbin -O3 -std=c++17 -I "$here/kernels" "${gencode[@]}" -o "$fatbin.tmp" "$cu"
  mv "$fatbin.tmp" "$fatbin"
  n=$((n+1))
done
# The nvcc release (e.g. 13.0) goes into the jar: CudaProbe names the driver it needs (docs/cuda.md).
"$nvcc" --version | sed -n 's/.*release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -1 > "$out/kernels-nvcc.txt"
echo "[myelin] $n kernel files compiled with $($nvcc --version | tail -1)"
