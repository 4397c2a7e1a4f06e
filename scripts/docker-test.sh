#!/usr/bin/env bash
# Runs the GPU test suite inside the image built by scripts/docker-build.sh.
# Usage: scripts/docker-test.sh [TAG] [extra JUnit console launcher args...]
#   TAG defaults to myelin:latest. Reports (JUnit XML, cuda-smoke.log) land in target/gpu-reports.
# Needs an NVIDIA GPU, its driver and the NVIDIA Container Toolkit (for --gpus all).
# Exits non-zero when the GPU is missing, the CUDA backend does not start, or any test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-myelin:latest}
[ $# -gt 0 ] && shift
mkdir -p "$root/target/gpu-reports"
docker run --rm --gpus all -v "$root/target/gpu-reports:/reports" "$tag" test-gpu "$@"
