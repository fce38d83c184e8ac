#!/bin/sh
# Make the real Quarto CLI available to the tests, and print the launcher to use.
#   1. CCASSURE_QUARTO (a quarto launcher) if set;
#   2. `quarto` on PATH;
#   3. else the project's own copy in .tools/quarto/ (ignored by git), installed once from the offline
#      vendor folder (CCASSURE_QUARTO_VENDOR, default ../shared/vendor/quarto beside the project), ~65 s.
#      It is reinstalled only when its launcher is missing.
# Prints the launcher's path on stdout; prints nothing and exits 0 when there is no Quarto and no vendor
# folder (the Quarto tests then skip and say why). A failed install exits non-zero.
# Only this script (make test) ever reads the vendor folder: ccassure itself never does.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${CCASSURE_QUARTO:-}" ]; then
  [ -x "$CCASSURE_QUARTO" ] || { echo "ensure_quarto: CCASSURE_QUARTO=$CCASSURE_QUARTO is not an executable" >&2; exit 1; }
  echo "$CCASSURE_QUARTO"; exit 0
fi
if command -v quarto >/dev/null 2>&1; then command -v quarto; exit 0; fi
prefix="$root/.tools/quarto"
launcher="$prefix/bin/quarto"
if [ -x "$launcher" ]; then echo "$launcher"; exit 0; fi
vendor="${CCASSURE_QUARTO_VENDOR:-$root/../shared/vendor/quarto}"
if [ ! -f "$vendor/install_quarto.sh" ]; then
  echo "ensure_quarto: no quarto on PATH and no vendor folder at $vendor; Quarto tests will be skipped" >&2
  exit 0
fi
echo "ensure_quarto: installing Quarto from $vendor into $prefix (once, about a minute)" >&2
log="$root/.tools/quarto-install.log"
mkdir -p "$root/.tools"
rm -rf "$prefix"
if ! PREFIX="$prefix" LINK= PYTHON="${PYTHON:-python3}" bash "$vendor/install_quarto.sh" \
    "$vendor"/quarto-cli-*-src.tar.gz "$vendor"/typst-fontawesome-*.tar.gz >"$log" 2>&1 </dev/null; then
  echo "ensure_quarto: the install failed; see $log" >&2
  tail -20 "$log" >&2
  rm -rf "$prefix"
  exit 1
fi
[ -x "$launcher" ] || { echo "ensure_quarto: install finished but $launcher is missing; see $log" >&2; exit 1; }
echo "$launcher"
