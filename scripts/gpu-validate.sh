#!/usr/bin/env bash
# Packs everything a GPU machine needs to validate the CUDA backend into one folder of at most 48 MiB, so
# it can be carried there and run with one command (no JDK, Maven or network needed on that machine):
#
#   scripts/gpu-validate.sh [OUT_DIR]        # here: build and pack (default OUT_DIR: target/gpu-validation)
#   OUT_DIR/run.sh                           # there: the CUDA suites, then the step benchmark vs PyTorch
#
# The folder holds: jre/ (a jlink runtime with only the modules the tests and the benchmark load, native
# symbols stripped), myelin.jar (the shaded -cli jar without what validation never loads: the JCuda runtime,
# NVRTC and PTX-compiler natives, and the plotting libraries), test-classes/ and test-lib/ (the tests and
# their extra dependencies), lib/junit-platform-console-standalone, kernels/ and native/cublas-shim/ (read
# by the kernel-name and shim tests), bench_torch.py (the PyTorch twin of `myelin bench`) and run.sh.
# Needs nvcc here: a jar without kernels cannot validate. Refuses to pack a folder over the size limit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/target/gpu-validation}
limit_mib=48
console_version=1.14.1   # junit-platform-console-standalone matching junit-jupiter 5.14.x
cd "$root"

echo "[gpu-validate] building the runnable -cli jar (kernels and cuBLAS shim included)"
mvn -B -q --no-transfer-progress -Dstyle.color=never package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
jar="target/myelin-$version-cli.jar"   # the runnable shaded jar; target/myelin-$version.jar is the plain library
for fatbin in kernels/*.cu; do
  module=$(basename "$fatbin" .cu)
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
# Never loaded by the CUDA backend (driver API + JCublas2 only) nor by the tests and the benchmark:
zip -q -d "$out/myelin.jar" 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*' 'lib/libJCudaRuntime-*' \
  'org/knowm/*' 'org/apache/pdfbox/*' 'org/apache/fontbox/*' 'de/rototor/*' 'de/erichseifert/*' \
  'com/madgag/*' 'org/apache/commons/logging/*' >/dev/null || true
cp -r target/test-classes "$out/test-classes"
find "$out/test-classes" -name '*FuzzTest*.class' -delete   # they need Jazzer; the build replays them
cp -r kernels "$out/kernels"
cp native/cublas-shim/*.map native/cublas-shim/*.c "$out/native/cublas-shim/"
cp scripts/bench_torch.py "$out/bench_torch.py"

echo "[gpu-validate] collecting test dependencies and the JUnit console launcher"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mvn -B -q --no-transfer-progress -Dstyle.color=never dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$tmp/test"
mvn -B -q --no-transfer-progress -Dstyle.color=never dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/main"
for f in "$tmp"/test/*.jar; do
  name=$(basename "$f")
  [ -e "$tmp/main/$name" ] && continue                                   # already inside the shaded jar
  case "$name" in
    junit-*|opentest4j-*|apiguardian-*) continue ;;                      # inside the console launcher
    jmh-*|jopt-simple-*|commons-math3-*) continue ;;                     # benchmarks harness, not loaded by tests
    jazzer-*) continue ;;                                               # fuzz tests run in the build, not on the device
  esac
  cp "$f" "$out/test-lib/"
done
mvn -B -q --no-transfer-progress -Dstyle.color=never dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$console_version" -DoutputDirectory="$out/lib"

echo "[gpu-validate] linking a Java runtime"
# jdeps also names java.desktop and java.sql, reached only through optional paths of Jackson and EJML that the
# tests and the benchmark never take, and jdk.incubator.vector, which only netlib's pure-Java BLAS would use (our
# CPU backend has its own fallback GEMM); the rest is what JUnit (java.xml for its reports, jdk.management for the
# allocation counters of ChecksTest) and JCuda load reflectively.
modules=java.base,java.xml,java.logging,java.management,jdk.management,jdk.unsupported
if ! jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre" \
    > "$tmp/jlink.log" 2>&1; then
  cat "$tmp/jlink.log" >&2
  exit 1
fi
find "$out/jre" -name '*.so' -exec strip --strip-unneeded {} +

cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the CUDA validation on this machine and writes everything to ./results/ (or $1):
#  1. environment.txt: GPU, driver, cuBLAS libraries;
#  2. the CUDA suites on the real device (JUnit: io.myelin.backend — the CUDA test classes but the emulator's own,
#     and the contract suite — and the model-level tests of io.myelin.train, each on the cuda backend only):
#     tests.txt, junit/*.xml;
#  3. the step benchmark, Myelin's cuda backend against this machine's PyTorch on the GPU, Fashion-MNIST MLP
#     shape 784-256-128-10 on synthetic data, batch 128 and 1024: bench.jsonl and a ratio table in bench.txt.
# Each part has its own time limit so the whole run stays under 5 minutes.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
results=${1:-$here/results}
mkdir -p "$results"
java="$here/jre/bin/java"
cp="$here/myelin.jar:$here/test-classes"
for f in "$here"/test-lib/*.jar; do [ -e "$f" ] && cp="$cp:$f"; done
console=$(ls "$here"/lib/junit-platform-console-standalone-*.jar)
started=$(date +%s)

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -a)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  ls -l /usr/local/cuda*/lib64/libcublas.so.* /usr/lib/x86_64-linux-gnu/libcublas.so.* 2>/dev/null
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' 2>&1
} | tee "$results/environment.txt"

echo "== tests (io.myelin.backend, io.myelin.train on cuda)"
timeout 200 "$java" -Dbasedir="$here" -Dmyelin.test.backends=cuda -jar "$console" execute --class-path "$cp" \
  --select-package io.myelin.backend --select-package io.myelin.train \
  --exclude-classname '.*CudaEmulatorSelfTest' \
  --details=summary --details-theme=ascii --disable-banner --fail-if-no-tests --reports-dir "$results/junit" \
  2>&1 | tee "$results/tests.txt" | tail -40
status=${PIPESTATUS[0]}

echo "== step benchmark: myelin cuda vs pytorch cuda"
: > "$results/bench.jsonl"
for batch in 128 1024; do
  timeout 40 "$java" -jar "$here/myelin.jar" bench --backend cuda --data synthetic --batch-size "$batch" \
    --steps 300 --warmup-steps 50 --format json 2>>"$results/bench.err" | tail -1 >> "$results/bench.jsonl"
  timeout 40 python3 "$here/bench_torch.py" --device cuda --data synthetic --batch-size "$batch" \
    --steps 300 --warmup-steps 50 --format json 2>>"$results/bench.err" | tail -1 >> "$results/bench.jsonl"
done
python3 - "$results/bench.jsonl" <<'PY' | tee "$results/bench.txt"
import json, sys
rows = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        r = json.loads(line)
        rows[(r.get("system"), r.get("batch_size"))] = r
print("batch | myelin step ms (median) | pytorch step ms (median) | myelin/pytorch")
for b in (128, 1024):
    m, p = rows.get(("myelin", b)), rows.get(("pytorch", b))
    fm = "%.3f" % m["step_ms_median"] if m else "missing"
    fp = "%.3f" % p["step_ms_median"] if p else "missing"
    ratio = "%.2f" % (m["step_ms_median"] / p["step_ms_median"]) if m and p else "-"
    print("%5d | %s | %s | %s" % (b, fm, fp, ratio))
PY
echo "== results in $results; tests exit status $status; $(( $(date +%s) - started )) s in all"
exit "$status"
RUN
chmod +x "$out/run.sh"
size_mib=$(( $(du -sk "$out" | cut -f1) / 1024 ))
echo "[gpu-validate] packed ${size_mib} MiB into $out (jre $(du -sh "$out/jre" | cut -f1), jar $(du -sh "$out/myelin.jar" | cut -f1))"
if [ "$size_mib" -gt "$limit_mib" ]; then
  echo "[gpu-validate] error: the bundle is ${size_mib} MiB, over the ${limit_mib} MiB limit" >&2
  exit 1
fi
echo "[gpu-validate] run $out/run.sh on the GPU machine"
