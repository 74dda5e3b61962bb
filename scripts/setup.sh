#!/usr/bin/env bash
# Idempotent installers shared by scripts/run and scripts/test. Each `ensure_*` checks first
# and returns in milliseconds when its tool is already there, so a second run costs seconds.
# Versions are pinned here and in Cargo.lock; see ../shared/TOOLCHAIN.md for why each is what
# it is (the wasm-bindgen-cli lock fix, binaryen from npm rather than Debian, ...).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WASM_PACK_VERSION=0.15.1
TRUNK_VERSION=0.21.14
CARGO_FUZZ_VERSION=0.13.2
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

log() { printf '\n==> %s\n' "$*" >&2; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$ROOT/Cargo.lock"
}

ensure_rust_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen_cli() {
  local want have crate dir
  want=$(locked_version wasm-bindgen)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  [ "$have" = "$want" ] && return 0
  log "installing wasm-bindgen-cli $want (have: ${have:-none})"
  # Its published lock pins webpki-roots 1.0.11, which the registry does not have: fetch the
  # crate, move that one pin back to 1.0.10, and install from the unpacked source.
  dir=$(mktemp -d)
  (cd "$dir" && cargo init -q --name fetch_wbg && cargo add -q "wasm-bindgen-cli@=$want" && cargo fetch -q)
  crate=$(ls "$HOME"/.cargo/registry/cache/*/wasm-bindgen-cli-"$want".crate | head -1)
  tar -xzf "$crate" -C "$dir"
  (cd "$dir/wasm-bindgen-cli-$want" && cargo update -q -p webpki-roots --precise 1.0.10 &&
    cargo install -q --locked --path . --force)
  rm -rf "$dir"
}

ensure_wasm_pack() {
  if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
    log "installing wasm-pack $WASM_PACK_VERSION"
    cargo install -q --locked wasm-pack --version "$WASM_PACK_VERSION"
  fi
}

# trunk builds the Leptos app in www/ (0.22 needs a newer rustc than ours).
ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
    log "installing trunk $TRUNK_VERSION (about 8 minutes the first time)"
    cargo install -q --locked trunk --version "$TRUNK_VERSION"
  fi
}

# The app in www/ as a static site in www/dist (trunk, wasm-bindgen and wasm-opt as pinned).
build_app() {
  ensure_rust_target
  ensure_wasm_bindgen_cli
  ensure_node_tools
  ensure_trunk
  log "trunk build --release -> www/dist"
  (cd "$ROOT/www" && PATH="$ROOT/node_modules/.bin:$PATH" XDG_CACHE_HOME="$ROOT/target/trunk-cache" \
    trunk --skip-version-check build --release)
  node "$ROOT/scripts/app-csp.mjs"
}

# examples/leptos as a static site in examples/leptos/dist (same pinned tools as the app).
build_example_leptos() {
  ensure_rust_target
  ensure_wasm_bindgen_cli
  ensure_node_tools
  ensure_trunk
  (cd "$ROOT/examples/leptos" && PATH="$ROOT/node_modules/.bin:$PATH" \
    XDG_CACHE_HOME="$ROOT/target/trunk-cache" trunk --skip-version-check --quiet build --release)
}

# A mosquitto configuration for the app: anonymous, a TCP listener (2.0.11 will not start with
# only a WebSocket one) and the WebSocket listener, both on loopback.
write_mosquitto_conf() {
  local dir=$1 tcp=$2 ws=$3
  cat >"$dir/mosquitto.conf" <<CONF
user root
per_listener_settings false
allow_anonymous true
log_dest stderr
persistence false
listener $tcp 127.0.0.1
listener $ws 127.0.0.1
protocol websockets
CONF
}

# Waits (up to 15 s) until something listens on 127.0.0.1:$1.
wait_for_port() {
  local i
  for i in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1 after 15 s" >&2
  return 1
}

# Node tools pinned in package-lock.json (binaryen's wasm-opt: Debian's breaks wasm-bindgen output).
ensure_node_tools() {
  if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] ||
    [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing node tools (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# cargo-fuzz needs a nightly toolchain. Returns 1 (and says so) where there is none; the
# proptest over arbitrary bytes in `cargo test` still runs there.
ensure_cargo_fuzz() {
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    log "no nightly toolchain: skipping cargo-fuzz"
    return 1
  fi
  if [ "$(cargo +nightly fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo +nightly install -q --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
  fi
}

APT_UPDATED=no
# Installs Debian packages that are missing (apt-get update once per run, only if needed).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" = no ]; then
    apt-get update -qq
    APT_UPDATED=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# mosquitto for the integration tests; they start their own brokers, so stop the one the
# package may have started.
ensure_mosquitto() {
  if ! dpkg-query -W -f='${Status}' mosquitto 2>/dev/null | grep -q 'install ok installed'; then
    apt_install mosquitto
    (systemctl stop mosquitto || service mosquitto stop || true) >/dev/null 2>&1
  fi
  # openssl makes the self-signed certificate of the wss:// test broker.
  apt_install openssl
}

# Debian's Chromium and ChromeDriver for the browser tests (never a downloaded browser).
ensure_chromium() {
  apt_install chromium chromium-driver
}

# gcc, OpenSSL and the mosquitto plugin headers, for the SCRAM test plugin.
ensure_plugin_toolchain() {
  apt_install gcc libc6-dev libssl-dev mosquitto-dev
}

# Builds the npm package into pkg/ (release, wasm-opt from node_modules).
build_pkg() {
  ensure_rust_target
  ensure_wasm_bindgen_cli
  ensure_wasm_pack
  ensure_node_tools
  log "wasm-pack build -> pkg/"
  # wasm-bindgen leaves snippets of earlier builds behind; the bundle below must not take them.
  rm -rf "$ROOT/pkg/snippets"
  (cd "$ROOT" && wasm-pack build --mode no-install --release --target web --out-dir pkg -- --features small-allocator)
  # The package ships its JS as one minified module (scripts/pkg-entry.js, which loads the wasm
  # on import, with wasm-bindgen's glue and the snippets it imports: src/wasm/*.js, the
  # IndexedDB helpers), as mqtt.min.js is measured: 45 % fewer gzip bytes than the files as
  # written, and one request. Identifiers are shortened, property names kept (the driver calls
  # the client's methods by name).
  cp "$ROOT/scripts/pkg-entry.js" "$ROOT/pkg/entry.js"
  (cd "$ROOT/pkg" && "$ROOT/node_modules/.bin/esbuild" entry.js --bundle --minify --format=esm \
    --outfile=wasmqtt.js --allow-overwrite --log-level=warning && rm -rf snippets entry.js)
  node "$ROOT/scripts/package-json.mjs"
}

# What the benchmark compares with (bench/package-lock.json: MQTT.js 5, mqtt-packet, esbuild),
# MQTT.js's parser bundled for the browser, and wasmqtt's codec as a wasm module of its own.
# The benchmark's comparison packages, pinned in bench/package-lock.json.
ensure_bench_packages() {
  if [ ! -d "$ROOT/bench/node_modules/mqtt" ] ||
    [ "$ROOT/bench/package-lock.json" -nt "$ROOT/bench/node_modules/.package-lock.json" ]; then
    log "installing the benchmark's comparison packages (npm ci in bench/)"
    (cd "$ROOT/bench" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# A crate of its own workspace under bench/ built for wasm32 and passed through wasm-bindgen:
#   build_wasm_crate DIR LIB_NAME OUT_DIR   (target dir target/<basename of DIR>)
build_wasm_crate() {
  local dir="$1" lib="$2" out="$3" target="$ROOT/target/$(basename "$1")"
  (cd "$ROOT/$dir" && CARGO_TARGET_DIR="$target" \
    cargo build --quiet --locked --release --target wasm32-unknown-unknown)
  wasm-bindgen --target web --out-dir "$ROOT/$out" "$target/wasm32-unknown-unknown/release/$lib.wasm"
}

build_bench() {
  ensure_rust_target
  ensure_wasm_bindgen_cli
  ensure_bench_packages
  log "bundling mqtt-packet for the browser -> bench/dist/mqtt-packet.js"
  (cd "$ROOT/bench" && node_modules/.bin/esbuild src/mqtt-packet-entry.mjs --bundle --format=esm \
    --platform=browser --minify --inject:src/node-shims.mjs --define:global=globalThis \
    --log-level=warning --outfile=dist/mqtt-packet.js)
  log "mqtt5-wasm 2.1.9, the fourth client, as its README builds it -> bench/dist/mqtt5-wasm/"
  build_wasm_crate bench/mqtt5-wasm mqtt5_wasm_bench bench/dist/mqtt5-wasm
  log "wasm-pack build bench/codec-wasm -> bench/dist/codec/"
  (cd "$ROOT" && wasm-pack --quiet build bench/codec-wasm --mode no-install --release --target web \
    --out-dir ../dist/codec --no-pack)
}
