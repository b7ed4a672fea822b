#!/usr/bin/env bash
# The installable ZIP on real hosts: Apache + php-fpm from Debian's packages, on loopback.
#
# 1. A fresh WordPress + WooCommerce site gets the ZIP through WordPress's own upload path
#    (Plugin_Upgrader, as Extensions > Ajouter > Téléverser does) and activates it.
# 2. The same site is served three times, each with another PHP set-up:
#      extension  the shipped extension enabled (as a conf.d line would)
#      ffi        no extension, ffi.enable=true
#      neither    Debian's default: no extension, ffi.enable=preload (FFI refused under php-fpm)
#    The first two run the products and stock cron URLs against the sandbox over HTTP and see the
#    stock written; the third shows the notice with the exact php.ini line on every admin page
#    while the site keeps answering.
# 3. An extension built for another PHP (its build.json says so) is explained, not loaded.
#
# Everything it starts (MariaDB if not running, the sandbox, php-fpm, Apache) is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/wp/lib.sh
wp_skip_without_bundle "Host tests"
PHP=${PHP:-php}
ZIP=$(ls -t dist/shopcaisse-sync-*.zip 2>/dev/null | head -n1)
[ -n "$ZIP" ] || { echo "no dist/shopcaisse-sync-*.zip: run make dist" >&2; exit 1; }
ZIP=$PWD/$ZIP
SANDBOX_BIN=$PWD/target/sandbox/release/shopcaisse-sandbox

# Apache runs as www-data and must read the site: it lives in a world-readable temporary folder.
HOST_ROOT=$(mktemp -d /tmp/scs-hosts.XXXXXX)
chmod 755 "$HOST_ROOT"
HOST_WP=$HOST_ROOT/wordpress
HOST_DB=scs_host
started_db=0
pids=()
passed=0
failed=0

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$HOST_ROOT/apache.pid" ] && kill "$(cat "$HOST_ROOT/apache.pid")" 2>/dev/null || true
  [ -f "$HOST_ROOT/fpm.pid" ] && kill "$(cat "$HOST_ROOT/fpm.pid")" 2>/dev/null || true
  sleep 0.3
  [ "$started_db" = 1 ] && db_stop
  rm -rf "$HOST_ROOT"
}
trap cleanup EXIT INT TERM

check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then
    passed=$((passed + 1)); echo "ok - $what"
  else
    failed=$((failed + 1)); echo "FAILED - $what"
  fi
}

lacks() { ! grep -qF "$1" <<<"$html"; }

free_port() { "$PHP" -r '$s = stream_socket_server("tcp://127.0.0.1:0"); $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1), "\n";'; }

# php-cli on the host site (FFI allowed, as php-cli's default is), after wp-load.php.
host_eval() {
  HOST_EVAL_CODE=$1 "$PHP" -d memory_limit=512M -d ffi.enable=1 -r '
    $_SERVER["HTTP_HOST"] = "127.0.0.1:" . getenv("HOST_PORT");
    require getenv("HOST_WP") . "/wp-load.php";
    eval(getenv("HOST_EVAL_CODE"));'
}

# --- the site, and the ZIP installed through WordPress's upload path -------------------------
wp_prepare_tree "$WP_BUNDLE"
if ! db -e 'SELECT 1' >/dev/null 2>&1; then db_start; started_db=1; fi
cp -a "$(readlink -f "$WP_DIR")/." "$HOST_WP/"
rm -f "$HOST_WP/wp-content/plugins/shopcaisse-sync" "$HOST_WP/wp-config.php"
HOST_PORT=$(free_port)
export HOST_PORT HOST_WP
db -e "DROP DATABASE IF EXISTS $HOST_DB; CREATE DATABASE $HOST_DB CHARACTER SET utf8mb4;"
cat > "$HOST_WP/wp-config.php" <<PHP
<?php
define('DB_NAME', '$HOST_DB');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASSWORD');
define('DB_HOST', '127.0.0.1:$DB_PORT');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '$HOST_ROOT/debug.log');
define('WP_DEBUG_DISPLAY', false);
define('DISABLE_WP_CRON', true);
define('FS_METHOD', 'direct');
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }
require_once ABSPATH . 'wp-settings.php';
PHP
HOST_ZIP=$ZIP "$PHP" -d memory_limit=512M -d ffi.enable=1 tests/hosts/install-from-zip.php "$HOST_WP" "http://127.0.0.1:$HOST_PORT"
check "the ZIP installs through Plugin_Upgrader and activates" \
  test -f "$HOST_WP/wp-content/plugins/shopcaisse-sync/lib/ext/shopcaisse_sync.so"

# --- the sandbox ------------------------------------------------------------------------------
exec {sandbox_out}< <("$SANDBOX_BIN" --port 0 2>/dev/null)
pids+=($!)
read -r line <&"$sandbox_out"
SANDBOX_URL=$(sed -n 's#^listening on \(http://127\.0\.0\.1:[0-9]*\).*#\1#p' <<<"$line")
[ -n "$SANDBOX_URL" ] || { echo "the sandbox did not start: $line" >&2; exit 1; }
export SANDBOX_URL

# Settings for the sandbox and two linked products, from php-cli as a merchant's set-up would be.
host_eval '
  $state = json_decode(file_get_contents(getenv("SANDBOX_URL") . "/__sandbox/state"), true);
  update_option("shopcaisse_sync_settings", array_merge(ShopcaisseSync\Plugin\Settings\Options::all(), [
      "base_url" => getenv("SANDBOX_URL") . "/v1", "token" => $state["token"],
      "company_id" => $state["companies"][0], "store_id" => $state["stores"][0], "pos_id" => $state["pos"][0]["id"],
      "auto_products" => true, "auto_stock" => true,
  ]));
  update_option("users_can_register", 0);
' >/dev/null

# --- Apache + php-fpm -------------------------------------------------------------------------
start_host() { # the php-fpm options of this host set-up
  local fpm_port
  fpm_port=$(free_port)
  APACHE_PORT=$(free_port)
  cat > "$HOST_ROOT/fpm.conf" <<CONF
[global]
pid = $HOST_ROOT/fpm.pid
error_log = $HOST_ROOT/fpm.log
daemonize = no
[www]
listen = 127.0.0.1:$fpm_port
pm = static
pm.max_children = 3
clear_env = no
catch_workers_output = yes
CONF
  php-fpm8.2 -R -y "$HOST_ROOT/fpm.conf" "$@" &
  pids+=($!)
  cat > "$HOST_ROOT/apache.conf" <<CONF
ServerRoot /etc/apache2
ServerName 127.0.0.1
PidFile $HOST_ROOT/apache.pid
Listen 127.0.0.1:$APACHE_PORT
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authz_host_module /usr/lib/apache2/modules/mod_authz_host.so
LoadModule access_compat_module /usr/lib/apache2/modules/mod_access_compat.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so
LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so
User www-data
Group www-data
ErrorLog $HOST_ROOT/apache-error.log
TypesConfig /etc/mime.types
DocumentRoot $HOST_WP
DirectoryIndex index.php index.html
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory $HOST_ROOT>
    AllowOverride All
    Require all granted
</Directory>
<FilesMatch "\.php$">
    SetHandler "proxy:fcgi://127.0.0.1:$fpm_port"
</FilesMatch>
CONF
  APACHE_RUN_DIR=$HOST_ROOT APACHE_LOCK_DIR=$HOST_ROOT apache2 -f "$HOST_ROOT/apache.conf" -k start
  local tries=0
  until curl -s -o /dev/null "http://127.0.0.1:$APACHE_PORT/wp-login.php"; do
    tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "the host did not start" >&2; tail "$HOST_ROOT"/*.log >&2; return 1; }
    sleep 0.1
  done
  # The site's address follows the port of this host set-up.
  host_eval "update_option('siteurl', 'http://127.0.0.1:$APACHE_PORT'); update_option('home', 'http://127.0.0.1:$APACHE_PORT');"
}

stop_host() {
  [ -f "$HOST_ROOT/apache.pid" ] && kill "$(cat "$HOST_ROOT/apache.pid")" 2>/dev/null || true
  [ -f "$HOST_ROOT/fpm.pid" ] && kill "$(cat "$HOST_ROOT/fpm.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do
    [ -f "$HOST_ROOT/apache.pid" ] || [ -f "$HOST_ROOT/fpm.pid" ] || break
    sleep 0.1
  done
  rm -f "$HOST_ROOT/apache.pid" "$HOST_ROOT/fpm.pid"
}

# Logs in as the administrator over HTTP and prints the admin page at $1.
admin_page() {
  local jar=$HOST_ROOT/cookies base=http://127.0.0.1:$APACHE_PORT
  rm -f "$jar"
  curl -s -c "$jar" -o /dev/null "$base/wp-login.php"
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "log=admin" --data-urlencode "pwd=host-admin-password" \
    -d "testcookie=1" -d "redirect_to=$base/wp-admin/" "$base/wp-login.php"
  curl -s -b "$jar" "$base/wp-admin/$1"
}

cron() { # job → the JSON answer of its cron URL
  curl -s "http://127.0.0.1:$APACHE_PORT/?rest_route=/shopcaisse-sync/v1/$1&token=$CRON_TOKEN"
}

plugin=$HOST_WP/wp-content/plugins/shopcaisse-sync
synced_host() { # a label, then the php-fpm options
  local label=$1; shift
  start_host "$@"
  local settings_page products stock
  settings_page=$(admin_page 'options-general.php?page=shopcaisse-sync&tab=configuration')
  check "$label: the settings screen says the library is loaded $label" \
    grep -q "data-backend=\"$label\"" <<<"$settings_page"
  html=$settings_page
  check "$label: no notice about a missing backend" lacks shopcaisse-sync-notice
  products=$(cron products)
  check "$label: the products URL refreshes the catalog ($products)" grep -q '"status":"completed"' <<<"$products"
  # The products URL imported the catalog: the plate and the cup are linked products now (made
  # here when an earlier set-up imported nothing). Their shop stock is put off, as if sold online.
  host_eval '
    $engine = ShopcaisseSync\Plugin\Plugin::instance()->engines->engine();
    foreach (["Plate" => "6e7de1b3-0f22-4414-ab93-a439a3b9f824", "Cup" => "97076447-2dc5-4301-a5f8-45fba77e6f05"] as $name => $item) {
        $id = (int) ($engine->catalogItem($item)["row"]["wc_id"] ?? 0);
        if ($id === 0) {
            $p = new WC_Product_Simple(); $p->set_name($name); $p->set_manage_stock(true); $id = $p->save();
            $engine->link($item, $id);
        }
        wc_update_product_stock($id, 999, "set");
        $engine->reportStockApplied([["wc_id" => $id, "quantity" => "999"]]);
        update_option("scs_host_" . strtolower($name), $id);
    }' >/dev/null
  stock=$(cron stock)
  check "$label: the stock URL writes the POS stock ($stock)" grep -q '"written":2' <<<"$stock"
  check "$label: the stock is on the products" \
    test "$(host_eval 'echo wc_get_product((int) get_option("scs_host_cup"))->get_stock_quantity();')" = 40
  # Two calls at once while the POS answers slowly: one runs, the other answers busy at once.
  curl -s -X POST -H 'Content-Type: application/json' -d '{"action":"delay","ms":3000,"path":"/stocks"}' "$SANDBOX_URL/__sandbox/faults/rules" >/dev/null
  cron stock > "$HOST_ROOT/first.json" &
  local first=$!
  sleep 1
  local second took
  second=$(curl -s -w ' %{time_total}' "http://127.0.0.1:$APACHE_PORT/?rest_route=/shopcaisse-sync/v1/stock&token=$CRON_TOKEN")
  took=${second##* }
  wait "$first"
  check "$label: a second call during a run answers busy at once (${second% *} in $took s)" \
    test "$(grep -c '"status":"busy"' <<<"$second")" = 1 -a "${took%.*}" -lt 2
  check "$label: the first call completes ($(cat "$HOST_ROOT/first.json"))" grep -q '"status":"completed"' "$HOST_ROOT/first.json"
  curl -s -X DELETE "$SANDBOX_URL/__sandbox/faults" >/dev/null
  stop_host
}

host_eval 'wp_set_password("host-admin-password", 1);' >/dev/null
CRON_TOKEN=$(host_eval 'echo ShopcaisseSync\Plugin\Settings\CronToken::get();')

synced_host extension -d "extension=$plugin/lib/ext/shopcaisse_sync.so"
synced_host ffi -d ffi.enable=true

# --- neither: Debian's default under php-fpm --------------------------------------------------
start_host
for page in index.php plugins.php 'edit.php?post_type=product'; do
  html=$(admin_page "$page")
  check "neither: $page shows the notice" grep -q 'shopcaisse-sync-notice' <<<"$html"
  check "neither: $page gives the exact extension line" grep -qF "extension=$plugin/lib/ext/shopcaisse_sync.so" <<<"$html"
  check "neither: $page gives the FFI line" grep -qF 'ffi.enable=true' <<<"$html"
done
check "neither: the shop's front page still answers" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APACHE_PORT/")" = 200
check "neither: the cron URL answers without a backend, and runs nothing" \
  bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" "$1")" = 404 ]' _ "http://127.0.0.1:$APACHE_PORT/?rest_route=/shopcaisse-sync/v1/stock&token=x"
stop_host

# --- an extension built for another PHP -------------------------------------------------------
sed -i 's/"php": "8\.[0-9]*\.[0-9]*"/"php": "8.9.0"/; s/"zts": false/"zts": true/' "$plugin/lib/ext/build.json"
start_host
html=$(admin_page index.php)
check "another PHP: the notice says the extension was built for another PHP" grep -q 'was built for PHP 8.9 ZTS' <<<"$html"
check "another PHP: it no longer suggests the extension line" lacks "extension=$plugin/lib/ext/shopcaisse_sync.so"
stop_host

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
