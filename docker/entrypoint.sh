#!/usr/bin/env bash
# Entrypoint of the Myelin GPU CI image (docker/Dockerfile copies it to /usr/local/bin/myelin-entrypoint).
# `test-gpu [launcher args]` runs the GPU test suite (see docker/README.md); anything else goes to the myelin CLI.
set -euo pipefail
home=/opt/myelin
if [ "${1:-}" != "test-gpu" ]; then
  exec java ${MYELIN_JAVA_OPTS:-} -jar "$home/myelin.jar" "$@"
fi
shift
reports=${MYELIN_REPORTS:-/reports}
mkdir -p "$reports"
echo "[myelin] test-gpu: GPU visible to the container:"
if ! nvidia-smi; then
  echo "[myelin] test-gpu: nvidia-smi failed: no GPU in the container (run with --gpus all)" >&2
  exit 3
fi
# The CUDA tests skip (JUnit Assumptions) when the backend cannot start, and a skipped run would
# look green. So first require that --backend cuda starts and trains; it fails with the reason
# (driver, kernels, cuBLAS) instead of falling back to the CPU.
echo "[myelin] test-gpu: smoke run: myelin train --backend cuda --epochs 1"
if ! java ${MYELIN_JAVA_OPTS:-} -jar "$home/myelin.jar" train --backend cuda --epochs 1 --out /tmp/smoke \
     2>&1 | tee "$reports/cuda-smoke.log"; then
  echo "[myelin] test-gpu: the CUDA backend did not start; see $reports/cuda-smoke.log" >&2
  exit 4
fi
# Class path: test classes, the shaded -cli jar (main classes, kernels, shim), then test-only libraries.
cp="$home/test-classes:$home/myelin.jar"
for j in "$home"/test-libs/*.jar; do cp="$cp:$j"; done
# Exit status 1 on any failed test, 2 when no tests were found.
exec java ${MYELIN_JAVA_OPTS:--Xmx4g} -jar "$home/junit-console.jar" execute \
  --class-path "$cp" \
  --select-package io.myelin.backend \
  --select-package io.myelin.train \
  --fail-if-no-tests \
  --details=tree \
  --reports-dir "$reports" \
  "$@"
