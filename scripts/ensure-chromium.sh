#!/usr/bin/env bash
# Installs Debian's Chromium for the end-to-end tests (test/ts/e2e-*.test.ts) when it is missing.
# The tests drive it with playwright-core (`npx playwright install` cannot download browsers here).
# CHROMIUM_PATH names another binary; as non-root without it, says what to run and fails.
set -euo pipefail
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then echo "CHROMIUM_PATH=$bin is not an executable." >&2; exit 1; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: run 'sudo apt-get install -y chromium' (Debian) or set CHROMIUM_PATH." >&2
  exit 1
fi
echo "Installing Debian's chromium for the end-to-end tests…"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y chromium >/dev/null; then
  apt-get update >/dev/null
  apt-get install -y chromium >/dev/null
fi
"$bin" --version
