#!/usr/bin/env bash
# The container step of .ci/run: installs Docker when missing, starts an engine of its own, builds
# the image offline (docker/build-offline.sh) and runs `npm run test:containers`. A missing or
# broken Docker fails the step; it never skips. The engine it started is stopped at the end, with
# every container and network the tests may have left.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null; then
  apt-get update
  apt-get install -y --no-install-recommends docker.io docker-compose
fi

started=""
stop_engine() {
  if [ -n "$started" ]; then
    docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker network prune -f >/dev/null 2>&1 || true
    kill "$started" 2>/dev/null || true
    wait "$started" 2>/dev/null || true
  fi
}
trap stop_engine EXIT

if ! docker info >/dev/null 2>&1; then
  dockerd --iptables=false --storage-driver=vfs >/tmp/fabric-emu-dockerd.log 2>&1 &
  started=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 /tmp/fabric-emu-dockerd.log; exit 1; }
fi
echo "== docker $(docker info --format '{{.ServerVersion}}') ($(docker info --format '{{.Driver}}'))"
echo "== image (built offline)"
docker/build-offline.sh fabric-emu:local
echo "== container tests"
npm run test:containers
