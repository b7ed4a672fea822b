#!/usr/bin/env bash
# Installs, from Debian's packages, what building and testing the project needs. Idempotent:
# when every package is present it changes nothing and touches no network.
set -euo pipefail

packages=(
  php8.2-cli php8.2-dev php8.2-sqlite3 php8.2-mbstring php8.2-xml # PHP and headers for ext-php-rs
  libclang-dev clang                                                # bindgen, used by ext-php-rs
  phpunit                                                           # the PHP contract suite
  gettext                                                           # msgfmt: checks and compiles translations
  make pkg-config zip unzip
  # The WordPress tier: WordPress's PHP needs, its database, the browser for the admin tests
  php8.2-mysql php8.2-curl php8.2-gd php8.2-intl php8.2-zip
  mariadb-server mariadb-client
  chromium fonts-noto-color-emoji
  apache2 php8.2-fpm                                                # the ZIP on real hosts
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The browser tests' driver, pinned, outside the tracked tree. playwright-core brings no browser
# of its own: the tests drive Debian's chromium.
PLAYWRIGHT_VERSION=1.57.0 # works on Node 18 (Debian) and 20
driver=target/node/node_modules/playwright-core/package.json
if [ ! -f "$driver" ] || ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$driver"; then
  mkdir -p target/node
  npm install --silent --no-audit --no-fund --prefix target/node "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
fi
