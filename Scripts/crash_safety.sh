#!/usr/bin/env bash
# Crash safety of the exposure store: kills `touchstone expose` with SIGKILL at random points
# and checks, after every kill, that the store passes SQLite's integrity check and can be read
# by `touchstone exposures`, and that re-running the same ingest leaves exactly the store of
# one clean run (every table, row for row).
#   Scripts/crash_safety.sh [TRIALS=50] [UNITS=100000]
# Uses the debug build (`swift build`); set CONFIGURATION=release for the release binary.
# Exit status 0 when every trial passed, 1 otherwise. Not part of `swift test` (about 2-4 min).
set -euo pipefail
trials=${1:-50}
units=${2:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-debug}
cd "$root"
swift build -c "$configuration" --product touchstone >&2
bin="$(swift build -c "$configuration" --show-bin-path)/touchstone"
work=$(mktemp -d "${TMPDIR:-/tmp}/touchstone-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Two logs of the same experiment (overlapping units, repeat and multi-variant exposures) and
# a JSON Lines copy of part of one, so the ingest spans several files and formats.
"$bin" simulate experiment --units "$units" --seed 11 --out "$work/a" --quiet
"$bin" simulate experiment --units "$units" --seed 12 --out "$work/b" --quiet
head -n 20001 "$work/b/exposures.csv" | tail -n +2 \
    | awk -F, '{printf "{\"unit_id\":\"%s\",\"experiment\":\"%s\",\"variant\":\"%s\",\"timestamp\":\"%s\"}\n",$1,$2,$3,$4}' \
    > "$work/c.jsonl"
files=("$work/a/exposures.csv" "$work/b/exposures.csv" "$work/c.jsonl")
ingest=(expose --batch-size 5000 --quiet)
experiment=$(sed -n 2p "$work/a/exposures.csv" | cut -d, -f2)

# After a kill the store must be intact and readable: a reader may say it has no exposures yet
# or, when the kill came before the first schema commit, that the database holds no tables
# (the final re-run must then create it). Every table, sorted, as text: equal dumps mean equal stores.
dump() {
    python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
    rows = db.execute(f'SELECT * FROM "{name}"').fetchall()
    print(name, len(rows))
    for row in sorted(rows, key=repr):
        print(repr(row))
PY
}

# The kill window is the fastest of three clean runs: a window timed on one slow run (a busy
# machine) lets most later runs finish before their kill, which then tests nothing.
clean_seconds=
for run in 1 2 3; do
    rm -f "$work/clean.db" "$work/clean.db-wal" "$work/clean.db-shm"
    start=$(date +%s.%N)
    "$bin" "${ingest[@]}" --store "$work/clean.db" "${files[@]}" >/dev/null
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    if [ -z "$clean_seconds" ] || [ "$(echo "$seconds < $clean_seconds" | bc)" -eq 1 ]; then clean_seconds=$seconds; fi
done
dump "$work/clean.db" > "$work/clean.txt"
echo "clean ingest: fastest of 3 ${clean_seconds}s, $(head -c 200 "$work/clean.txt" | head -n 1)" >&2

failures=0 killed=0 finished_early=0
for trial in $(seq 1 "$trials"); do
    db="$work/trial.db"
    rm -f "$db" "$db-wal" "$db-shm"
    kills=$((1 + RANDOM % 2))   # one or two crashes before the final run
    for k in $(seq 1 "$kills"); do
        delay=$(python3 -c "import random; print(round(random.uniform(0, $clean_seconds * 0.9), 3))")
        # A run that finishes before its kill is counted and retried on a fresh store with half
        # the delay (up to 4 times), so the trials' kills land mid-ingest.
        for attempt in 1 2 3 4 5; do
            "$bin" "${ingest[@]}" --store "$db" "${files[@]}" >/dev/null &
            pid=$!
            sleep "$delay"
            kill -KILL "$pid" 2>/dev/null || true
            status=0
            wait "$pid" 2>/dev/null || status=$?
            if [ "$status" -eq 137 ]; then killed=$((killed + 1)); break; fi
            finished_early=$((finished_early + 1))
            [ "$k" -eq 1 ] && rm -f "$db" "$db-wal" "$db-shm"
            delay=$(echo "scale=3; $delay / 2" | bc)
        done
        if [ -e "$db" ]; then
            check=$(sqlite3 "$db" "PRAGMA integrity_check" 2>&1 || true)
            if [ "$check" != "ok" ]; then
                echo "trial $trial: integrity_check after kill at ${delay}s: $check" >&2; failures=$((failures + 1)); continue 2
            fi
            if ! "$bin" exposures --store "$db" --experiment "$experiment" --format json >/dev/null 2>"$work/read.err" \
                && ! grep -q "no exposures\|holds no tables" "$work/read.err"; then
                echo "trial $trial: store unreadable after kill at ${delay}s: $(cat "$work/read.err")" >&2
                failures=$((failures + 1)); continue 2
            fi
        fi
    done
    "$bin" "${ingest[@]}" --store "$db" "${files[@]}" >/dev/null
    if ! dump "$db" | cmp -s - "$work/clean.txt"; then
        echo "trial $trial: store after re-run differs from the clean run" >&2
        failures=$((failures + 1))
    fi
done
echo "crash safety: $trials trials, $killed kills mid-ingest (+$finished_early runs that finished before their kill and were retried), $failures failures"
[ "$failures" -eq 0 ]
