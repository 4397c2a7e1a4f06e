#!/usr/bin/env bash
# Builds the libcublas.so.12 shim (see cublas_shim.c) into OUT_DIR/linux-x86_64/libmyelin-cublas12-shim.so.
# Without gcc, or on a machine that is not linux x86_64, this prints why and exits 0: the jar then lacks
# the shim and the CUDA backend needs a real libcublas.so.12 (CUDA 12).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR}
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[myelin] $cc not found: cuBLAS shim not built (CUDA 13 hosts will report cuBLAS missing)"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "[myelin] cuBLAS shim is built only on Linux x86_64 (this is $(uname -s)-$(uname -m))"
  exit 0
fi
lib="$out/linux-x86_64/libmyelin-cublas12-shim.so"
if [ -f "$lib" ] && [ "$lib" -nt "$here/cublas_shim.c" ] && [ "$lib" -nt "$here/libcublas.so.12.map" ] && [ "$lib" -nt "$0" ]; then
  exit 0
fi
mkdir -p "$out/linux-x86_64"
# -l:libdl.so.2 keeps dlopen/dlsym resolvable on glibc < 2.34, where they live in libdl.
"$cc" -shared -fPIC -O2 -Wall -Wextra -Werror -fno-stack-protector \
  -Wl,-soname,libcublas.so.12 -Wl,--version-script="$here/libcublas.so.12.map" \
  -Wl,-z,noexecstack -Wl,--no-as-needed \
  -o "$lib.tmp" "$here/cublas_shim.c" -l:libdl.so.2
mv "$lib.tmp" "$lib"
echo "[myelin] built $lib"
