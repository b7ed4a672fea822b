#!/usr/bin/env bash
# Shared by the WordPress test tier and the demo: unpacks the pinned WordPress + WooCommerce
# bundle, runs a private MariaDB server on loopback, and installs a site. Sourced, not run.
#
# Everything lives under $WP_ROOT (default target/wp): the WordPress tree, MariaDB's data dir,
# socket and pid file. Nothing touches a system service or a system port.

WP_ROOT=${WP_ROOT:-$PWD/target/wp}
WP_DIR=$WP_ROOT/wordpress
WP_TESTS_DIR=$WP_ROOT/tests-lib
DB_PORT=${WP_DB_PORT:-33306}
# One data dir per port: two runs in one checkout on different ports never share a server (the
# second would find the first's pid file alive, use it, and stop it on exit).
DB_DIR=$WP_ROOT/mariadb-$DB_PORT
DB_SOCKET=$DB_DIR/mysqld.sock
DB_USER=scs
DB_PASSWORD=scs-test-password

# Ends the calling script, saying so in one line, when WP_BUNDLE is not given.
wp_skip_without_bundle() {
  if [ -z "${WP_BUNDLE:-}" ]; then
    echo "$1 skipped: set WP_BUNDLE (WordPress 6.9 with WooCommerce 9.9.5 in wp-content/plugins, an archive or a folder) to run them."
    exit 0
  fi
}

# Extracts an archive, or copies a folder, into $2 unless the same source is already there.
wp_unpack() {
  local source=$1 dest=$2 stamp
  if [ -d "$source" ]; then
    stamp="dir:$(cd "$source" && pwd)"
  else
    stamp="$(sha256sum "$source" | cut -c1-64)"
  fi
  if [ -f "$dest/.unpacked-from" ] && [ "$(cat "$dest/.unpacked-from")" = "$stamp" ]; then
    return 0
  fi
  rm -rf "$dest" && mkdir -p "$dest"
  if [ -d "$source" ]; then
    cp -a "$source/." "$dest/"
  else
    tar -xf "$source" -C "$dest"
  fi
  echo "$stamp" > "$dest/.unpacked-from"
}

# The WordPress tree of a bundle (archive with a top folder wordpress/, or a folder holding it or
# being it) into $WP_DIR, with the plugin linked in from the checkout (unless $2 is no-link: the
# demo installs it from the ZIP instead).
wp_prepare_tree() {
  local bundle=$1 link=${2:-link} unpacked=$WP_ROOT/bundle
  wp_unpack "$bundle" "$unpacked"
  local tree=$unpacked
  [ -d "$unpacked/wordpress" ] && tree=$unpacked/wordpress
  if [ ! -f "$tree/wp-includes/version.php" ] || [ ! -f "$tree/wp-content/plugins/woocommerce/woocommerce.php" ]; then
    echo "WP_BUNDLE=$bundle holds no WordPress tree with WooCommerce in wp-content/plugins/woocommerce" >&2
    return 1
  fi
  rm -f "$WP_DIR" && ln -s "$tree" "$WP_DIR"
  [ "$link" = no-link ] || ln -sfn "$PWD/wp-plugin/shopcaisse-sync" "$tree/wp-content/plugins/shopcaisse-sync"
  if [ -n "${WP_LANGUAGES_BUNDLE:-}" ] && [ -f "$WP_LANGUAGES_BUNDLE" ] && [ ! -d "$tree/wp-content/languages/plugins" ]; then
    tar -xf "$WP_LANGUAGES_BUNDLE" -C "$tree/wp-content"
  fi
}

# WordPress's PHPUnit library and the polyfills (archive or folder holding both).
wp_prepare_tests_lib() {
  local bundle=$1
  wp_unpack "$bundle" "$WP_TESTS_DIR"
  if [ ! -f "$WP_TESTS_DIR/wordpress-tests-lib/includes/bootstrap.php" ] || [ ! -d "$WP_TESTS_DIR/phpunit-polyfills" ]; then
    echo "WP_TESTS_BUNDLE=$bundle holds no wordpress-tests-lib/ and phpunit-polyfills/" >&2
    return 1
  fi
}

# Everything a WP_UnitTestCase run needs, on a fresh database $1: the tree, WordPress's PHPUnit
# library, MariaDB, and the environment tests/wp/bootstrap.php and wp-tests-config.php read.
wp_unit_env() {
  local database=$1
  wp_prepare_tree "$WP_BUNDLE"
  wp_prepare_tests_lib "$WP_TESTS_BUNDLE"
  db_start
  db -e "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database CHARACTER SET utf8mb4;"
  export WP_TESTS_DIR=$WP_TESTS_DIR/wordpress-tests-lib
  export WP_TESTS_PHPUNIT_POLYFILLS_PATH=$WP_ROOT/tests-lib/phpunit-polyfills
  export SCS_WP_DIR=$WP_DIR SCS_DB_NAME=$database SCS_DB_USER=$DB_USER SCS_DB_PASSWORD=$DB_PASSWORD
  export SCS_DB_HOST=127.0.0.1:$DB_PORT SCS_SANDBOX_BIN=$PWD/target/sandbox/release/shopcaisse-sandbox
}

db() { mariadb --no-defaults -uroot --socket="$DB_SOCKET" "$@"; }

# Starts MariaDB on loopback with its own data dir; idempotent. Stop it with db_stop.
db_start() {
  if [ -f "$DB_DIR/mysqld.pid" ] && kill -0 "$(cat "$DB_DIR/mysqld.pid")" 2>/dev/null; then
    return 0
  fi
  mkdir -p "$DB_DIR"
  if [ ! -d "$DB_DIR/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$DB_DIR/data" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$DB_DIR/install.log" 2>&1 \
      || { cat "$DB_DIR/install.log" >&2; return 1; }
  fi
  mariadbd --no-defaults --datadir="$DB_DIR/data" --user="$(id -un)" \
    --bind-address=127.0.0.1 --port="$DB_PORT" --socket="$DB_SOCKET" \
    --pid-file="$DB_DIR/mysqld.pid" --skip-log-bin --skip-name-resolve \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --max-connections=200 >"$DB_DIR/server.log" 2>&1 &
  local tries=0
  until db -e 'SELECT 1' >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
      echo "MariaDB did not start; its log:" >&2; tail -20 "$DB_DIR/server.log" >&2; return 1
    fi
    sleep 0.1
  done
  db -e "CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
         CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
         GRANT ALL ON *.* TO '$DB_USER'@'127.0.0.1'; GRANT ALL ON *.* TO '$DB_USER'@'localhost';"
}

db_stop() {
  [ -f "$DB_DIR/mysqld.pid" ] || return 0
  local pid
  pid=$(cat "$DB_DIR/mysqld.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$DB_DIR/mysqld.pid"
}
