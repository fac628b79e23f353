#!/usr/bin/env bash
# Lays out in .image-stage/ what docker/Dockerfile.offline copies to /app, as the build stage of
# ../Dockerfile lays it out in /stage: package.json, the built dist/, the production packages (this
# checkout's node_modules, hard-linked, pruned of dev dependencies), bin/, presets/, regions.yaml and
# the health check.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f dist/index.js || { echo "docker/stage.sh: no dist/: run 'npm run build' first" >&2; exit 1; }
rm -rf .image-stage
mkdir -p .image-stage
cp package.json package-lock.json .image-stage/
cp -r dist bin presets regions.yaml docker/healthcheck.mjs .image-stage/
cp -al node_modules .image-stage/node_modules
# Unlinked, not written through: npm rewrites its hidden lockfile, which is a link to this checkout's.
rm -f .image-stage/node_modules/.package-lock.json
(cd .image-stage && npm prune --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null && rm package-lock.json)
docker/trim-modules.sh .image-stage/node_modules
echo "staged .image-stage: $(du -sh .image-stage | cut -f1)"
