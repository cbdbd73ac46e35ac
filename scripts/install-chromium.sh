#!/usr/bin/env bash
# Installs Debian's headless Chromium (and CJK fonts, so Chinese renders in screenshots) for
# the browser tests, only when missing. Playwright drives this binary; `playwright install`
# (a download) is never used.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "missing ${need[*]} and this user cannot apt-get install; browser tests will be skipped" >&2
    exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
