#!/usr/bin/env bash
# Lints the GPU CI image sources; exits non-zero on any issue (.ci/run runs it before the tests).
#   1. dockerfilelint (pinned version, fetched by npx from the npm registry) on docker/Dockerfile: zero issues;
#   2. bash -n (syntax only; no shellcheck) on the entrypoint and the docker scripts.
# Usage: scripts/lint-docker.sh        (needs node/npx; Debian: apt-get install npm)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
DOCKERFILELINT_VERSION=1.8.0
status=0
for f in docker/entrypoint.sh scripts/docker-build.sh scripts/docker-test.sh; do
  if bash -n "$f"; then
    echo "[lint] bash -n $f: ok"
  else
    echo "[lint] bash -n $f: syntax error" >&2
    status=1
  fi
done
# dockerfilelint exits with the number of issues it found.
if npx --yes "dockerfilelint@$DOCKERFILELINT_VERSION" docker/Dockerfile; then
  echo "[lint] dockerfilelint $DOCKERFILELINT_VERSION docker/Dockerfile: no issues"
else
  echo "[lint] dockerfilelint $DOCKERFILELINT_VERSION docker/Dockerfile: issues found (see above)" >&2
  status=1
fi
exit $status
