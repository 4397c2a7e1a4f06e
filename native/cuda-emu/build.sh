#!/usr/bin/env bash
# Builds the CUDA emulator (docs/cuda.md, "The CUDA emulator") into OUT_DIR:
#   libcuda.so.1        fake CUDA driver with kernels/*.cu compiled for the host
#   libcublas.so.13     fake cuBLAS 13 (GEMMs through OpenBLAS, stream-ordered on the fake driver)
#   cuda-emu-selftest   planted-bug checks of the emulator itself (cuda-emu-selftest --list)
#   images/io/myelin/backend/cuda/<module>.fatbin   emulator module images, for builds without nvcc
# Incremental: does nothing when every output is newer than kernels/* and native/cuda-emu/*. Without g++ (or on
# a machine that is not Linux) it prints why and exits 0; the emulated CUDA tests then skip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: build.sh OUT_DIR}
cxx=${CXX:-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "[myelin] $cxx not found: CUDA emulator not built (the emulated CUDA tests skip)"
  exit 0
fi
if [ "$(uname -s)" != "Linux" ]; then
  echo "[myelin] the CUDA emulator is built only on Linux (this is $(uname -s))"
  exit 0
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
outputs=("$out/libcuda.so.1" "$out/libcublas.so.13" "$out/cuda-emu-selftest")
fresh=1
for o in "${outputs[@]}"; do [ -f "$o" ] || fresh=0; done
if [ "$fresh" -eq 1 ]; then
  oldest=$(ls -t "${outputs[@]}" | tail -1)
  if [ -z "$(find "$root/kernels" "$here" -type f -newer "$oldest" -print -quit)" ]; then exit 0; fi
fi
start=$(date +%s)
gen="$out/gen"
obj="$out/obj"
mkdir -p "$gen" "$obj" "$out/images/io/myelin/backend/cuda"
common=(-std=c++17 -O2 -g -fPIC -fno-strict-aliasing -Wall -Wextra -I "$here" -I "$root"
        "-fmacro-prefix-map=$root/=")
# Kernels: no fused multiply-add contraction (nvcc does contract a*b+c into fma; see docs/cuda.md).
kflags=("${common[@]}" -ffp-contract=off -Wno-unknown-pragmas -Wno-unused-parameter)
pids=()
compile() {  # compile OUT.o FLAGS... SOURCE, at most 2 at a time
  local o=$1
  shift
  "$cxx" "$@" -c -o "$o.tmp" && mv "$o.tmp" "$o" &
  pids+=($!)
  if [ "${#pids[@]}" -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
}
finish() { for p in "${pids[@]}"; do wait "$p"; done; pids=(); }

modules=()
shopt -s nullglob
for cu in "$root"/kernels/*.cu; do
  m=$(basename "$cu" .cu)
  bash "$here/gen-module.sh" "$cu" "$m" "kernels/$m.cu" > "$gen/module_$m.cpp.tmp"
  mv "$gen/module_$m.cpp.tmp" "$gen/module_$m.cpp"
  compile "$obj/module_$m.o" "${kflags[@]}" "$gen/module_$m.cpp"
  modules+=("$obj/module_$m.o")
  { echo "// Myelin CUDA emulator image of kernels/$m.cu (not a fatbin: only the emulator loads it)"
    grep -o 'extern "C" __global__ void [A-Za-z_][A-Za-z_0-9]*(' "$cu" | sed 's/.* void \(.*\)(/\1/'
  } > "$out/images/io/myelin/backend/cuda/$m.fatbin"
done
bash "$here/gen-module.sh" "$here/selftest_kernels.cu" selftest "native/cuda-emu/selftest_kernels.cu" > "$gen/module_selftest.cpp"
compile "$obj/module_selftest.o" "${kflags[@]}" "$gen/module_selftest.cpp"
for s in driver scheduler fiber; do
  compile "$obj/$s.o" "${common[@]}" "$here/$s.cpp"
done
compile "$obj/selftest.o" "${common[@]}" "$here/selftest.cpp"
finish
bash "$here/gen-stubs.sh" "$here/driver_symbols.txt" "$obj/driver.o" > "$gen/stubs.cpp"
"$cxx" "${common[@]}" -c -o "$obj/stubs.o" "$gen/stubs.cpp"
"$cxx" -shared -o "$out/libcuda.so.1.tmp" -Wl,-soname,libcuda.so.1 -Wl,-z,noexecstack \
  "$obj/driver.o" "$obj/scheduler.o" "$obj/fiber.o" "$obj/stubs.o" "${modules[@]}" -lpthread
mv "$out/libcuda.so.1.tmp" "$out/libcuda.so.1"
"$cxx" "${common[@]}" -shared -o "$out/libcublas.so.13.tmp" -Wl,-soname,libcublas.so.13 \
  -Wl,--version-script="$here/libcublas.so.13.map" -Wl,-z,noexecstack "$here/cublas.cpp" \
  -Wl,--no-as-needed "$out/libcuda.so.1" -ldl
mv "$out/libcublas.so.13.tmp" "$out/libcublas.so.13"
"$cxx" -o "$out/cuda-emu-selftest.tmp" "$obj/selftest.o" "$obj/module_selftest.o" "$out/libcuda.so.1" \
  -Wl,-rpath,'$ORIGIN' -lpthread
mv "$out/cuda-emu-selftest.tmp" "$out/cuda-emu-selftest"
echo "[myelin] CUDA emulator built in $out ($(( $(date +%s) - start )) s)"
