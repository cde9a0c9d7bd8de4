#!/usr/bin/env bash
# Benchmarks of `touchstone serve` on loopback, server and load generators sharing the machine:
#  1. assignment: wrk (Debian `wrk`) on GET /v1/assign with random unit ids — requests/s and
#     latency percentiles (p50/p90/p99);
#  2. the peer, alternating with (1) in the same run: GrowthBook's Python SDK (PyPI `growthbook`)
#     evaluating the same experiment, from the payload of `touchstone export --growthbook`,
#     behind a minimal Python HTTP server (ThreadingHTTPServer), measured by the same wrk command;
#  3. ingest: CLIENTS load-generator processes (one keep-alive connection each) POST distinct
#     JSON Lines batches of BATCH rows to /v1/exposures on a fresh store; rows/s counts only
#     acknowledged (durably committed, synchronous=FULL) rows. The generator's own ceiling is
#     measured the same way against a null sink (a Python server that reads each body and
#     answers {"accepted": N} without storing anything), alternating with (3).
# Each measurement runs ROUNDS times, alternating touchstone and its peer; medians are reported.
# For assignment the server's CPU time per request is reported too (user+system from
# /proc/PID/stat over each wrk run, divided by the requests answered): the figure that does not
# depend on how busy the machine is.
#   Scripts/serve_benchmark.sh [SECONDS=10] [CONNECTIONS=32] [CLIENTS=4] [BATCH=5000] [ROWS=1000000] [ROUNDS=3]
# CONFIGURATION=release (default) or debug; TOUCHSTONE_BIN=path skips the build and runs that
# binary. BASELINE_BIN=path adds a second touchstone binary (e.g. main's, for a before/after) to
# the assignment rounds: touchstone, baseline, peer in turn. WRK_THREADS (default 2) sets wrk -t.
# ASSIGN_ONLY=1 skips the ingest part. Prints a summary on standard output.
set -euo pipefail
seconds=${1:-10}
connections=${2:-32}
clients=${3:-4}
batch=${4:-5000}
total_rows=${5:-1000000}
rounds=${6:-3}
wrk_threads=${WRK_THREADS:-2}
baseline=${BASELINE_BIN:-}
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-release}
cd "$root"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
python3 -c "import growthbook" 2>/dev/null || { echo "growthbook missing: pip install growthbook" >&2; exit 1; }
if [ -n "${TOUCHSTONE_BIN:-}" ]; then
    bin=$TOUCHSTONE_BIN  # an already built binary (its configuration is the caller's word)
else
    swift build -c "$configuration" --product touchstone >&2
    bin="$(swift build -c "$configuration" --show-bin-path)/touchstone"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/touchstone-serve-bench.XXXXXX")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/experiments.yaml" <<'YAML'
experiments:
  - key: bench
    hash: growthbook-v1
    coverage: 0.9
    variants:
      - { name: control, weight: 1 }
      - { name: red, weight: 1 }
      - { name: blue, weight: 2 }
YAML
cat > "$work/assign.lua" <<'LUA'
math.randomseed(42)
request = function()
  return wrk.format("GET", "/v1/assign?unit=user-" .. math.random(1, 10000000) .. "&experiment=bench")
end
LUA

wait_port() {  # file → port printed as "listening on http://127.0.0.1:PORT"
    for _ in $(seq 1 600); do
        if grep -q "listening on" "$1" 2>/dev/null; then sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$1" | head -n 1; return; fi
        sleep 0.05
    done
    echo "server did not start: $(cat "$1")" >&2; exit 1
}

# ---- assignment: touchstone and the GrowthBook peer, alternating ----
"$bin" serve --config "$work/experiments.yaml" --store "$work/assign.db" --port 0 2>"$work/serve.err" &
pids+=($!)
port=$(wait_port "$work/serve.err")

"$bin" export --growthbook --config "$work/experiments.yaml" --quiet > "$work/payload.json"
cat > "$work/peer.py" <<'PY'
import json, sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs
from growthbook import GrowthBook

features = json.load(open(sys.argv[1]))["features"]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        unit = query["unit"][0]
        gb = GrowthBook(attributes={"id": unit}, features=features)
        value = gb.eval_feature(query["experiment"][0]).value
        gb.destroy()
        body = json.dumps([{"unit_id": unit, "experiment": query["experiment"][0], "variant": value}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
server.serve_forever()
PY
python3 "$work/peer.py" "$work/payload.json" 2>"$work/peer.err" &
pids+=($!)
peer_port=$(wait_port "$work/peer.err")
names="touchstone"
declare -A ports=([touchstone]=$port [peer]=$peer_port) server_pids=([touchstone]=${pids[0]})
if [ -n "$baseline" ]; then
    "$baseline" serve --config "$work/experiments.yaml" --store "$work/assign-baseline.db" --port 0 2>"$work/baseline.err" &
    pids+=($!)
    server_pids[baseline]=$!
    ports[baseline]=$(wait_port "$work/baseline.err")
    names="touchstone baseline"
    [ "$(curl -s "http://127.0.0.1:${ports[baseline]}/v1/assign?unit=user-1&experiment=bench")" = \
      "$(curl -s "http://127.0.0.1:$port/v1/assign?unit=user-1&experiment=bench")" ] || { echo "baseline answers differently" >&2; exit 1; }
fi

# Both answer the same variants (a wrong peer would make the comparison meaningless).
for unit in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    ours=$(curl -s "http://127.0.0.1:$port/v1/assign?unit=user-$unit&experiment=bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["variant"])')
    theirs=$(curl -s "http://127.0.0.1:$peer_port/v1/assign?unit=user-$unit&experiment=bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["variant"])')
    [ "$ours" = "$theirs" ] || { echo "user-$unit: touchstone $ours, GrowthBook SDK $theirs" >&2; exit 1; }
done
echo "touchstone answer: $(curl -s "http://127.0.0.1:$port/v1/assign?unit=user-1&experiment=bench")" >&2
echo "peer answer: $(curl -s "http://127.0.0.1:$peer_port/v1/assign?unit=user-1&experiment=bench")" >&2

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
wrk_run() {  # name round
    local output="$work/wrk-$1-$2.txt" pid=${server_pids[$1]:-} before=0
    [ -n "$pid" ] && before=$(cpu_ticks "$pid")
    wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency -s "$work/assign.lua" "http://127.0.0.1:${ports[$1]}" > "$output"
    if [ -n "$pid" ]; then
        # µs of server CPU per request answered
        awk -v ticks=$(( $(cpu_ticks "$pid") - before )) -v hz="$(getconf CLK_TCK)" \
            '/requests in/ {printf "%.1f\n", ticks / hz * 1e6 / $1}' "$output" > "$work/cpu-$1-$2.txt"
    fi
    if grep -q "Non-2xx\|Socket errors" "$output"; then echo "errors in $output:" >&2; grep "Non-2xx\|Socket errors" "$output" >&2; fi
}
for round in $(seq 1 "$rounds"); do
    for name in $names peer; do wrk_run "$name" "$round"; done
done
kill "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true
pids=()

# ---- ingest: touchstone (fresh store per round) and the null sink, alternating ----
if [ -z "${ASSIGN_ONLY:-}" ]; then
cat > "$work/sink.py" <<'PY'
import socket, sys, threading
# Reads each POST in full and answers {"accepted": lines}: the load generator's ceiling.
def serve(conn):
    buffer = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = conn.recv(1 << 20)
                if not chunk: return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
            parts = [buffer]; have = len(buffer)
            while have < length:
                chunk = conn.recv(min(1 << 20, length - have))
                if not chunk: return
                parts.append(chunk); have += len(chunk)
            body = b"".join(parts)
            body, buffer = body[:length], body[length:]
            reply = b'{"accepted":%d}\n' % body.count(b"\n")
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(reply), reply))
listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0)); listener.listen(64)
print(f"listening on http://127.0.0.1:{listener.getsockname()[1]}", file=sys.stderr, flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
cat > "$work/ingest.py" <<'PY'
import json, multiprocessing as mp, os, socket, sys, time
# CLIENTS processes, one keep-alive connection each, send pre-built requests (headers + body)
# with sendall and read each answer before the next: only acknowledged rows count.
port, clients, batch, total, tag = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
variants = ("control", "red", "blue")
requests = []
for b in range(total // batch):
    body = "".join(f'{{"unit_id":"{tag}-{b}-{i}","experiment":"bench","variant":"{variants[i % 3]}","timestamp":{1772323200 + i}}}\n'
                   for i in range(batch)).encode()
    requests.append(b"POST /v1/exposures HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(body) + body)

def worker(k, start, results):
    conn = socket.create_connection(("127.0.0.1", port))
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""
    accepted = 0
    start.wait()
    cpu0 = time.process_time()
    for request in requests[k::clients]:
        conn.sendall(request)
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            if head_end >= 0:
                head = buffer[:head_end]
                length = next(int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
                if len(buffer) >= head_end + 4 + length: break
            chunk = conn.recv(65536)
            if not chunk: raise SystemExit("connection closed")
            buffer += chunk
        status = head.split(b" ")[1]
        reply, buffer = buffer[head_end + 4:head_end + 4 + length], buffer[head_end + 4 + length:]
        if status != b"200": raise SystemExit(f"HTTP {status.decode()}: {reply.decode()}")
        accepted += json.loads(reply)["accepted"]
    results.put((accepted, time.process_time() - cpu0))
    conn.close()

start, results = mp.Event(), mp.Queue()
workers = [mp.Process(target=worker, args=(k, start, results)) for k in range(clients)]
for w in workers: w.start()
time.sleep(0.5)  # let every worker connect
t0 = time.time()
start.set()
outcome = [results.get() for _ in workers]
elapsed = time.time() - t0
for w in workers: w.join()
rows = sum(a for a, _ in outcome)
cpu = sum(c for _, c in outcome)
assert rows == len(requests) * batch, (rows, len(requests) * batch)
print(f"{rows} {elapsed:.3f} {cpu:.3f} {len(requests)}")
PY
python3 "$work/sink.py" 2>"$work/sink.err" &
pids+=($!)
sink_port=$(wait_port "$work/sink.err")
for round in $(seq 1 "$rounds"); do
    store="$work/ingest-$round.db"
    "$bin" serve --config "$work/experiments.yaml" --store "$store" --port 0 2>"$work/serve-ingest.err" &
    server=$!
    ingest_port=$(wait_port "$work/serve-ingest.err")
    python3 "$work/ingest.py" "$ingest_port" "$clients" "$batch" "$total_rows" "r$round" > "$work/ingest-touchstone-$round.txt"
    curl -s "http://127.0.0.1:$ingest_port/" | sed -n 's/.* \([0-9]*\) batches in \([0-9]*\) commits.*/\1 batches in \2 commits/p' > "$work/commits-$round.txt"
    kill "$server"; wait "$server" 2>/dev/null || true
    stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM exposures').fetchone()[0])" "$store")
    [ "$stored" = "$total_rows" ] || { echo "round $round: $stored rows stored, $total_rows expected" >&2; exit 1; }
    rm -f "$store" "$store-wal" "$store-shm"
    python3 "$work/ingest.py" "$sink_port" "$clients" "$batch" "$total_rows" "s$round" > "$work/ingest-sink-$round.txt"
done
fi

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ms() {  # wrk latency (e.g. 812.00us, 1.23ms, 2.1s) → milliseconds
    awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000} printf "%.3f\n", v}'
}
wrk_median() {  # name field → median over rounds
    for f in "$work"/wrk-"$1"-*.txt; do
        case "$2" in
            rps) awk '/Requests\/sec/ {print $2}' "$f" ;;
            *) awk -v p="$2%" '$1==p {print $2}' "$f" | ms ;;
        esac
    done | median
}
echo "machine: $(nproc) cores, $(uname -r), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); configuration: $configuration"
echo "assignment (wrk -t$wrk_threads -c$connections -d${seconds}s, random unit ids, $rounds alternating rounds, medians):"
for name in $names peer; do
    case $name in
        touchstone) label="touchstone serve GET /v1/assign" ;;
        baseline)   label="baseline ($baseline)" ;;
        *)          label="GrowthBook Python SDK peer     " ;;
    esac
    cpu=""
    [ -f "$work/cpu-$name-1.txt" ] && cpu=", server CPU $(cat "$work"/cpu-"$name"-*.txt | median) µs/request"
    printf '  %s: %s requests/s, latency p50 %s ms, p90 %s ms, p99 %s ms%s  (rounds: %s)\n' "$label" \
        "$(wrk_median "$name" rps)" "$(wrk_median "$name" 50)" "$(wrk_median "$name" 90)" "$(wrk_median "$name" 99)" "$cpu" \
        "$(for f in "$work"/wrk-"$name"-*.txt; do awk '/Requests\/sec/ {printf "%d ", $2}' "$f"; done)"
done
echo "  ratio touchstone / peer (requests/s, medians): $(awk -v a="$(wrk_median touchstone rps)" -v b="$(wrk_median peer rps)" 'BEGIN {printf "%.1f", a / b}')"
[ -n "$baseline" ] && echo "  ratio touchstone / baseline (requests/s, medians): $(awk -v a="$(wrk_median touchstone rps)" -v b="$(wrk_median baseline rps)" 'BEGIN {printf "%.2f", a / b}')"
[ -n "${ASSIGN_ONLY:-}" ] && exit 0
echo "ingest ($clients client processes, POSTs of $batch JSON Lines rows, $total_rows rows per round, $rounds alternating rounds, medians):"
for name in touchstone sink; do
    rates=$(for f in "$work"/ingest-"$name"-*.txt; do awk '{printf "%.0f\n", $1 / $2}' "$f"; done)
    cpu=$(for f in "$work"/ingest-"$name"-*.txt; do awk '{printf "%.3f\n", $3 / $2}' "$f"; done | median)
    label=$([ "$name" = touchstone ] && echo "touchstone serve POST /v1/exposures (acknowledged after durable commits)" || echo "null sink (the load generator's ceiling)                              ")
    echo "  $label: $(echo "$rates" | median) rows/s (rounds: $(echo "$rates" | tr '\n' ' ')); generator CPU $cpu cores"
done
echo "  group commit: $(cat "$work"/commits-*.txt | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
