#!/usr/bin/env bash
# Makes a Node base image from this machine's files, for building the image where no registry can be
# reached (CI): the running Node binary, the shared libraries ldd names for it and for better-sqlite3's
# addon, and a passwd with the official images' `node` user (uid 1000, home /home/node).
#   docker/base-image.sh [TAG]   (default fabric-emu-base:local)
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-fabric-emu-base:local}
node_bin=$(command -v node)
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

chmod 755 "$root"
mkdir -p "$root/usr/local/bin" "$root/etc" "$root/tmp" "$root/home/node" "$root/app"
cp "$(readlink -f "$node_bin")" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" "$addon" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:1000:1000::/home/node:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
chown 1000:1000 "$root/home/node"
tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$tag" >/dev/null
echo "base image $tag: node $("$node_bin" --version) and $(find "$root" -name '*.so*' | wc -l) shared libraries, $(du -sh "$root" | cut -f1)"
