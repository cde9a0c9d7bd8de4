#!/usr/bin/env bash
# Runs one libFuzzer target of FuzzTesting/ for a given time.
#   Scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags]
# TARGET: FuzzCSV | FuzzConfig | FuzzTargeting | FuzzPaths | FuzzJSONLines | FuzzPowerSums | FuzzStore |
# FuzzReport. The committed seed corpus is
# FuzzTesting/Corpus/TARGET (read only); inputs libFuzzer finds go to a scratch corpus under
# FuzzTesting/.build/corpus/TARGET, crashes to FuzzTesting/.build/crashes/TARGET. A crash exits
# non-zero (libFuzzer: 77 on a deadly signal, 1 on an ASan report); replay with
#   FuzzTesting/.build/release/TARGET CRASH-FILE
# Build flags and pitfalls: docs/reliability.md, "Fuzzing" (SWIFT_BACKTRACE=enable=no, -Xswiftc -sanitize=...).
set -euo pipefail
target=${1:?usage: Scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: Scripts/fuzz.sh TARGET SECONDS}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/FuzzTesting"
[ -d "Corpus/$target" ] || { echo "fuzz.sh: no seed corpus Corpus/$target" >&2; exit 2; }
# All targets at once: building one --product at a time rebuilt the shared libraries each time.
swift build -c release \
    --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >&2
mkdir -p ".build/corpus/$target" ".build/crashes/$target"
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0
# Stores are SQLite files of a few 4 KiB pages, saved results a few KiB of JSON.
case "$target" in FuzzStore | FuzzReport) max_len=32768 ;; *) max_len=4096 ;; esac
exec ".build/release/$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=".build/crashes/$target/" -print_final_stats=1 "$@" \
    ".build/corpus/$target" "Corpus/$target"
