#!/usr/bin/env bash
# Renders the Hillstrom analysis as an HTML report and screenshots it with headless Chromium
# (Debian: `apt-get install -y chromium`). Produces docs/images/hillstrom-report.png for the
# README. CI does not run this script; it only needs `swift`.
#
#   Scripts/render_report.sh [OUT_DIR]      # default OUT_DIR: out/report
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out/report}"
mkdir -p "$out" docs/images

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
    echo "render_report.sh: no chromium found (Debian: apt-get install -y chromium)" >&2
    exit 1
fi

config="${CONFIG:-release}"   # CONFIG=debug reuses the test build
swift build -c "$config" --product touchstone >&2
touchstone="$(swift build -c "$config" --show-bin-path)/touchstone"

"$touchstone" analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \
    --metric visit --metric conversion --metric spend --experiment hillstrom \
    --format json --output "$out/hillstrom.json" --quiet
"$touchstone" report "$out/hillstrom.json" --format html --output "$out/hillstrom.html"

# A fresh profile directory keeps the run independent of any user profile; no network is used
# (the page is self-contained), and the window is tall enough for the SRM banner and all three metrics.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --force-device-scale-factor=1 --window-size=1060,"${HEIGHT:-1500}" \
    --screenshot="$PWD/$out/hillstrom-report.png" "file://$PWD/$out/hillstrom.html" >&2 2>/dev/null || true
test -s "$out/hillstrom-report.png" || { echo "render_report.sh: chromium wrote no screenshot" >&2; exit 1; }

# Palette-reduce when pngquant is available, to keep the committed picture small.
if command -v pngquant >/dev/null; then
    pngquant --force --quality 70-95 --output docs/images/hillstrom-report.png "$out/hillstrom-report.png"
else
    cp "$out/hillstrom-report.png" docs/images/hillstrom-report.png
fi
ls -l docs/images/hillstrom-report.png >&2
