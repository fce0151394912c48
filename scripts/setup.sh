#!/usr/bin/env bash
# Sets up a fresh Debian machine for Session Lens: Debian packages (browsers, Django, memcached,
# database clients), the local services the integration tests use, and the npm packages.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  chromium firefox-esr                                   # end-to-end tests
  python3-django python3-django-redis python3-pymemcache # the real Django fixture site
  python3-psycopg2 python3-mysqldb                       # Django's PostgreSQL / MariaDB drivers
  python3-flask python3-jwt                              # other frameworks' cookies for the format vectors
  python3-starlette python3-tornado                      # tests/fixtures/frameworks: Python frameworks
  ruby-actionpack ruby-activesupport ruby-rack           #   Rails 6.1 cookie jar, Rack 2.2 session cookie
  php-cli php-laravel-framework php-symfony-http-foundation  # Laravel 8 Encrypter / EncryptCookies
  golang-go golang-github-gorilla-securecookie-dev       #   gorilla/securecookie
  elixir erlang-base                                     #   Erlang terms (Phoenix / Plug)
  memcached                                              # cache store for the companion tests
  postgresql mariadb-server redis-server                 # present on this machine kind; installed if missing
)

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/services.sh start

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
