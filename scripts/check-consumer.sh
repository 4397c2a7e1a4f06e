#!/usr/bin/env bash
# Checks Myelin as an application sees it: installs io.myelin:myelin, builds the tiny application in
# scripts/consumer/ (its pom.xml and QuickStart.java, the README's Java example) against the installed artifact,
# and runs it, once with slf4j-simple and once with logback as the application's own logging provider.
#
#   scripts/check-consumer.sh            # offline (mvn -o): everything must already be in the local repository
#   scripts/check-consumer.sh --online   # lets Maven download what is missing (a fresh CI machine)
#
# Myelin is installed into a temporary local repository that sees the normal one (MAVEN_REPO, default
# ~/.m2/repository) through symbolic links, except for io/myelin, so nothing of the normal repository is
# replaced and parallel builds do not race on the SNAPSHOT. For each provider it fails when:
#  - the application's runtime class path holds a test framework (junit, opentest4j), the command line's own
#    libraries (picocli, xchart and its pdfbox), the shaded -cli jar, or a logging provider it did not choose;
#  - two jars on it hold the same class (module-info and META-INF/versions aside);
#  - QuickStart fails or prints a test accuracy below 0.90;
#  - Myelin's "backend:" log line does not come through the application's provider, or is still there when
#    the application sets io.myelin's level to warn (the way the README says to silence it).
# Prints the class path's jar count and size.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
offline=-o
case "${1:-}" in
  --online) offline="" ;;
  "") ;;
  *) echo "usage: scripts/check-consumer.sh [--online]" >&2; exit 2 ;;
esac
min_accuracy=0.90
repo=${MAVEN_REPO:-$HOME/.m2/repository}
mvn_flags=(-B -q --no-transfer-progress -Dstyle.color=never $offline)
started=$(date +%s)
fail() { echo "[check-consumer] FAIL: $*" >&2; exit 1; }
command -v unzip >/dev/null || fail "unzip is needed to list the classes of each jar (apt-get install unzip)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/myelin-check-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The temporary local repository: every top-level entry of the normal one linked, io/ a real folder whose
# entries are linked too, except io/myelin, which the install below writes.
mkdir -p "$tmp/repo/io" "$repo"
for e in "$repo"/*; do
  [ -e "$e" ] || continue
  [ "$(basename "$e")" = io ] || ln -s "$e" "$tmp/repo/"
done
for e in "$repo"/io/*; do
  [ -e "$e" ] || continue
  [ "$(basename "$e")" = myelin ] || ln -s "$e" "$tmp/repo/io/"
done

version=$(awk -F'[<>]' '/<version>/ {print $3; exit}' "$root/pom.xml")   # the project's, the first one
echo "[check-consumer] installing io.myelin:myelin:$version into a temporary local repository"
if ! (cd "$root" && mvn "${mvn_flags[@]}" -Dmaven.repo.local="$tmp/repo" -DskipTests install) >"$tmp/install.log" 2>&1; then
  sed 's/\x1b\[[0-9;]*m//g' "$tmp/install.log" >&2
  fail "mvn install of Myelin failed (above)"
fi
echo "[check-consumer] installed in $(( $(date +%s) - started )) s"
installed="$tmp/repo/io/myelin/myelin/$version"
for f in "myelin-$version.jar" "myelin-$version.pom" "myelin-$version-cli.jar" "myelin-$version-sources.jar" \
         "myelin-$version-javadoc.jar"; do
  [ -f "$installed/$f" ] || fail "the install has no $f (in $installed: $(ls "$installed" | tr '\n' ' '))"
done
library=$(unzip -Z1 "$installed/myelin-$version.jar")   # a variable, not a pipe: grep -q would SIGPIPE unzip
grep -qx 'io/myelin/backend/Backends.class' <<<"$library" || fail "myelin-$version.jar has no io/myelin/backend/Backends.class"
packed=$(grep -E '^(picocli|org|com|de|jcuda|dev|net)/' <<<"$library" | head -3 || true)
[ -z "$packed" ] || fail "myelin-$version.jar (the library) packs classes of its dependencies: $packed"
emulator=$(grep -i -e 'cuda-emu' -e 'libcuda\.so' <<<"$library" | head -3 || true)
[ -z "$emulator" ] || fail "myelin-$version.jar packs the CUDA emulator: $emulator"

cp -r "$root/scripts/consumer" "$tmp/app"
for provider in simple logback; do
  echo "[check-consumer] building the application with $provider as its slf4j provider"
  if ! (cd "$tmp/app" && mvn "${mvn_flags[@]}" -Dmaven.repo.local="$tmp/repo" -Dmyelin.version="$version" \
        -P"$provider" clean compile dependency:build-classpath -Dmdep.outputFile="$tmp/cp-$provider.txt") \
        >"$tmp/app-$provider.log" 2>&1; then
    sed 's/\x1b\[[0-9;]*m//g' "$tmp/app-$provider.log" >&2
    # Offline, a dependency only the application uses (logback the first time) is missing, not Myelin broken.
    if [ -n "$offline" ] && grep -q "in offline mode and the artifact" "$tmp/app-$provider.log"; then
      missing=$(grep -o "the artifact [^ ]* has not been downloaded" "$tmp/app-$provider.log" | head -1 | cut -d' ' -f3)
      fail "the application's dependency ${missing:-(above)} is not in the local repository ($repo) and this run is" \
        "offline: run scripts/check-consumer.sh --online once to fetch it"
    fi
    fail "the application does not build against io.myelin:myelin:$version ($provider)"
  fi
  tr ':' '\n' < "$tmp/cp-$provider.txt" | grep . > "$tmp/jars-$provider.txt"
  count=$(wc -l < "$tmp/jars-$provider.txt")
  kib=$(xargs du -k < "$tmp/jars-$provider.txt" | awk '{s += $1} END {print s}')
  echo "[check-consumer] $provider: runtime class path $count jars, $(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}') MiB:" \
    "$(xargs -n1 basename < "$tmp/jars-$provider.txt" | tr '\n' ' ')"

  bad=$(grep -E '/(org/junit|org/opentest4j|info/picocli|org/knowm|org/apache/pdfbox|de/rototor)/|-cli\.jar$' \
        "$tmp/jars-$provider.txt" || true)
  [ -z "$bad" ] || fail "$provider: the runtime class path holds what an application did not ask for: $bad"
  if [ "$provider" = logback ] && grep -q '/org/slf4j/slf4j-simple/' "$tmp/jars-$provider.txt"; then
    fail "logback: slf4j-simple is on the class path although the application chose logback (Myelin forces it)"
  fi
  providers=0
  : > "$tmp/classes-$provider.txt"
  while read -r jar; do
    entries=$(unzip -Z1 "$jar")
    grep -qx 'META-INF/services/org.slf4j.spi.SLF4JServiceProvider' <<<"$entries" && providers=$((providers + 1))
    { grep '\.class$' <<<"$entries" || true; } | { grep -v -e '^META-INF/' -e '^module-info\.class$' || true; } |
      sed "s|\$| $(basename "$jar")|" >> "$tmp/classes-$provider.txt"
  done < "$tmp/jars-$provider.txt"
  [ "$providers" -eq 1 ] || fail "$provider: $providers slf4j providers on the class path, expected exactly the application's one"
  dups=$(awk '{print $1}' "$tmp/classes-$provider.txt" | sort | uniq -d)
  if [ -n "$dups" ]; then
    echo "[check-consumer] $provider: $(wc -l <<<"$dups") classes are in more than one jar, e.g.:" >&2
    head -5 <<<"$dups" | while read -r c; do
      echo "  $c: $(awk -v c="$c" '$1 == c {print $2}' "$tmp/classes-$provider.txt" | tr '\n' ' ')" >&2
    done
    fail "$provider: duplicate classes on the runtime class path"
  fi

  cp="$tmp/app/target/classes:$(cat "$tmp/cp-$provider.txt")"
  if [ "$provider" = simple ]; then quiet=-Dorg.slf4j.simpleLogger.log.io.myelin=warn; marker='[main] INFO io.myelin.backend.Backends - backend: cpu'
  else quiet=-Dmyelin.log.level=WARN; marker='[logback] INFO io.myelin.backend.Backends - backend: cpu'
  fi
  for mode in default quiet; do
    flags=()
    [ "$mode" = quiet ] && flags=("$quiet")
    if ! java "${flags[@]}" -cp "$cp" QuickStart >"$tmp/out-$provider-$mode.txt" 2>"$tmp/err-$provider-$mode.txt"; then
      cat "$tmp/out-$provider-$mode.txt" "$tmp/err-$provider-$mode.txt" >&2
      fail "$provider ($mode): QuickStart failed"
    fi
    line=$(grep '^epochs ' "$tmp/out-$provider-$mode.txt" || true)
    accuracy=$(sed -n 's/.*test accuracy \([0-9.]*\)$/\1/p' <<<"$line")
    [ -n "$accuracy" ] || fail "$provider ($mode): QuickStart printed no test accuracy: $(cat "$tmp/out-$provider-$mode.txt")"
    awk -v a="$accuracy" -v m="$min_accuracy" 'BEGIN {exit !(a >= m)}' ||
      fail "$provider ($mode): test accuracy $accuracy is below $min_accuracy"
    if [ "$mode" = default ]; then
      grep -qF "$marker" "$tmp/err-$provider-$mode.txt" ||
        fail "$provider: Myelin's backend line did not come through $provider (stderr: $(head -c 600 "$tmp/err-$provider-$mode.txt"))"
    elif grep -q 'io.myelin' "$tmp/err-$provider-$mode.txt"; then
      fail "$provider: $quiet did not silence Myelin's INFO lines: $(grep 'io.myelin' "$tmp/err-$provider-$mode.txt" | head -3)"
    fi
    echo "[check-consumer] $provider ($mode logging): $line; Myelin's log lines on stderr: $(grep -c 'io.myelin' "$tmp/err-$provider-$mode.txt" || true)"
  done
done
echo "[check-consumer] OK in $(( $(date +%s) - started )) s"
