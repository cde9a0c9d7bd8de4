#!/usr/bin/env bash
# Sets up a fresh machine and runs Touchstone's main job on the bundled data: design an
# experiment, analyse the two real A/B tests in Datasets/, analyse a simulated channel-combination
# experiment from raw logs, and attribute conversions in the bundled customer journeys.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product touchstone >/dev/null
ts=.build/release/touchstone
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== Design: 5% baseline conversion, detect a 10% relative lift, 20,000 units a day"
$ts design --metric proportion --baseline 0.05 --mde 0.1 --relative --alpha 0.05 --power 0.8 --arms 2 --daily-units 20000
echo
echo "== Hillstrom e-mail experiment (3 arms): visits, conversions, spend"
$ts analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \
    --metric visit --metric conversion --metric spend
echo
echo "== Cookie Cats: moving the first gate from level 30 to 40 (frequentist, then Bayesian)"
$ts analyze --units Datasets/cookie_cats.csv --variant-column version --control gate_30 \
    --metric retention_1 --metric retention_7
$ts analyze --units Datasets/cookie_cats.csv --variant-column version --control gate_30 \
    --metric retention_7 --method bayesian
echo
echo "== Channel combinations from raw logs: 200,000 simulated units, 8 arms of email/push/in_app"
$ts simulate experiment --units 200000 --seed 1 --out "$out/sim"
$ts analyze --exposures "$out/sim/exposures.csv" --events "$out/sim/events.csv" --control control \
    --metric purchase --metric purchase:sum --pre-exposure-covariates
echo
echo "== The same experiment by country: does the e-mail effect differ between segments?"
$ts analyze --exposures "$out/sim/exposures.csv" --events "$out/sim/events.csv" --control control \
    --metric purchase --by country --quiet | sed -n '/^Segments by/,$p'
echo
echo "== Attribution of the bundled journeys, every model side by side"
$ts attribute --touchpoints Datasets/journeys/touchpoints.csv --model all
