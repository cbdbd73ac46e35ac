#!/usr/bin/env bash
# Installs Debian's headless Chromium for the browser tests, only when it is missing.
# Playwright drives this binary; `playwright install` (a download) is never used.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "chromium is missing and this user cannot apt-get install it; browser tests will be skipped" >&2
    exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
