# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each runs scripts/setup.sh first, which installs only what is missing.

SHELL := /bin/bash
WASM_TARGET := wasm32-unknown-unknown
WASM_RAW := target/$(WASM_TARGET)/release/precall.wasm
PKG := extension/pkg
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: all setup build wasm cli demo test test-native test-wasm test-demo-mis test-e2e install clean

all: build

setup:
	@scripts/setup.sh

## The extension's wasm core: release build, wasm-bindgen glue for a classic content
## script (--target no-modules), then wasm-opt when it works (it is an optimisation only).
build wasm: setup
	cargo build --release --target $(WASM_TARGET) --lib
	wasm-bindgen --target no-modules --no-typescript --remove-name-section --remove-producers-section --out-dir $(PKG) $(WASM_RAW)
	@if wasm-opt -Os --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	     --enable-mutable-globals --enable-reference-types --enable-multivalue \
	     $(PKG)/precall_bg.wasm -o $(PKG)/precall_bg.opt.wasm 2>/dev/null; then \
	   mv $(PKG)/precall_bg.opt.wasm $(PKG)/precall_bg.wasm; \
	 else echo "wasm-opt unavailable or failed: keeping the unoptimised .wasm"; rm -f $(PKG)/precall_bg.opt.wasm; fi
	@ls -l $(PKG)/precall_bg.wasm | awk '{print "extension/pkg/precall_bg.wasm: " $$5 " bytes"}'

cli:
	cargo build --release --bin precall

install:
	cargo install --path . --bin precall

## The main job: the demo MIS with the extension, in a window if there is a display,
## otherwise headless through every demo patient (verdicts printed, screenshots saved).
demo: build
	node scripts/demo.mjs

test: build test-native test-wasm test-demo-mis test-e2e

test-native:
	cargo test --quiet

test-wasm:
	cargo test --target $(WASM_TARGET) --test web_dom

test-demo-mis:
	node --test demo/mis/test/

test-e2e:
	node --test --test-concurrency=1 tests/e2e/

clean:
	cargo clean
	rm -rf $(PKG) out
