# Shopcaisse Sync: every command a developer or CI needs. `make help` lists them.
#
# The one package builds twice, into separate target dirs because both outputs share one name
# (and the sandbox, whose feature must never leak into a shipped library, into a third):
#   target/ext  the PHP extension (ext-php-rs, feature `ext`), tied to the PHP it was built with;
#   target/ffi  the portable FFI library (no PHP symbols), driven by php-shim/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PHP ?= php
PHPUNIT ?= /usr/bin/phpunit

EXT_LIB := target/ext/release/libshopcaisse_sync.so
FFI_LIB := target/ffi/release/libshopcaisse_sync.so
SANDBOX_BIN := target/sandbox/release/shopcaisse-sandbox
# PHP with nothing but our extension added: no php.ini surprises, FFI left to its default.
PHP_EXT := $(PHP) -d extension=$(CURDIR)/$(EXT_LIB)
PHP_FFI := $(PHP) -d ffi.enable=1
# The WordPress tier's bundles (archive or folder each); without them that tier says so and skips.
WP_BUNDLE ?=
WP_TESTS_BUNDLE ?=
WP_LANGUAGES_BUNDLE ?=
export WP_BUNDLE WP_TESTS_BUNDLE WP_LANGUAGES_BUNDLE


.PHONY: i18n
.PHONY: help deps build build-ext build-ffi build-sandbox lint test test-rust test-php test-php-ext \
        test-php-ffi test-wp test-browser test-hosts test-demo check-ffi-symbols dist demo demo-stop demo-core \
        sandbox bench bench-wp fuzz fmt clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 22

deps: ## Install the Debian packages the build and the tests need (idempotent)
	@bash scripts/install-deps.sh

build: build-ext build-ffi i18n ## Build the PHP extension, the FFI library and the plugin's translations

i18n: deps ## Compile the plugin's translations (.po → .mo)
	@for po in wp-plugin/shopcaisse-sync/languages/*.po; do msgfmt --check --output-file="$${po%.po}.mo" "$$po"; done

build-ext: deps ## Build the PHP extension (target/ext)
	CARGO_TARGET_DIR=target/ext $(CARGO) build --release --locked --lib

build-ffi: deps ## Build the portable FFI library (target/ffi)
	CARGO_TARGET_DIR=target/ffi $(CARGO) build --release --locked --lib --no-default-features

build-sandbox: ## Build the Shopcaisse sandbox server
	CARGO_TARGET_DIR=target/sandbox $(CARGO) build --release --locked --no-default-features --features sandbox --bin shopcaisse-sandbox

lint: deps ## cargo fmt --check, and clippy with -D warnings on both feature sets (the extension; the FFI library with the sandbox and the tests)
	$(CARGO) fmt --all --check
	CARGO_TARGET_DIR=target/ext $(CARGO) clippy --locked --all-targets -- -D warnings
	CARGO_TARGET_DIR=target/ffi $(CARGO) clippy --locked --no-default-features --features sandbox --all-targets -- -D warnings

test: deps lint build test-rust check-ffi-symbols test-php test-wp test-hosts test-demo ## Everything CI runs: lints, Rust tests, the PHP suite on both backends, the WordPress tier, the ZIP on Apache hosts, the demo

test-rust: ## Rust unit and integration tests (the sandbox runs in-process on loopback)
	CARGO_TARGET_DIR=target/ffi $(CARGO) test --locked --no-default-features --features sandbox

check-ffi-symbols: build-ffi ## Prove the FFI library carries no PHP symbol and needs no PHP library
	@if nm -D $(FFI_LIB) | grep -E -i ' (zend|php|executor_globals|compiler_globals)' ; then \
	  echo "the FFI library references PHP symbols" >&2; exit 1; fi
	@if ldd $(FFI_LIB) | grep -i php; then echo "the FFI library links PHP" >&2; exit 1; fi
	@echo "FFI library: no PHP symbols, links only: $$(ldd $(FFI_LIB) | awk '{print $$1}' | tr '\n' ' ')"

test-php: test-php-ext test-php-ffi ## The PHP contract suite, once per backend

test-php-ext: build-ext build-sandbox ## The PHP contract suite on the extension
	cd tests/php && SCS_BACKEND=extension SCS_SANDBOX_BIN=$(CURDIR)/$(SANDBOX_BIN) $(PHP_EXT) $(PHPUNIT) --configuration phpunit.xml

test-php-ffi: build-ffi build-sandbox ## The PHP contract suite on the FFI library
	cd tests/php && SCS_BACKEND=ffi SCS_SANDBOX_BIN=$(CURDIR)/$(SANDBOX_BIN) SCS_FFI_LIB=$(CURDIR)/$(FFI_LIB) $(PHP_FFI) $(PHPUNIT) --configuration phpunit.xml

test-wp: build build-sandbox ## The plugin in real WordPress + WooCommerce on MariaDB (both backends, HPOS on and off), then the browser tests; needs WP_BUNDLE and WP_TESTS_BUNDLE
	PHP=$(PHP) PHPUNIT=$(PHPUNIT) bash scripts/wp/test-tier.sh

test-browser: build build-sandbox ## Only the browser tests of the admin screens (part of test-wp); needs WP_BUNDLE
	bash scripts/wp/browser-tests.sh

test-hosts: dist build-sandbox ## The ZIP installed through WordPress's upload path, then run under Apache + php-fpm with the extension, with FFI, and with neither; needs WP_BUNDLE
	PHP=$(PHP) bash scripts/wp/host-tests.sh

test-demo: dist build-sandbox ## The demo's cycle (make demo DEMO_CI=1): fails unless the web order reaches the POS exactly once; everything it starts is stopped; needs WP_BUNDLE
	@if [ -z "$(WP_BUNDLE)" ]; then echo "Demo test skipped: set WP_BUNDLE (WordPress 6.9 with WooCommerce 9.9.5, an archive or a folder) to run it."; else bash scripts/demo.sh --ci; fi

dist: build ## The installable plugin: dist/shopcaisse-sync-<version>.zip (plugin, shim, both libraries, php.ini lines)
	PHP=$(PHP) bash scripts/dist.sh

demo: ## The whole product from a fresh clone: builds, starts the sandbox, a WordPress + WooCommerce site with the ZIP installed, runs one cycle and keeps the site up until Ctrl-C (DEMO_DETACH=1: return and leave it up; DEMO_CI=1: stop after the cycle)
	@bash scripts/demo.sh $(if $(DEMO_CI),--ci,$(if $(DEMO_DETACH),--detach))

demo-stop: ## Stop what make demo left running (the sandbox, php -S, MariaDB)
	@bash scripts/demo.sh stop

demo-core: build build-sandbox ## Load the library both ways in php-cli, then walk through the engine against the sandbox (no WordPress)
	@SCS_FFI_LIB=$(CURDIR)/$(FFI_LIB) $(PHP_FFI) demo/demo.php ffi
	@SCS_FFI_LIB=$(CURDIR)/$(FFI_LIB) SCS_SANDBOX_BIN=$(CURDIR)/$(SANDBOX_BIN) $(PHP_EXT) demo/demo.php extension --story

sandbox: build-sandbox ## Start the Shopcaisse sandbox on 127.0.0.1:8765 with the demo catalog
	$(SANDBOX_BIN) --port 8765 --fixture fixtures/demo-catalog.json

bench: build-sandbox ## Benchmarks: catalog fetch (loopback, then 40 ms per request: one page at a time against several), sync planning, state, engine product methods, the dashboard call with a year of history; figures are recorded in docs/benchmarks.md
	CARGO_TARGET_DIR=target/sandbox $(CARGO) run --release --locked --no-default-features --features sandbox --example bench_catalog
	CARGO_TARGET_DIR=target/sandbox $(CARGO) run --release --locked --no-default-features --features sandbox --example bench_latency
	CARGO_TARGET_DIR=target/sandbox $(CARGO) run --release --locked --no-default-features --features sandbox --example bench_sync
	CARGO_TARGET_DIR=target/sandbox $(CARGO) run --release --locked --no-default-features --features sandbox --example bench_state
	CARGO_TARGET_DIR=target/sandbox $(CARGO) run --release --locked --no-default-features --features sandbox --example bench_products
	CARGO_TARGET_DIR=target/sandbox $(CARGO) run --release --locked --no-default-features --features sandbox --example bench_dashboard

bench-wp: build build-sandbox ## WordPress benchmarks: a stock cycle, a first import and the products URL against WooCommerce's own speed (needs WP_BUNDLE and WP_TESTS_BUNDLE); figures in docs/benchmarks.md
	PHP=$(PHP) PHPUNIT=$(PHPUNIT) bash scripts/wp/bench.sh

FUZZ_INPUTS ?= 1000000
fuzz: ## Fuzzing: FUZZ_INPUTS (10^6) mutated API bodies through every client method and as many mutated arguments through every engine method, no panic allowed (make test runs a smoke of 1000 each)
	SCS_FUZZ_INPUTS=$(FUZZ_INPUTS) CARGO_TARGET_DIR=target/sandbox $(CARGO) test --release --locked --no-default-features --features sandbox --test fuzz -- --nocapture --test-threads 1

fmt: ## Format the Rust code
	$(CARGO) fmt --all

clean: ## Remove build outputs
	rm -rf target
