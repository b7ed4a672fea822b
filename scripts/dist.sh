#!/usr/bin/env bash
# Builds dist/shopcaisse-sync-<version>.zip: one folder shopcaisse-sync/ holding the plugin, the
# PHP shim, the two libraries (the extension for the PHP it was built against, the portable FFI
# library) and the php.ini lines a host needs. Nothing else: no test, build or development file.
set -euo pipefail
cd "$(dirname "$0")/.."

PHP=${PHP:-php}
version=$(sed -n 's/^ \* Version: *//p' wp-plugin/shopcaisse-sync/shopcaisse-sync.php | head -n1)
[ -n "$version" ] || { echo "no Version: header in the plugin" >&2; exit 1; }
ext=target/ext/release/libshopcaisse_sync.so
ffi=target/ffi/release/libshopcaisse_sync.so
for lib in "$ext" "$ffi" wp-plugin/shopcaisse-sync/languages/shopcaisse-sync-fr_FR.mo; do
  [ -f "$lib" ] || { echo "$lib is missing: run make build first" >&2; exit 1; }
done

stage=target/dist/shopcaisse-sync
rm -rf target/dist && mkdir -p "$stage/php-shim" "$stage/lib/ext" "$stage/lib/ffi" dist
cp -r wp-plugin/shopcaisse-sync/{shopcaisse-sync.php,uninstall.php,readme.txt,includes,assets,languages} "$stage/"
cp -r php-shim/{bootstrap.php,shopcaisse_sync.h,src} "$stage/php-shim/"
cp "$ext" "$stage/lib/ext/shopcaisse_sync.so"
cp "$ffi" "$stage/lib/ffi/libshopcaisse_sync.so"

# What the extension was built for, read from the library itself.
built_for=$("$PHP" -d "extension=$PWD/$ext" -r '$d = (new ShopcaisseSync\Engine([], sys_get_temp_dir()))->diagnostics(); echo $d["built_for_php"] ?? "unknown";')
# The same facts as data, beside the library: the plugin compares them with the running PHP and
# explains a mismatch instead of suggesting a line that cannot work.
"$PHP" -d "extension=$PWD/$ext" -r '$d = (new ShopcaisseSync\Engine([], sys_get_temp_dir()))->diagnostics();
  echo json_encode(["php" => $d["built_for_php"], "zts" => $d["built_for_zts"], "debug" => $d["built_for_debug"]], JSON_PRETTY_PRINT), "\n";' > "$stage/lib/ext/build.json"
cat > "$stage/php-ini.txt" <<TXT
Shopcaisse Sync $version: what the host's PHP needs (one of the two).

1. The extension (fastest). It was built for PHP $built_for; it loads only into that PHP
   version and thread-safety. Add to php.ini, or to a file of PHP's conf.d folder:

   extension=<absolute path to wp-content/plugins>/shopcaisse-sync/lib/ext/shopcaisse_sync.so

2. FFI (any PHP 8.1 or later with its FFI extension). Add to php.ini:

   ffi.enable=true

   The default, ffi.enable=preload, allows FFI only on the command line, not for web requests.

Then restart PHP (php-fpm, or Apache with mod_php). Until one of them works, every admin page
shows this line with the exact path of this site.
TXT

zip_path=dist/shopcaisse-sync-$version.zip
rm -f "$zip_path"
(cd target/dist && find shopcaisse-sync -type f | LC_ALL=C sort | zip -qX -@ "../../$zip_path")
echo "$zip_path: $(du -h "$zip_path" | cut -f1), $(unzip -Z1 "$zip_path" | wc -l) files"
