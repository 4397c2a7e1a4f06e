#!/usr/bin/env bash
# Packs everything a GPU machine needs to validate the CUDA backend into one folder, so the folder can be
# carried there and run with one command (no JDK, Maven or network needed on that machine):
#
#   scripts/gpu-validate.sh [OUT_DIR]        # here: build and pack (default OUT_DIR: target/gpu-validation)
#   OUT_DIR/run.sh                           # there: CUDA + backend contract tests, then the GPU benchmark
#
# The folder holds: jre/ (a jlink runtime with the modules the jar needs), myelin.jar (the shaded jar with
# the JCuda natives, the kernel fatbins and the cuBLAS shim), test-classes/ and test-lib/ (the tests and
# their extra dependencies), lib/junit-platform-console-standalone, kernels/ and native/cublas-shim/ (read
# by the kernel-name and shim tests), and run.sh. Needs nvcc here: a jar without kernels cannot validate.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/gpu-validation}
console_version=1.14.1   # junit-platform-console-standalone matching junit-jupiter 5.14.x
cd "$root"

echo "[gpu-validate] building the shaded jar (kernels and cuBLAS shim included)"
mvn -B -q package -DskipTests
jar=$(ls target/myelin-*.jar | grep -v original | head -1)
for module in elementwise activations softmax reduce dropout batchnorm optimizer gather; do
  if ! unzip -l "$jar" "io/myelin/backend/cuda/$module.fatbin" >/dev/null 2>&1; then
    echo "[gpu-validate] $jar has no io/myelin/backend/cuda/$module.fatbin: build where nvcc is installed" >&2
    exit 1
  fi
done
unzip -l "$jar" io/myelin/backend/cuda/linux-x86_64/libmyelin-cublas12-shim.so >/dev/null 2>&1 ||
  echo "[gpu-validate] warning: no cuBLAS shim in the jar (no gcc?): a CUDA 13 host will report cuBLAS missing"

rm -rf "$out"
mkdir -p "$out/lib" "$out/test-lib" "$out/native/cublas-shim"
cp "$jar" "$out/myelin.jar"
cp -r target/test-classes "$out/test-classes"
cp -r kernels "$out/kernels"
cp native/cublas-shim/*.map native/cublas-shim/*.c "$out/native/cublas-shim/"

echo "[gpu-validate] collecting test dependencies and the JUnit console launcher"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mvn -B -q dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$tmp/test"
mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/main"
for f in "$tmp"/test/*.jar; do
  name=$(basename "$f")
  [ -e "$tmp/main/$name" ] && continue                                   # already inside the shaded jar
  case "$name" in junit-*|opentest4j-*|apiguardian-*) continue ;; esac   # inside the console launcher
  cp "$f" "$out/test-lib/"
done
mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$console_version" \
  -DoutputDirectory="$out/lib"

echo "[gpu-validate] linking a Java runtime"
cp_all="$out/myelin.jar:$out/lib/junit-platform-console-standalone-$console_version.jar"
for f in "$out"/test-lib/*.jar; do cp_all="$cp_all:$f"; done
modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps -cp "$cp_all" \
  "$out/myelin.jar" "$out/test-classes" "$out/lib/junit-platform-console-standalone-$console_version.jar")
# reflection-only needs jdeps cannot see: JUnit (java.management, java.logging), JCuda/JMH (jdk.unsupported)
modules="$modules,java.logging,java.management,jdk.unsupported"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"

cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the CUDA validation on this machine: the CUDA tests and the backend contract suite (every test under
# io.myelin.backend), then the GPU benchmark when the build has one. Results go to ./results/.
# Usage: ./run.sh [extra JUnit console options]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
results="$here/results"
mkdir -p "$results"
java="$here/jre/bin/java"
cp="$here/myelin.jar:$here/test-classes"
for f in "$here"/test-lib/*.jar; do cp="$cp:$f"; done
console=$(ls "$here"/lib/junit-platform-console-standalone-*.jar)

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -a)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  ls -l /usr/local/cuda*/lib64/libcublas.so.* 2>/dev/null
} | tee "$results/environment.txt"

echo "== tests (io.myelin.backend.*)"
"$java" -Dbasedir="$here" -jar "$console" execute --class-path "$cp" --select-package io.myelin.backend \
  --details=tree --disable-banner --fail-if-no-tests --reports-dir "$results/junit" "$@" 2>&1 | tee "$results/tests.txt"
status=${PIPESTATUS[0]}

bench=${MYELIN_GPU_BENCH_CLASS:-io.myelin.bench.GpuBenchmark}
bench_file="${bench//.//}.class"
if [ -f "$here/test-classes/$bench_file" ] || unzip -l "$here/myelin.jar" "$bench_file" >/dev/null 2>&1; then
  echo "== benchmark $bench"
  "$java" -cp "$cp" "$bench" 2>&1 | tee "$results/benchmark.txt"
else
  echo "== no benchmark class $bench in this build (set MYELIN_GPU_BENCH_CLASS to run another)"
fi
echo "== results in $results; tests exit status $status"
exit "$status"
RUN
chmod +x "$out/run.sh"
echo "[gpu-validate] packed $(du -sh "$out" | cut -f1) into $out (jre $(du -sh "$out/jre" | cut -f1)); run $out/run.sh on the GPU machine"
