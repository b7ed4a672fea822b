#!/usr/bin/env bash
# `make demo`: the whole product, from a fresh clone, in one command.
#
#   bash scripts/demo.sh            installs what it needs, builds the ZIP and the sandbox, starts
#                                   the sandbox (the till's side), sets up WordPress + WooCommerce
#                                   on MariaDB with the plugin installed from the ZIP, runs one
#                                   full cycle and tells it, then keeps the site up on loopback
#                                   until Ctrl-C (or `make demo-stop` from another shell)
#   bash scripts/demo.sh --detach   the same, but returns and leaves the site running
#   bash scripts/demo.sh --ci       the same, then stops everything; exits non-zero unless the
#                                   cycle went through and the web order is in the POS exactly once
#   bash scripts/demo.sh stop       stops what a demo left running (`make demo-stop`)
#
# Where WordPress comes from: scripts/demo/wordpress.sh. Everything lives in target/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_DIR=$PWD/target/demo
export WP_ROOT=$DEMO_DIR/wp
source scripts/wp/lib.sh
source scripts/wp/site.sh
source scripts/demo/services.sh
source scripts/demo/wordpress.sh

MODE=stay
DEMO_STARTED=0

usage() {
  sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

say() { printf '\n== %s\n' "$*"; }

# make deps, the ZIP (both libraries in it) and the sandbox.
demo_build() {
  say "Installing what the demo needs and building the plugin ZIP and the sandbox"
  make --no-print-directory deps dist build-sandbox
  DEMO_ZIP=$(ls -t "$PWD"/dist/shopcaisse-sync-*.zip | head -n1)
}

# WordPress + WooCommerce on MariaDB, then the ZIP through Plugin_Upgrader, as a merchant
# uploads it; php -S loads the extension the ZIP ships (the php.ini line a host would add).
demo_install_site() {
  local bundle=$1 port
  say "Setting up WordPress + WooCommerce on MariaDB (from $bundle)"
  wp_prepare_tree "$bundle" no-link
  # The plugin comes from the ZIP only: an earlier demo's copy, or a link, goes first.
  rm -rf "$WP_DIR/wp-content/plugins/shopcaisse-sync"
  db_start
  port=${DEMO_PORT:-$(site_free_port)}
  SITE_PLUGINS=woocommerce/woocommerce.php site_install "$port"
  say "Installing $(basename "$DEMO_ZIP") through WordPress's plugin upload (Plugin_Upgrader)"
  HOST_ZIP=$DEMO_ZIP site_php tests/hosts/install-from-zip.php "$WP_DIR" "$SITE_URL"
  SITE_EXT_LIB=$WP_DIR/wp-content/plugins/shopcaisse-sync/lib/ext/shopcaisse_sync.so
  demo_serve_site "$port"
}

demo_run_cycle() {
  say "One cycle: the till's catalog and stock into the shop, a till sale, a web order to the till"
  site_php scripts/demo/cycle.php "$WP_DIR" "$SITE_URL" "$SANDBOX_URL"
}

demo_print_access() {
  cat <<TEXT

The shop is running on loopback:
  shop           $SITE_URL/
  admin          $SITE_URL/wp-admin/   login: $SITE_ADMIN_USER   password: $SITE_ADMIN_PASSWORD
  the plugin     $SITE_URL/wp-admin/options-general.php?page=shopcaisse-sync
  the till side  $SANDBOX_URL/__sandbox/state (the Shopcaisse sandbox)
TEXT
}

on_exit() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$DEMO_STARTED" = 1 ] && { [ "$MODE" != detach ] || [ "$status" -ne 0 ]; }; then
    case $status in
      0 | 130) ;;
      *) echo "The demo failed; logs: $WP_ROOT/site-debug.log, $WP_ROOT/site-server.log, $DEMO_DIR/sandbox.out" >&2 ;;
    esac
    demo_stop_all
    echo "Demo stopped: sandbox, php -S and MariaDB."
  fi
  exit "$status"
}

main() {
  case "${1:-}" in
    "") ;;
    --ci) MODE=ci ;;
    --detach) MODE=detach ;;
    stop)
      demo_stop_all
      echo "Demo stopped: sandbox, php -S and MariaDB."
      exit 0 ;;
    *) usage ;;
  esac
  local t0=$SECONDS bundle
  # Said before anything is built: without WordPress there is no demo.
  bundle=$(demo_wordpress_bundle) || exit 1
  demo_build
  mkdir -p "$DEMO_DIR"
  demo_stop_all >/dev/null # what an earlier demo left running
  DEMO_STARTED=1
  trap on_exit EXIT
  trap 'exit 130' INT TERM
  SITE_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  DB_PORT=${WP_DB_PORT:-$(site_free_port)}
  say "Starting the Shopcaisse sandbox with its demo shop"
  demo_start_sandbox
  echo "sandbox on $SANDBOX_URL"
  demo_install_site "$bundle"
  demo_run_cycle
  echo "(demo ready in $((SECONDS - t0)) s)"
  case $MODE in
    ci) return 0 ;;
    detach)
      demo_print_access
      echo "Stop it with: make demo-stop"
      return 0 ;;
  esac
  demo_print_access
  echo "Stop it with Ctrl-C (or make demo-stop from another shell)."
  while demo_running; do sleep 1; done
  echo "A server of the demo stopped."
}

main "$@"
