#!/usr/bin/env bash
# A real WordPress + WooCommerce site with Shopcaisse Sync active, served by `php -S` on loopback:
# what the browser tests drive, and what a demo can serve. Sourced after scripts/wp/lib.sh, with
# the tree prepared (wp_prepare_tree) and MariaDB started (db_start). Not run on its own.
#
#   site_install PORT    (re)creates the database scs_site, writes wp-config.php and installs the
#                        site at http://127.0.0.1:PORT, with $SITE_PLUGINS active (WooCommerce then
#                        the plugin linked from the checkout, unless the caller names others)
#   site_serve PORT      serves it with `php -S` (4 workers, the PHP extension loaded); waits
#                        until it answers
#   site_stop            stops what site_serve started
#   site_php ARGS...     php-cli with the same extension (for scripts that load wp-load.php)
#   site_eval CODE       runs PHP code after wp-load.php (as no user)
#
# The site's debug log is $SITE_DEBUG_LOG; the server's own output is $SITE_SERVER_LOG.
# SITE_MU_PLUGIN_DIR, when set before site_install, is the site's must-use plugins folder (the
# browser tests' switches); otherwise WordPress's own wp-content/mu-plugins.

SITE_DB=${SITE_DB:-scs_site}
SITE_TITLE=${SITE_TITLE:-Atelier des Mûriers}
SITE_ADMIN_USER=${SITE_ADMIN_USER:-admin}
SITE_ADMIN_PASSWORD=${SITE_ADMIN_PASSWORD:-shopcaisse-admin-password}
SITE_ADMIN_EMAIL=${SITE_ADMIN_EMAIL:-admin@example.com}
SITE_DEBUG_LOG=$WP_ROOT/site-debug.log
SITE_SERVER_LOG=$WP_ROOT/site-server.log
SITE_EXT_LIB=${SITE_EXT_LIB:-$PWD/target/ext/release/libshopcaisse_sync.so}
SITE_PLUGINS=${SITE_PLUGINS:-woocommerce/woocommerce.php shopcaisse-sync/shopcaisse-sync.php}
SITE_SERVER_PID=

# php-cli with the plugin's extension loaded when it is built.
site_php() {
  local args=(-d memory_limit=512M)
  [ -f "$SITE_EXT_LIB" ] && args+=(-d "extension=$SITE_EXT_LIB")
  php "${args[@]}" "$@"
}

# A free TCP port on loopback.
site_free_port() {
  php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1), "\n";'
}

# Runs PHP code (no <?php tag) once WordPress is loaded from php-cli.
site_eval() {
  SITE_EVAL_CODE=$1 SITE_WP_LOAD=$WP_DIR/wp-load.php site_php -r '
    $_SERVER["HTTP_HOST"] = $_SERVER["HTTP_HOST"] ?? "127.0.0.1";
    require getenv("SITE_WP_LOAD");
    eval(getenv("SITE_EVAL_CODE"));'
}

site_write_config() {
  local salts="" key
  for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
    salts+="define('$key', '$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)');"$'\n'
  done
  cat > "$WP_DIR/wp-config.php" <<PHP
<?php
// Written by scripts/wp/site.sh: a local site on loopback, for tests and demos only.
define('DB_NAME', '$SITE_DB');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASSWORD');
define('DB_HOST', '127.0.0.1:$DB_PORT');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$salts
\$table_prefix = 'wp_';

define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '$SITE_DEBUG_LOG');
define('WP_DEBUG_DISPLAY', false);
@ini_set('display_errors', '0');
define('DISABLE_WP_CRON', true);
define('FS_METHOD', 'direct');
// Nothing leaves the machine: no update checks, no marketplace calls.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
${SITE_MU_PLUGIN_DIR:+define('WPMU_PLUGIN_DIR', '$SITE_MU_PLUGIN_DIR');}

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP
}

# (Re)installs the site at http://127.0.0.1:PORT. Needs the tree and MariaDB.
site_install() {
  local port=$1 url="http://127.0.0.1:$1" old_key
  SITE_URL=$url
  # The previous site's state folder (named by its key) goes with its database.
  old_key=$(db -N -e "SELECT option_value FROM \`$SITE_DB\`.wp_options WHERE option_name = 'shopcaisse_sync_state_key'" 2>/dev/null || true)
  if [[ "$old_key" =~ ^[0-9a-f]{32}$ ]]; then
    rm -rf "$(dirname "$(readlink -f "$WP_DIR")")/shopcaisse-sync-data/$old_key"
  fi
  db -e "DROP DATABASE IF EXISTS \`$SITE_DB\`; CREATE DATABASE \`$SITE_DB\` CHARACTER SET utf8mb4;"
  site_write_config
  : > "$SITE_DEBUG_LOG"
  if [ -n "${WP_LANGUAGES_BUNDLE:-}" ] && [ -f "$WP_LANGUAGES_BUNDLE" ] && [ ! -d "$WP_DIR/wp-content/languages/plugins" ]; then
    tar -xf "$WP_LANGUAGES_BUNDLE" -C "$WP_DIR/wp-content"
  fi

  # 1. WordPress itself, then WooCommerce and the plugin (activation only: nothing is loaded
  #    while WP_INSTALLING is set).
  site_php -- "$WP_DIR" "$url" "$SITE_TITLE" "$SITE_ADMIN_USER" "$SITE_ADMIN_PASSWORD" "$SITE_ADMIN_EMAIL" "$SITE_PLUGINS" <<'PHP' || return 1
<?php
[, $dir, $url, $title, $user, $password, $email, $plugins] = $argv;
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
// No "new site" e-mail: a local site has no mailer.
function wp_new_blog_notification() {}
require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$installed = wp_install($title, $user, $email, true, '', wp_slash($password), 'en_US');
if (empty($installed['user_id'])) {
    fwrite(STDERR, "wp_install failed\n");
    exit(1);
}
update_option('siteurl', $url);
update_option('home', $url);
foreach (preg_split('/\s+/', trim($plugins)) as $plugin) {
    $result = activate_plugin($plugin);
    if (is_wp_error($result)) {
        fwrite(STDERR, "activating $plugin: " . $result->get_error_message() . "\n");
        exit(1);
    }
}
PHP

  # 2. A normal request: WooCommerce finishes its install, its onboarding is skipped, and the
  #    admin sees the screens a merchant who set the shop up already sees.
  SITE_ADMIN_USER=$SITE_ADMIN_USER SITE_PLUGINS=$SITE_PLUGINS site_eval '
    if (class_exists("WC_Install")) { WC_Install::install(); }
    update_option("woocommerce_onboarding_profile", ["skipped" => true, "completed" => true]);
    update_option("woocommerce_task_list_hidden", "yes");
    update_option("woocommerce_task_list_complete", "yes");
    update_option("woocommerce_task_list_hidden_lists", ["setup", "extended"]);
    update_option("woocommerce_extended_task_list_hidden", "yes");
    update_option("woocommerce_show_marketplace_suggestions", "no");
    update_option("woocommerce_allow_tracking", "no");
    update_option("woocommerce_coming_soon", "no");
    update_option("woocommerce_store_address", "1 rue des Mûriers");
    update_option("woocommerce_store_city", "Lyon");
    update_option("woocommerce_store_postcode", "69001");
    update_option("woocommerce_default_country", "FR");
    update_option("woocommerce_currency", "EUR");
    delete_transient("_wc_activation_redirect");
    update_option("admin_email_lifespan", time() + YEAR_IN_SECONDS);
    // Pretty permalinks, as a shop has them: WooCommerce takes /wp-json/ for the REST API (the
    // Store API honours the Cart-Token of a shopper only there), and php -S sends unknown paths
    // to index.php.
    update_option("permalink_structure", "/%postname%/");
    flush_rewrite_rules(false);
    $user = get_user_by("login", getenv("SITE_ADMIN_USER"));
    update_user_meta($user->ID, "show_welcome_panel", 0);
    update_user_meta($user->ID, "dismissed_wp_pointers", "theme_editor_notice,plugin_editor_notice");
    $active = get_option("active_plugins");
    if (array_diff(preg_split("/\s+/", trim(getenv("SITE_PLUGINS"))), $active) !== []) {
        fwrite(STDERR, "plugins not active: " . implode(", ", $active) . "\n");
        exit(1);
    }
  ' || return 1
}

# Serves the site with php -S on PORT (4 workers: a request that calls back into the site needs a
# second one), in its own process group so that site_stop ends every worker.
site_serve() {
  local port=$1 tries=0
  if [ ! -f "$SITE_EXT_LIB" ]; then
    echo "site: $SITE_EXT_LIB is missing: build the PHP extension first (make build-ext)" >&2
    return 1
  fi
  PHP_CLI_SERVER_WORKERS=4 setsid php -d "extension=$SITE_EXT_LIB" -d memory_limit=512M \
    -S "127.0.0.1:$port" -t "$WP_DIR" >"$SITE_SERVER_LOG" 2>&1 < /dev/null &
  SITE_SERVER_PID=$!
  until curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/wp-login.php"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$SITE_SERVER_PID" 2>/dev/null; then
      echo "site: php -S did not answer on port $port; its log:" >&2
      tail -20 "$SITE_SERVER_LOG" >&2
      site_stop
      return 1
    fi
    sleep 0.1
  done
}

site_stop() {
  [ -n "${SITE_SERVER_PID:-}" ] || return 0
  kill -- "-$SITE_SERVER_PID" 2>/dev/null || kill "$SITE_SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$SITE_SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 -- "-$SITE_SERVER_PID" 2>/dev/null || true
  wait "$SITE_SERVER_PID" 2>/dev/null || true
  SITE_SERVER_PID=
}
