#!/usr/bin/env bash
# Installs what the build and the tests need, skipping what is already there.
# Everything comes from the package registries (rustup's target, crates.io, Debian, npm):
# no browser download, no prebuilt binary from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# 0. Disk: a first `make test` leaves about 2 GB (target/, node_modules/) and needs a little
#    more while it links; short of that, it stops halfway with "No space left on device".
#    A warning, not a stop: a rebuild over an existing target/ needs much less.
free_kb=$(df -Pk . | awk 'NR==2 {print $4}')
if [ -n "$free_kb" ] && [ "$free_kb" -lt $((3 * 1024 * 1024)) ] && [ ! -d target ]; then
  say "warning: $((free_kb / 1024)) MB free here; a first build and test run needs about 3 GB"
fi

# 1. The wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli at exactly the version the crate pins (the two must match).
want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (was: ${have:-none}); takes a few minutes once"
  # Without --locked: one locked dependency version of 0.2.130 is missing from the registry.
  cargo install wasm-bindgen-cli --version "$want"
fi

# 3. Debian's Chromium and ChromeDriver (the tests never download a browser).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# 4. npm packages from the committed lock file: playwright-core (drives /usr/bin/chromium,
#    downloads nothing) and binaryen 132 (wasm-opt, wasm2js; Debian's 108 breaks the module).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
say "ready"
