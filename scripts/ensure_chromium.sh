#!/bin/sh
# Install the tools the report tests use, when they are missing: Debian `chromium` (headless screenshots)
# and `pdftoppm` (poppler-utils, PDF pages to PNG). Non-interactive; safe to run repeatedly.
# Usage: scripts/ensure_chromium.sh            (both)
#        scripts/ensure_chromium.sh pdftoppm   (only poppler-utils)
set -eu
want="${1:-all}"
packages=""
if [ "$want" = "all" ] || [ "$want" = "chromium" ]; then
  [ -x /usr/bin/chromium ] || packages="$packages chromium"
fi
if [ "$want" = "all" ] || [ "$want" = "pdftoppm" ]; then
  command -v pdftoppm >/dev/null 2>&1 || packages="$packages poppler-utils"
fi
[ -z "$packages" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "ensure_chromium: need root (or sudo) to install:$packages" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "ensure_chromium: installing$packages" >&2
$SUDO apt-get update -qq </dev/null >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $packages </dev/null >/dev/null
