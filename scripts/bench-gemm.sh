#!/usr/bin/env bash
# GEMM throughput through the CPU backend for every available provider (native, java, ejml), one line per
# provider and shape: "GFLOPS <provider> <m>x<k>x<n> <value>". Builds the jar first when it is missing or
# older than the sources. Usage: scripts/bench-gemm.sh [provider ...]   (extra JVM flags via JAVA_OPTS)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jar="target/myelin-$version-cli.jar"
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -type f -print -quit)" ]; then
  echo "[bench-gemm] building $jar" >&2
  mvn -B -q -DskipTests -Dmyelin.kernels.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$jar" io.myelin.bench.GemmBench "$@"
