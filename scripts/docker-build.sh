#!/usr/bin/env bash
# Builds the Myelin GPU CI image (docker/Dockerfile) from the repository root.
# Usage: scripts/docker-build.sh [TAG] [extra docker build args...]
#   TAG defaults to myelin:latest, e.g. scripts/docker-build.sh myelin:ci --build-arg MVN_PACKAGE_ARGS=-DskipTests
# Needs a Docker engine with BuildKit (the default builder since Docker 23); no GPU is needed to build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-myelin:latest}
[ $# -gt 0 ] && shift
cd "$root"
DOCKER_BUILDKIT=1 docker build -f docker/Dockerfile -t "$tag" "$@" .
