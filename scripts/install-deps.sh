#!/usr/bin/env bash
# Installs, from Debian's packages, what building and testing the project needs. Idempotent:
# when every package is present it changes nothing and touches no network.
set -euo pipefail

packages=(
  php8.2-cli php8.2-dev php8.2-sqlite3 php8.2-mbstring php8.2-xml # PHP and headers for ext-php-rs
  libclang-dev clang                                                # bindgen, used by ext-php-rs
  phpunit                                                           # the PHP contract suite
  gettext                                                           # msgfmt: checks and compiles translations
  make pkg-config
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
