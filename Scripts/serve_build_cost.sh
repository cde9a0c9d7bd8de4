#!/usr/bin/env bash
# What the HTTP server adds to a clean debug build: a fresh clone of this repository (its own
# .build and TMPDIR), built step by step so each step's time is what it adds to those before:
#   resolve → TouchstonePostgres (SwiftNIO, NIOSSL, postgres-nio, the data libraries)
#           → TouchstoneReport (the analysis and report libraries)
#           → Hummingbird (Hummingbird 2 and what it needs beyond SwiftNIO)
#           → TouchstoneServer (the server target itself)
# Prints wall and CPU seconds per step and the load average before each. Run it on a quiet
# machine: on a loaded one the wall times measure the neighbours. Deletes the clone at the end.
#   Scripts/serve_build_cost.sh [CLONE_DIR=/tmp/touchstone-build-cost]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
clone=${1:-/tmp/touchstone-build-cost}
rm -rf "$clone" "$clone-tmp"
git clone -q "$root" "$clone"
# The same dependency versions as this checkout (Package.resolved is not committed).
[ -f "$root/Package.resolved" ] && cp "$root/Package.resolved" "$clone/"
mkdir -p "$clone-tmp"
trap 'rm -rf "$clone" "$clone-tmp"' EXIT
cd "$clone"
export TMPDIR="$clone-tmp"
step() {  # name command
    echo "== $1 (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
    /usr/bin/time -f "   $1: wall %e s, CPU user %U s + system %S s" bash -c "$2 >/dev/null"
}
step resolve "swift package resolve"
step TouchstonePostgres "swift build --target TouchstonePostgres"
step TouchstoneReport "swift build --target TouchstoneReport"
step Hummingbird "swift build --target Hummingbird"
step TouchstoneServer "swift build --target TouchstoneServer"
echo "== done (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
