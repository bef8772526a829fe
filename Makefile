# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each runs scripts/setup.sh first, which installs only what is missing.

SHELL := /bin/bash
WASM_TARGET := wasm32-unknown-unknown
WASM_RAW := target/$(WASM_TARGET)/release/precall.wasm
PKG := extension/pkg
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: all setup build wasm build-test-ext package cli demo test test-native test-wasm test-demo-mis test-e2e test-bench-smoke bench install clean

all: build

setup:
	@scripts/setup.sh

## The extension's wasm core, built twice from the same crate:
## - the page core (`--no-default-features`: reading a page and judging a contact, nothing
##   else), which every MIS page fetches and compiles: extension/pkg/page_bg.wasm with a
##   classic-script glue (page_classic.js, `wasm_bindgen`, injected with the content script so
##   nothing is imported at page load) and an ES-module glue (page.js, a fresh core after a trap);
## - the full core (feature `pages`: also the call log, settings, profiles, reports and reading
##   a page copy) for the service worker, the extension's own pages (precall.js) and the
##   offscreen engine page (precall_classic.js): extension/pkg/precall_bg.wasm.
## Then wasm-opt from npm's binaryen 132 (Debian's 108 breaks the externref table).
BINARYEN := node_modules/.bin
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue --enable-reference-types
# $(call glue,raw.wasm,out dir,extra flags): both glues; the .wasm is the same for both targets.
# The outputs are named after the raw file: NAME.js, NAME_classic.js, NAME_bg.wasm.
define glue
	wasm-bindgen --target web --no-typescript $(3) --out-dir $(2) $(1)
	wasm-bindgen --target no-modules --no-typescript $(3) --out-dir $(2)/classic $(1)
	cmp $(2)/$(basename $(notdir $(1)))_bg.wasm $(2)/classic/$(basename $(notdir $(1)))_bg.wasm
	mv $(2)/classic/$(basename $(notdir $(1))).js $(2)/$(basename $(notdir $(1)))_classic.js
	rm -rf $(2)/classic
endef
WASM_PAGE_RAW := target/wasm-page/page.wasm
build wasm: setup
	cargo build --release --target $(WASM_TARGET) --lib --no-default-features
	mkdir -p $(dir $(WASM_PAGE_RAW)) && cp $(WASM_RAW) $(WASM_PAGE_RAW)
	cargo build --release --target $(WASM_TARGET) --lib
	rm -rf $(PKG)
	$(call glue,$(WASM_PAGE_RAW),$(PKG),--remove-name-section --remove-producers-section)
	$(call glue,$(WASM_RAW),$(PKG),--remove-name-section --remove-producers-section)
	$(BINARYEN)/wasm-opt -Oz $(WASM_FEATURES) $(PKG)/page_bg.wasm -o $(PKG)/page_bg.wasm
	$(BINARYEN)/wasm-opt -Oz $(WASM_FEATURES) $(PKG)/precall_bg.wasm -o $(PKG)/precall_bg.wasm
	@wc -c $(PKG)/page_bg.wasm $(PKG)/precall_bg.wasm

## A test build of the core with the fault hook (a page marked data-precall-fault makes it
## panic), used only by tests/e2e/panic_recovery.test.mjs: out/test-ext/pkg. A debug build in
## its own target dir (the hook never touches the release build; a test checks the shipped
## .wasm has no hook).
TEST_PKG := out/test-ext/pkg
TEST_TARGET := target/fault-hook
build-test-ext: setup
	cargo build --target $(WASM_TARGET) --lib --features fault-hook --target-dir $(TEST_TARGET)
	rm -rf $(TEST_PKG)
	$(call glue,$(TEST_TARGET)/$(WASM_TARGET)/debug/precall.wasm,$(TEST_PKG),)
	# The same test core in the page core's place (it has every export the content script uses).
	cp $(TEST_TARGET)/$(WASM_TARGET)/debug/precall.wasm $(TEST_TARGET)/page.wasm
	$(call glue,$(TEST_TARGET)/page.wasm,$(TEST_PKG),)

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

test: build build-test-ext test-native test-wasm test-demo-mis test-e2e test-bench-smoke

test-native:
	cargo test --quiet

## ChromeDriver makes a browser profile in TMPDIR for the session and leaves it behind (17 to
## 41 MB a run, with Chromium's lock directory): here TMPDIR is a folder of ours, emptied first.
WASM_TEST_TMP := target/tmp/web_dom
test-wasm:
	rm -rf $(WASM_TEST_TMP) && mkdir -p $(WASM_TEST_TMP)
	TMPDIR=$(abspath $(WASM_TEST_TMP)) cargo test --target $(WASM_TARGET) --test web_dom
	rm -rf $(WASM_TEST_TMP)

test-demo-mis:
	node --test demo/mis/test/

test-e2e:
	node --test --test-concurrency=1 tests/e2e/

## The benchmark run once on a small page (output shape only), with the debug builds that
## `cargo test` already made.
test-bench-smoke:
	cargo build --quiet --example throughput --bin precall
	node --test tests/bench/

## Issue 9: latency, page cost, memory, SPA churn, size, throughput (several minutes; see
## BENCHMARKS.md). Table on stdout, the same as JSON in out/bench.json. BENCH_ARGS: see
## scripts/bench.mjs (e.g. BENCH_ARGS="--runs 10 --only latency").
bench: build
	cargo build --release --example throughput --bin precall
	node scripts/bench.mjs $(BENCH_ARGS)

clean:
	cargo clean
	rm -rf $(PKG) out
