#!/usr/bin/env bash
# Sets up a fresh machine and runs Touchstone's main job on the bundled data:
# design an experiment, then analyse the two real A/B tests in Datasets/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product touchstone >/dev/null
ts=.build/release/touchstone

echo "== Design: 5% baseline conversion, detect a 10% relative lift, 20,000 units a day"
$ts design --metric proportion --baseline 0.05 --mde 0.1 --relative --alpha 0.05 --power 0.8 --arms 2 --daily-units 20000
echo
echo "== Hillstrom e-mail experiment (3 arms): visits, conversions, spend"
$ts analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \
    --metric visit --metric conversion --metric spend
echo
echo "== Cookie Cats: moving the first gate from level 30 to 40"
$ts analyze --units Datasets/cookie_cats.csv --variant-column version --control gate_30 \
    --metric retention_1 --metric retention_7
