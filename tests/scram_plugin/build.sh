#!/usr/bin/env bash
# Builds the SCRAM-SHA-256 mosquitto plugin used by the integration tests.
#
#   tests/scram_plugin/build.sh [OUT_DIR]     (default: <repo>/target/scram-plugin)
#
# Prints the absolute path of scram_plugin.so on stdout (compiler output goes to
# stderr). Skips the build when the .so is newer than the source; safe to run
# concurrently (the .so is replaced atomically).
# Needs gcc, OpenSSL's libcrypto headers (libssl-dev) and mosquitto-dev.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="$here/scram_plugin.c"
out_dir="${1:-$repo/target/scram-plugin}"

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
so="$out_dir/scram_plugin.so"

if [[ ! -f "$so" || "$src" -nt "$so" ]]; then
  tmp="$so.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  "${CC:-gcc}" -shared -fPIC -O2 -Wall -Wextra -o "$tmp" "$src" -lcrypto >&2
  mv -f "$tmp" "$so"
fi

echo "$so"
