#!/usr/bin/env bash
# Browser tests of Settings > Shopcaisse Sync: installs a real WordPress + WooCommerce site with
# the plugin (scripts/wp/site.sh), serves it with `php -S` and the PHP extension, starts the
# Shopcaisse sandbox, and runs tests/browser/run.mjs in headless Chromium, in English and in
# French. Screenshots go to target/screenshots/.
#
# Called by scripts/wp/test-tier.sh (MariaDB already running), or alone:
#   WP_BUNDLE=... [WP_LANGUAGES_BUNDLE=...] bash scripts/wp/browser-tests.sh
# Whatever it starts (MariaDB if it was not running, php -S, the sandbox, Chromium) it stops on
# every exit, a failure included.
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/wp/lib.sh
wp_skip_without_bundle "Browser tests"
source scripts/wp/site.sh

NODE=${NODE:-node}
CHROMIUM=${CHROMIUM:-/usr/lib/chromium/chromium}
SANDBOX_BIN=$PWD/target/sandbox/release/shopcaisse-sandbox
NODE_MODULES=$PWD/target/node/node_modules
BROWSER_DIR=$WP_ROOT/browser
SCREENSHOTS=$PWD/target/screenshots

for need in "$SITE_EXT_LIB:the PHP extension (make build-ext)" "$SANDBOX_BIN:the sandbox (make build-sandbox)" \
            "$NODE_MODULES/playwright-core/package.json:playwright-core (make deps)" "$CHROMIUM:Chromium (make deps)"; do
  if [ ! -e "${need%%:*}" ]; then
    echo "Browser tests: ${need%%:*} is missing: ${need#*:}" >&2
    exit 1
  fi
done

STARTED_DB=0
SANDBOX_PID=
NODE_PID=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill "$NODE_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$NODE_PID" 2>/dev/null || true
  fi
  # Chromium runs in its own process group, led by the pid the runner wrote.
  if [ -f "$BROWSER_DIR/chromium.pid" ]; then
    local chromium_pid
    chromium_pid=$(cat "$BROWSER_DIR/chromium.pid")
    kill -- "-$chromium_pid" 2>/dev/null || kill "$chromium_pid" 2>/dev/null || true
    rm -f "$BROWSER_DIR/chromium.pid"
  fi
  site_stop
  if [ -n "$SANDBOX_PID" ]; then
    kill "$SANDBOX_PID" 2>/dev/null || true
    wait "$SANDBOX_PID" 2>/dev/null || true
  fi
  [ "$STARTED_DB" = 1 ] && db_stop
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$SECONDS
run_started_ms=$(date +%s%3N)
mkdir -p "$BROWSER_DIR"
rm -f "$BROWSER_DIR/chromium.pid"
wp_prepare_tree "$WP_BUNDLE"
if ! { [ -f "$DB_DIR/mysqld.pid" ] && kill -0 "$(cat "$DB_DIR/mysqld.pid")" 2>/dev/null; }; then
  STARTED_DB=1
fi
db_start

port=$(site_free_port)
# The site's switches for the tests (order storage, background runner): tests/browser/mu-plugins.
SITE_MU_PLUGIN_DIR=$PWD/tests/browser/mu-plugins
echo "== Browser tests: installing the site on http://127.0.0.1:$port"
site_install "$port"

# The sandbox prints its address on its first line.
sandbox_out=$BROWSER_DIR/sandbox.out
: > "$sandbox_out"
"$SANDBOX_BIN" --port 0 >"$sandbox_out" 2>&1 < /dev/null &
SANDBOX_PID=$!
for _ in $(seq 1 100); do
  grep -q '^listening on http://' "$sandbox_out" && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || break
  sleep 0.05
done
sandbox_url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$sandbox_out" | head -1)
if [ -z "$sandbox_url" ]; then
  echo "Browser tests: the sandbox did not start; its output:" >&2
  cat "$sandbox_out" >&2
  exit 1
fi

site_serve "$port"
echo "== Browser tests: site ready in $((SECONDS - t0)) s (sandbox $sandbox_url)"

# This run's screenshots replace the previous run's (and only those).
mkdir -p "$SCREENSHOTS"
rm -f "$SCREENSHOTS"/en-*.png "$SCREENSHOTS"/fr-*.png "$SCREENSHOTS"/failed-*.png
french_packs=0
[ -d "$WP_DIR/wp-content/languages/plugins" ] && french_packs=1

SCS_SITE_URL=$SITE_URL SCS_ADMIN_USER=$SITE_ADMIN_USER SCS_ADMIN_PASSWORD=$SITE_ADMIN_PASSWORD \
SCS_SANDBOX_URL=$sandbox_url/v1 SCS_SANDBOX_TOKEN=sandbox-demo-token \
SCS_WP_DIR=$WP_DIR SCS_DEBUG_LOG=$SITE_DEBUG_LOG SCS_SERVER_LOG=$SITE_SERVER_LOG SCS_EXT_LIB=$SITE_EXT_LIB \
SCS_CHROMIUM=$CHROMIUM SCS_NODE_MODULES=$NODE_MODULES SCS_BROWSER_DIR=$BROWSER_DIR \
SCS_SCREENSHOTS=$SCREENSHOTS SCS_WP_FRENCH=$french_packs SCS_RUN_STARTED_MS=$run_started_ms \
  "$NODE" tests/browser/run.mjs &
NODE_PID=$!
status=0
wait "$NODE_PID" || status=$?
NODE_PID=
exit "$status"
