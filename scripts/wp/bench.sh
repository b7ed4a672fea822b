#!/usr/bin/env bash
# `make bench-wp`: the plugin's write paths against WooCommerce's own speed, in real WordPress +
# WooCommerce on MariaDB (the WordPress tier's bundles and database), on the extension by default
# (SCS_BACKEND=ffi for the FFI library). Each benchmark prints its figures and a `ratio N.NN×`
# line; tests/wp/bench/WooCommerceBench.php says what is measured against what.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${WP_BUNDLE:-}" ] || [ -z "${WP_TESTS_BUNDLE:-}" ]; then
  echo "bench-wp needs WP_BUNDLE and WP_TESTS_BUNDLE, as the WordPress tier does (see README)." >&2
  exit 2
fi

source scripts/wp/lib.sh
PHP=${PHP:-php}
PHPUNIT=${PHPUNIT:-/usr/bin/phpunit}
BACKEND=${SCS_BACKEND:-extension}
trap db_stop EXIT INT TERM

wp_unit_env scs_bench
export SCS_BACKEND=$BACKEND SCS_HPOS=yes SCS_FFI_LIB=$PWD/target/ffi/release/libshopcaisse_sync.so

php_args=(-d memory_limit=1G)
if [ "$BACKEND" = extension ]; then
  php_args+=(-d "extension=$PWD/target/ext/release/libshopcaisse_sync.so")
else
  php_args+=(-d ffi.enable=1)
fi
echo "== bench-wp: $BACKEND backend, $(nproc) CPUs, $("$PHP" -r 'echo PHP_VERSION;')"
"$PHP" "${php_args[@]}" "$PHPUNIT" --configuration tests/wp/bench.xml "$@"
