#!/usr/bin/env bash
# The WordPress tier of `make test`: the plugin in real WordPress + WooCommerce on MariaDB.
#
# 1. PHPUnit with WordPress's own test library (WP_UnitTestCase), once on the extension and once
#    on FFI, HPOS on; the order-storage-sensitive classes (group "order-storage") again HPOS off.
# 2. The browser tests in headless Chromium against `php -S` serving an installed site.
#
# Arguments are passed to every PHPUnit run (`scripts/wp/test-tier.sh --filter InflightStock`).
#
# MariaDB runs on loopback with its own data dir under target/wp, and is stopped on every exit,
# a failed test included. Without WP_BUNDLE and WP_TESTS_BUNDLE the tier is skipped, saying so.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${WP_BUNDLE:-}" ] || [ -z "${WP_TESTS_BUNDLE:-}" ]; then
  echo "WordPress tier skipped: set WP_BUNDLE (WordPress 6.9 with WooCommerce 9.9.5 in wp-content/plugins, an archive or a folder) and WP_TESTS_BUNDLE (WordPress's PHPUnit library and PHPUnit Polyfills) to run it."
  exit 0
fi

source scripts/wp/lib.sh
PHP=${PHP:-php}
PHPUNIT=${PHPUNIT:-/usr/bin/phpunit}
EXT_LIB=$PWD/target/ext/release/libshopcaisse_sync.so
FFI_LIB=$PWD/target/ffi/release/libshopcaisse_sync.so

trap db_stop EXIT INT TERM

wp_unit_env scs_unit

status=0
phpunit_run() { # backend hpos [phpunit args...]
  local backend=$1 hpos=$2; shift 2
  local php_args=(-d memory_limit=512M)
  if [ "$backend" = extension ]; then php_args+=(-d "extension=$EXT_LIB"); else php_args+=(-d ffi.enable=1); fi
  echo "== WordPress tier: $backend, HPOS $hpos $*"
  SCS_BACKEND=$backend SCS_HPOS=$hpos SCS_FFI_LIB=$FFI_LIB \
    "$PHP" "${php_args[@]}" "$PHPUNIT" --configuration tests/wp/phpunit.xml "$@" || status=1
}

phpunit_run extension yes "$@"
phpunit_run ffi yes "$@"
phpunit_run extension no --group order-storage "$@"
phpunit_run ffi no --group order-storage "$@"

if [ "${SCS_SKIP_BROWSER:-}" != 1 ]; then
  bash scripts/wp/browser-tests.sh || status=1
fi
exit $status
