#!/usr/bin/env bash
# Fuzzes every reader for real (Jazzer, JAZZER_FUZZ=1), SECONDS each (default 60):
#   scripts/fuzz.sh [SECONDS]
# Without JAZZER_FUZZ, `mvn test` only replays the committed corpus under src/test/resources/io/myelin/**/
# <Test>Inputs/<method>/. A finding (an input that makes a reader throw anything but a user error, or allocate
# past the cap) is written there by Jazzer as crash-<hash>, so the next `mvn test` replays it: fix the reader,
# keep the file. The inputs the fuzzer generated on the way stay in .cifuzz-corpus/ (not committed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
targets=(
  "io.myelin.data.IdxFuzzTest#idxFile"
  "io.myelin.data.CsvFuzzTest#csvFile"
  "io.myelin.io.SafeTensorsFuzzTest#safetensorsFile"
  "io.myelin.train.ModelSpecFuzzTest#specFile"
  "io.myelin.cli.RunDirectoryFuzzTest#runFile"
)
cd "$root"
mvn -B -q -o -DskipTests -Dmyelin.kernels.skip=true -Dmyelin.emu.skip=true -Dmyelin.shim.skip=true test-compile \
  || mvn -B -q -DskipTests test-compile
failed=0
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  before=$(find src/test/resources -name 'crash-*' | wc -l)
  # Only the fuzz tests' own surefire execution (the default one would run the target a second time).
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" mvn -B -q -o surefire:test@fuzz-regression \
      -Dsurefire.failIfNoSpecifiedTests=false -Dtest="$t"; then
    failed=1
  fi
  after=$(find src/test/resources -name 'crash-*' | wc -l)
  echo "fuzz: $t: $((after - before)) new finding(s)"
done
find src/test/resources -name 'crash-*' -newer pom.xml -print | sed 's/^/fuzz: finding /'
exit $failed
