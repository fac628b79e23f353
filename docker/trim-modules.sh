#!/bin/sh
# Drops what the image never runs from a production node_modules: better-sqlite3's SQLite sources
# and build objects (its compiled addon stays). Used by ../Dockerfile and docker/stage.sh alike.
set -eu
m=${1:?usage: trim-modules.sh NODE_MODULES}
b="$m/better-sqlite3"
rm -rf "$b/deps" "$b/src"
find "$b/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
find "$b/build/Release" -mindepth 1 -maxdepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
