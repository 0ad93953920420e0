#!/usr/bin/env bash
# Makes sure the browser tests have a Chromium: installs Debian's package when run as root,
# otherwise says what to install. Under CI=true a missing browser is an error.
set -euo pipefail
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium with apt-get for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  [ -x "$chromium" ] && exit 0
fi
echo "Chromium was not found at $chromium. Install it (Debian/Ubuntu: sudo apt-get install chromium)" \
     "or set CHROMIUM=/path/to/chromium." >&2
if [ "${CI:-}" = "true" ]; then
  exit 1
fi
echo "Continuing without it: the browser tests will be skipped." >&2
