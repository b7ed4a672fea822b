#!/usr/bin/env bash
# Where the demo takes WordPress 6.9 with WooCommerce 9.9.5 from, in this order:
#   1. WP_BUNDLE, when set (an archive whose top folder is wordpress/, or such a folder);
#   2. the pinned archive of the shared vendor folder beside the checkout (the one .ci/run uses);
#   3. the official archives from wordpress.org, checked against pinned checksums, when the
#      machine reaches wordpress.org (kept in target/demo/downloads for the next run).
# With none of them it stops at once and says what to provide. Sourced by scripts/demo.sh.

DEMO_VENDOR_DIR=${DEMO_VENDOR_DIR:-$(cd .. && pwd)/shared/vendor}
DEMO_VENDOR_ARCHIVE=wordpress-6.9-woocommerce-9.9.5.tar.xz
DEMO_DOWNLOADS=${DEMO_DOWNLOADS:-$PWD/target/demo/downloads}

WORDPRESS_URL=https://wordpress.org/wordpress-6.9.tar.gz
# SHA-256 of the official archive, as public packaging recipes that download it pin it.
WORDPRESS_SHA256=5b36390233e32fef68cb5f66435bb32bdd50e0b3dfa5750aceb2de3c5993d720
WOOCOMMERCE_URL=https://downloads.wordpress.org/plugin/woocommerce.9.9.5.zip
# wordpress.org publishes no checksum of plugin archives: WooCommerce is pinned by the SHA-256
# of its extracted files (demo_tree_digest), computed on the 4,927 files of the vendor archive's
# copy (taken unmodified from the release, its README says). See docs/decisions.md.
WOOCOMMERCE_TREE_SHA256=e059d7d35b0a294bc1204ae6cb8e288ed6694a57784fce305507ae6ad1aa961c

# One SHA-256 for a folder: every file's path and content, in a fixed order.
demo_tree_digest() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
}

# Prints the bundle to use, or explains what is missing (on stderr) and fails.
demo_wordpress_bundle() {
  if [ -n "${WP_BUNDLE:-}" ]; then
    [ -e "$WP_BUNDLE" ] || { echo "WP_BUNDLE=$WP_BUNDLE does not exist." >&2; return 1; }
    echo "$WP_BUNDLE"
    return 0
  fi
  if [ -f "$DEMO_VENDOR_DIR/$DEMO_VENDOR_ARCHIVE" ]; then
    echo "$DEMO_VENDOR_DIR/$DEMO_VENDOR_ARCHIVE"
    return 0
  fi
  local downloaded
  if downloaded=$(demo_download_wordpress); then
    echo "$downloaded"
    return 0
  fi
  demo_explain_missing_wordpress
  return 1
}

# Fetches a URL into a file unless it is there already; fails fast when nothing answers.
demo_fetch() {
  local url=$1 file=$2
  [ -s "$file" ] && return 0
  mkdir -p "$(dirname "$file")"
  curl -fsSL --connect-timeout 5 --max-time 300 --retry 1 -o "$file.part" "$url" 2>/dev/null \
    || { rm -f "$file.part"; return 1; }
  mv "$file.part" "$file"
}

# The official archives, checked, unpacked into one WordPress tree; prints its folder.
demo_download_wordpress() {
  local tree=$DEMO_DOWNLOADS/tree wordpress=$DEMO_DOWNLOADS/wordpress-6.9.tar.gz woo=$DEMO_DOWNLOADS/woocommerce.9.9.5.zip
  if [ -f "$tree/.verified" ]; then
    echo "$tree"
    return 0
  fi
  echo "No WordPress bundle given: WordPress 6.9 and WooCommerce 9.9.5 from wordpress.org, kept in $DEMO_DOWNLOADS" >&2
  demo_fetch "$WORDPRESS_URL" "$wordpress" || return 1
  demo_fetch "$WOOCOMMERCE_URL" "$woo" || return 1
  if [ "$(sha256sum "$wordpress" | cut -c1-64)" != "$WORDPRESS_SHA256" ]; then
    echo "$wordpress does not have the pinned SHA-256 $WORDPRESS_SHA256: deleted, not used." >&2
    rm -f "$wordpress"
    return 1
  fi
  rm -rf "$tree" && mkdir -p "$tree"
  tar -xzf "$wordpress" -C "$tree"
  unzip -q "$woo" -d "$tree/wordpress/wp-content/plugins"
  if [ "$(demo_tree_digest "$tree/wordpress/wp-content/plugins/woocommerce")" != "$WOOCOMMERCE_TREE_SHA256" ]; then
    echo "$woo does not hold the pinned WooCommerce 9.9.5 files: deleted, not used." >&2
    rm -rf "$tree" "$woo"
    return 1
  fi
  touch "$tree/.verified"
  echo "$tree"
}

demo_explain_missing_wordpress() {
  cat >&2 <<TEXT
The demo needs WordPress 6.9 with WooCommerce 9.9.5, and found none:
  - WP_BUNDLE is not set;
  - $DEMO_VENDOR_DIR/$DEMO_VENDOR_ARCHIVE does not exist;
  - wordpress.org could not be reached to download them.
Provide one of:
  - WP_BUNDLE=/path/to/bundle make demo, where the bundle is an archive (.tar.xz, .tar.gz) whose
    top folder is wordpress/, or such a folder, with WooCommerce in wp-content/plugins/woocommerce;
  - the archive $DEMO_VENDOR_ARCHIVE in $DEMO_VENDOR_DIR/;
  - the two official archives, put in $DEMO_DOWNLOADS/ (they are checked, then used offline):
      $WORDPRESS_URL
      $WOOCOMMERCE_URL
TEXT
}
