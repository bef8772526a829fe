# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each runs scripts/setup.sh first, which installs only what is missing.

SHELL := /bin/bash
WASM_TARGET := wasm32-unknown-unknown
WASM_RAW := target/$(WASM_TARGET)/release/precall.wasm
PKG := extension/pkg
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: all setup build wasm build-test-ext package cli demo test test-native test-wasm test-demo-mis test-e2e install clean

all: build

setup:
	@scripts/setup.sh

## The extension's wasm core: release build, wasm-bindgen glue as an ES module (imported by
## the content script, or by the offscreen engine page on strict-CSP MIS pages), then
## wasm-opt from npm's binaryen 132 (Debian's 108 breaks the externref table).
BINARYEN := node_modules/.bin
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types
build wasm: setup
	cargo build --release --target $(WASM_TARGET) --lib
	rm -rf $(PKG)
	wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
	  --out-dir $(PKG) $(WASM_RAW)
	$(BINARYEN)/wasm-opt -Os $(WASM_FEATURES) $(PKG)/precall_bg.wasm -o $(PKG)/precall_bg.wasm
	@wc -c $(PKG)/precall_bg.wasm

## A test build of the core with the fault hook (a page marked data-precall-fault makes it
## panic), used only by tests/e2e/panic_recovery.test.mjs: out/test-ext/pkg. A debug build in
## its own target dir (the hook never touches the release build; a test checks the shipped
## .wasm has no hook).
TEST_PKG := out/test-ext/pkg
TEST_TARGET := target/fault-hook
build-test-ext: setup
	cargo build --target $(WASM_TARGET) --lib --features fault-hook --target-dir $(TEST_TARGET)
	rm -rf $(TEST_PKG)
	wasm-bindgen --target web --no-typescript --out-dir $(TEST_PKG) $(TEST_TARGET)/$(WASM_TARGET)/debug/precall.wasm

## The store-ready zip, out/precall-<version>.zip: only the files the extension needs
## (scripts/package.mjs lists them and checks the manifest's references); prints its size.
package: build
	node scripts/package.mjs

cli:
	cargo build --release --bin precall

install:
	cargo install --path . --bin precall

## The main job: the demo MIS with the extension, in a window if there is a display,
## otherwise headless through every demo patient (verdicts printed, screenshots saved).
demo: build
	node scripts/demo.mjs

test: build build-test-ext test-native test-wasm test-demo-mis test-e2e

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
