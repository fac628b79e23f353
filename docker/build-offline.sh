#!/usr/bin/env bash
# Builds the fabric-emu image without a registry, as CI does: a base image from this machine's Node
# (base-image.sh), the packages laid out by stage.sh, then docker/Dockerfile.offline, whose runtime
# stage is ../Dockerfile's. Needs `npm ci && npm run build` done and a running Docker engine.
#   docker/build-offline.sh [TAG]   (default fabric-emu:local)
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-fabric-emu:local}
docker/base-image.sh fabric-emu-base:local
docker/stage.sh
# The classic builder: this engine may have no BuildKit.
DOCKER_BUILDKIT=0 docker build -q --build-arg NODE_IMAGE=fabric-emu-base:local -f docker/Dockerfile.offline -t "$tag" .image-stage >/dev/null 2>&1 || DOCKER_BUILDKIT=0 docker build --build-arg NODE_IMAGE=fabric-emu-base:local -f docker/Dockerfile.offline -t "$tag" .image-stage
rm -rf .image-stage
echo "image $tag: $(docker image inspect "$tag" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
