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

wp_prepare_tree "$WP_BUNDLE"
wp_prepare_tests_lib "$WP_TESTS_BUNDLE"
db_start
db -e "DROP DATABASE IF EXISTS scs_bench; CREATE DATABASE scs_bench CHARACTER SET utf8mb4;"

export WP_TESTS_DIR=$WP_TESTS_DIR/wordpress-tests-lib
export WP_TESTS_PHPUNIT_POLYFILLS_PATH=$WP_ROOT/tests-lib/phpunit-polyfills
export SCS_WP_DIR=$WP_DIR SCS_DB_NAME=scs_bench SCS_DB_USER=$DB_USER SCS_DB_PASSWORD=$DB_PASSWORD
export SCS_DB_HOST=127.0.0.1:$DB_PORT SCS_SANDBOX_BIN=$PWD/target/sandbox/release/shopcaisse-sandbox
export SCS_BACKEND=$BACKEND SCS_HPOS=yes SCS_FFI_LIB=$PWD/target/ffi/release/libshopcaisse_sync.so

php_args=(-d memory_limit=1G)
if [ "$BACKEND" = extension ]; then
  php_args+=(-d "extension=$PWD/target/ext/release/libshopcaisse_sync.so")
else
  php_args+=(-d ffi.enable=1)
fi
echo "== bench-wp: $BACKEND backend, $(nproc) CPUs, $("$PHP" -r 'echo PHP_VERSION;')"
"$PHP" "${php_args[@]}" "$PHPUNIT" --configuration tests/wp/bench.xml "$@"
