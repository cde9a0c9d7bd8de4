#!/usr/bin/env bash
# Regenerates the report screenshots in docs/images/ with headless Chromium (Debian:
# `apt-get install -y chromium`) at a 1,000 px wide viewport, and checks that no page scrolls
# sideways there: each report is loaded once more with a probe script appended (the committed
# reports have no scripts) that compares document.documentElement.scrollWidth with the viewport
# and counts elements whose right edge passes it. Exits 1 on any overflow.
#
#   Scripts/screenshots.sh [OUT_DIR]      # default OUT_DIR: out/screenshots; CONFIG=debug reuses the test build
#
# Pictures: an 8-arm Bayesian read-out of the simulated channel experiment (with a goal, a
# guardrail and a secondary metric), its always-valid daily timeline, and a segmented Hillstrom
# read-out (by channel).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-out/screenshots}"
mkdir -p "$out" docs/images
out="$(cd "$out" && pwd)"   # absolute: Chromium is given file:// URLs
width=1000

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
    echo "screenshots.sh: no chromium found (Debian: apt-get install -y chromium)" >&2
    exit 1
fi

config="${CONFIG:-release}"
swift build -c "$config" --product touchstone >&2
touchstone="$(swift build -c "$config" --show-bin-path)/touchstone"

# 1. Eight arms, Bayesian.
"$touchstone" simulate experiment --units 40000 --seed 7 --out "$out/sim" --quiet
"$touchstone" analyze --exposures "$out/sim/exposures.csv" --events "$out/sim/events.csv" --control control \
    --metric purchase --metric session:count --metric purchase:sum \
    --guardrail session:count=0.02 --secondary purchase:sum --planned-units 60000 \
    --method bayesian --experiment onboarding_channels --format html --output "$out/bayesian-8-arms.html" --quiet
# 2. Results over time: the sequential (always-valid) daily timeline of one metric.
"$touchstone" analyze --exposures "$out/sim/exposures.csv" --events "$out/sim/events.csv" --control control \
    --metric purchase --timeline daily --method sequential --experiment onboarding_channels \
    --format html --output "$out/timeline.html" --quiet
# 3. Segments.
"$touchstone" analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \
    --metric conversion --metric visit --guardrail visit=0.01 --by channel --experiment hillstrom \
    --format html --output "$out/segments.html" --quiet

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chrome() { "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --force-device-scale-factor=1 "$@" 2>/dev/null; }

status=0
for name in bayesian-8-arms timeline segments; do
    page="$out/$name.html"
    probe="$out/$name.probe.html"
    script='<script>var vw=window.innerWidth;var wide=Array.from(document.querySelectorAll("main *")).filter(function(e){return e.getBoundingClientRect().right>vw+0.5;}).length;document.body.setAttribute("data-overflow",String(document.documentElement.scrollWidth-vw));document.body.setAttribute("data-wide-elements",String(wide));document.body.setAttribute("data-height",String(document.documentElement.scrollHeight));</script>'
    sed "s#</body>#${script}</body>#" "$page" > "$probe"
    dom="$(chrome --window-size=$width,900 --dump-dom "file://$probe" || true)"
    attribute() { grep -o "$1=\"-\?[0-9]*\"" <<<"$dom" | head -1 | sed 's/.*="\(.*\)"/\1/' || true; }
    overflow="$(attribute data-overflow)"
    wide="$(attribute data-wide-elements)"
    height="$(attribute data-height)"
    rm -f "$probe"
    if [[ -z "$overflow" || -z "$wide" || -z "$height" ]]; then
        echo "screenshots.sh: $name: the probe did not run" >&2
        status=1
        continue
    fi
    echo "$name: viewport $width px, horizontal overflow ${overflow} px, elements past the edge: $wide, page height $height px" >&2
    if (( overflow > 0 || wide > 0 )); then status=1; fi
    # The picture shows the top of the page (summary, first metrics); the check above covers all of it.
    # The timeline's chart sits below the read-out, so that picture shows the whole page.
    limit=${MAX_HEIGHT:-2600}
    [[ $name == timeline ]] && limit=$height
    shot=$(( height < limit ? height : limit ))
    chrome --window-size=$width,"$shot" --screenshot="$out/$name.png" "file://$page" || true
    test -s "$out/$name.png" || { echo "screenshots.sh: chromium wrote no screenshot of $name" >&2; exit 1; }
    if command -v pngquant >/dev/null; then
        pngquant --force --quality 70-95 --output "docs/images/$name.png" "$out/$name.png"
    else
        cp "$out/$name.png" "docs/images/$name.png"
    fi
done
ls -l docs/images/bayesian-8-arms.png docs/images/timeline.png docs/images/segments.png >&2
exit $status
