#!/usr/bin/env bash
# Myelin CPU vs PyTorch CPU on the same models, data and batch sizes (docs/benchmarks.md, "Peers").
# Runs `myelin bench` and scripts/bench_torch.py alternately, R times per configuration, and prints a markdown
# table of medians and the ratio Myelin/PyTorch; raw results, the table and a plot of the scaling sweep go to
# target/bench/ (peers.json, peers.md, scaling.png).
#
# Usage: scripts/bench-peers.sh [--quick] [--reps R] [--epochs E] [--only IDS|GROUPS] [--list]
#        scripts/bench-peers.sh --torch-threads-check [--reps R]   # which PyTorch thread setting is fastest here
# Environment: BENCH_THREADS (OPENBLAS_NUM_THREADS for both sides, default: all cores), TORCH_THREADS
# (torch.set_num_threads, default 1), JAVA_OPTS (extra JVM flags for Myelin).
#
# From a fresh clone it installs what is missing with apt-get (sudo when not root): python3-torch,
# python3-matplotlib (plot), libopenblas0-pthread (Myelin's native GEMM) and dataset-fashion-mnist (unless
# MYELIN_DATA is set), and builds the jar (without CUDA kernels) when it is missing or older than the sources.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=/usr/bin/python3   # Debian's Python: python3-torch installs there, not into pyenv or venv Pythons

missing=()
[ -x "$py" ] || missing+=(python3)
[ -x "$py" ] && "$py" -c 'import torch' 2>/dev/null || missing+=(python3-torch)
[ -x "$py" ] && "$py" -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
dpkg-query -W -f '${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'ok installed' || missing+=(libopenblas0-pthread)
if [ -z "${MYELIN_DATA:-}" ] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  missing+=(dataset-fashion-mnist)
fi
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  echo "[bench-peers] apt-get install ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jar="target/myelin-$version-cli.jar"
if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -type f -print -quit)" ]; then
  echo "[bench-peers] building $jar" >&2
  mvn -B -q -DskipTests -Dmyelin.kernels.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package >&2
fi

# OpenBLAS gets every core on both sides; PyTorch's own intra-op pool gets one thread, because on 2 cores
# set_num_threads(2) plus an OpenBLAS pool of 2 oversubscribes (see --torch-threads-check).
export OPENBLAS_NUM_THREADS=${BENCH_THREADS:-$(nproc)}
exec "$py" scripts/bench_peers.py --jar "$root/$jar" --java-opts "${JAVA_OPTS:-}" \
  --torch-threads "${TORCH_THREADS:-1}" "$@"
