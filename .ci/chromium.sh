#!/usr/bin/env bash
# Makes sure the browser tests have Debian's Chromium (/usr/bin/chromium) and ChromeDriver (/usr/bin/chromedriver).
# Called by `./rebill test` before Maven, so a clean machine (CI: no Chromium preinstalled) gets them first.
# Test tools cannot download their own browser builds here (only Debian's packages are reachable), so the tests
# drive this system Chromium. Without root or network this only warns: the browser tests then fail and say what
# to install, instead of skipping silently.
#   .ci/chromium.sh           find or install; exit 0 either way (the tests report what is missing)
#   .ci/chromium.sh --check   exit 1 when Chromium is missing, install nothing
set -uo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

present() { [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; }

if present; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "chromium.sh: $CHROMIUM or $CHROMEDRIVER is missing" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "chromium.sh: WARNING: $CHROMIUM / $CHROMEDRIVER missing and cannot install them here (needs root and apt-get);" \
       "browser tests will fail. Install them with: sudo apt-get install chromium chromium-driver" >&2
  exit 0
fi

echo "chromium.sh: installing Debian's chromium and chromium-driver for the browser tests (apt-get, about a minute)..." >&2
log="$(mktemp)"
if DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
   && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >>"$log" 2>&1 \
   && present; then
  echo "chromium.sh: installed $("$CHROMIUM" --version 2>/dev/null)" >&2
  rm -f "$log"
else
  tail -20 "$log" >&2
  echo "chromium.sh: WARNING: could not install chromium and chromium-driver (log above); browser tests will fail." \
       "Install them with: apt-get install chromium chromium-driver" >&2
  rm -f "$log"
fi
exit 0
