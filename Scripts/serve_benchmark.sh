#!/usr/bin/env bash
# Benchmarks of `touchstone serve` on loopback, server and load generator sharing the machine:
#  1. assignment: wrk (Debian `wrk`) on GET /v1/assign with random unit ids — requests/s and
#     latency percentiles (p50/p90/p99);
#  2. the peer in the same run: GrowthBook's Python SDK (PyPI `growthbook`) evaluating the same
#     experiment, from the payload of `touchstone export --growthbook`, behind a minimal Python
#     HTTP server (ThreadingHTTPServer), measured by the same wrk command;
#  3. ingest: CLIENTS concurrent Python clients POST distinct JSON Lines batches of BATCH rows
#     to /v1/exposures; rows/s counts only acknowledged (durably committed) rows.
#   Scripts/serve_benchmark.sh [SECONDS=10] [CONNECTIONS=32] [CLIENTS=8] [BATCH=5000] [ROWS=1000000]
# CONFIGURATION=release (default) or debug. Prints a summary on standard output.
set -euo pipefail
seconds=${1:-10}
connections=${2:-32}
clients=${3:-8}
batch=${4:-5000}
total_rows=${5:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-release}
cd "$root"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
python3 -c "import growthbook" 2>/dev/null || { echo "growthbook missing: pip install growthbook" >&2; exit 1; }
swift build -c "$configuration" --product touchstone >&2
bin="$(swift build -c "$configuration" --show-bin-path)/touchstone"
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

"$bin" serve --config "$work/experiments.yaml" --store "$work/store.db" --port 0 2>"$work/serve.err" &
pids+=($!)
port=$(wait_port "$work/serve.err")
curl -s "http://127.0.0.1:$port/v1/assign?unit=user-1&experiment=bench" > "$work/check.json"
echo "touchstone answer: $(cat "$work/check.json")" >&2
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/assign.lua" "http://127.0.0.1:$port" > "$work/wrk-touchstone.txt"

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
echo "peer answer: $(curl -s "http://127.0.0.1:$peer_port/v1/assign?unit=user-1&experiment=bench")" >&2
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/assign.lua" "http://127.0.0.1:$peer_port" > "$work/wrk-peer.txt"
kill "${pids[1]}" 2>/dev/null || true

python3 - "$port" "$clients" "$batch" "$total_rows" > "$work/ingest.txt" <<'PY'
import http.client, json, sys, threading, time
port, clients, batch, total = map(int, sys.argv[1:])
batches = []
for b in range(total // batch):
    lines = [f'{{"unit_id":"bench-{b}-{i}","experiment":"bench","variant":"{("control","red","blue")[i % 3]}","timestamp":{1772323200 + i}}}'
             for i in range(batch)]
    batches.append(("\n".join(lines) + "\n").encode())
accepted = [0] * clients
def worker(k):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for body in batches[k::clients]:
        conn.request("POST", "/v1/exposures", body=body, headers={"Content-Type": "application/x-ndjson"})
        response = conn.getresponse()
        reply = response.read()
        assert response.status == 200, reply
        accepted[k] += json.loads(reply)["accepted"]
    conn.close()
t0 = time.time()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.time() - t0
print(f"ingest: {sum(accepted)} rows acknowledged in {len(batches)} POSTs of {batch} rows from {clients} clients "
      f"in {elapsed:.2f} s = {sum(accepted) / elapsed:,.0f} rows/s (durable commits, synchronous=FULL)")
PY
stats=$(curl -s "http://127.0.0.1:$port/" | sed -n 's/.* \([0-9]*\) batches in \([0-9]*\) commits.*/\1 batches in \2 commits/p')

summary() {  # name file
    local rps p50 p90 p99
    rps=$(awk '/Requests\/sec/ {print $2}' "$2")
    p50=$(awk '$1=="50%" {print $2}' "$2"); p90=$(awk '$1=="90%" {print $2}' "$2"); p99=$(awk '$1=="99%" {print $2}' "$2")
    echo "$1: $rps requests/s, latency p50 $p50, p90 $p90, p99 $p99 (wrk -t2 -c$connections -d${seconds}s)"
}
echo "machine: $(nproc) cores, $(uname -r); configuration: $configuration"
summary "touchstone serve   GET /v1/assign" "$work/wrk-touchstone.txt"
summary "GrowthBook Python SDK peer      " "$work/wrk-peer.txt"
grep -h "Non-2xx\|Socket errors" "$work/wrk-touchstone.txt" "$work/wrk-peer.txt" || true
cat "$work/ingest.txt"
echo "group commit: $stats"
