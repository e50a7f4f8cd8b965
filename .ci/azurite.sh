#!/usr/bin/env bash
# Installs Azurite (Microsoft's Azure Storage emulator, from npm) for the tests of the Azure Blob Storage source, and
# prints the path of its blob server script. The tests call it and start that server themselves as a child process
# on loopback (AzureBlobContainerTest); nothing here starts a server. node 20 or newer and npm must be on the PATH.
#   .ci/azurite.sh           install if missing, print the azurite-blob script's path; exit 1 when it cannot
#   .ci/azurite.sh --check   print the path when installed, exit 1 otherwise; install nothing
set -uo pipefail

VERSION=3.37.0
DIR="${REBILL_TOOLS_DIR:-$HOME/.cache/rebill-tools}/azurite-$VERSION"
BIN="$DIR/node_modules/azurite/dist/src/blob/main.js"

if [ -f "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "azurite.sh: Azurite $VERSION is not installed in $DIR" >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "azurite.sh: npm is missing; install node 20 and npm to run the Azure Blob Storage tests" >&2
  exit 1
fi
mkdir -p "$DIR"
log="$(mktemp)"
# --ignore-scripts: Azurite needs no install script; a pinned exact version, no package-lock outside $DIR
if (cd "$DIR" && npm install --no-audit --no-fund --ignore-scripts --save-exact "azurite@$VERSION") >"$log" 2>&1 \
   && [ -f "$BIN" ]; then
  rm -f "$log"
  echo "$BIN"
else
  tail -20 "$log" >&2
  echo "azurite.sh: could not install azurite@$VERSION from npm (log above)" >&2
  rm -f "$log"
  exit 1
fi
