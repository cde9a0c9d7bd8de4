#!/usr/bin/env bash
# Crash safety of `touchstone serve` under load: concurrent clients post exposure batches while
# the server is killed with SIGKILL at a random moment; after each kill the store must pass
# SQLite's integrity check and hold every exposure the server acknowledged; the server is then
# restarted, the unacknowledged batches are sent again, and the store must equal (every table,
# row for row) the store of one clean ingest of all batches.
#   Scripts/serve_crash_safety.sh [TRIALS=50] [CLIENTS=8] [BATCHES_PER_CLIENT=30] [ROWS_PER_BATCH=400]
# Uses the release build (CONFIGURATION=debug for the debug binary; TOUCHSTONE_BIN=path skips the
# build and runs that binary). Exit 0 when every trial passed. Not part of `swift test` (a few
# minutes).
set -euo pipefail
trials=${1:-50}
clients=${2:-8}
batches=${3:-30}
rows=${4:-400}
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-release}
cd "$root"
if [ -n "${TOUCHSTONE_BIN:-}" ]; then
    bin=$TOUCHSTONE_BIN
else
    swift build -c "$configuration" --product touchstone >&2
    bin="$(swift build -c "$configuration" --show-bin-path)/touchstone"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/touchstone-serve-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/experiments.yaml" <<'YAML'
experiments:
  - key: checkout
    variants: [control, treatment]
  - key: banner
    hash: growthbook-v1
    variants: [control, red, blue]
YAML

python3 - "$bin" "$work" "$trials" "$clients" "$batches" "$rows" <<'PY'
import http.client, json, os, random, signal, sqlite3, subprocess, sys, threading, time, zlib

binary, work, trials, clients, batches_per_client, rows = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
config = os.path.join(work, "experiments.yaml")
rng = random.Random(7)
variants = {"checkout": ["control", "treatment"], "banner": ["control", "red", "blue"]}
# Overlapping units, repeat exposures and a few units in two variants, spread over batches of
# all clients, so the merge order differs from trial to trial.
batches = []
for b in range(clients * batches_per_client):
    lines = []
    for _ in range(rows):
        experiment = rng.choice(["checkout", "banner"])
        unit = f"u{rng.randrange(clients * batches_per_client * rows // 3)}"
        variant = variants[experiment][zlib.crc32(f"{experiment}/{unit}".encode()) % len(variants[experiment])]
        if rng.random() < 0.01:
            variant = rng.choice(variants[experiment])
        ts = 1_772_323_200 + rng.randrange(86_400 * 14)
        lines.append({"unit_id": unit, "experiment": experiment, "variant": variant, "timestamp": ts})
    batches.append(lines)
bodies = ["\n".join(json.dumps(r) for r in batch) + "\n" for batch in batches]
total_rows = sum(len(b) for b in batches)

def start(store):
    err = open(os.path.join(work, "server.err"), "w")
    proc = subprocess.Popen([binary, "serve", "--config", config, "--store", store, "--port", "0"],
                            stdout=subprocess.DEVNULL, stderr=err)
    for _ in range(600):
        with open(os.path.join(work, "server.err")) as f:
            text = f.read()
        if "listening on" in text:
            return proc, int(text.split("listening on http://127.0.0.1:")[1].split()[0])
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {text}")
        time.sleep(0.05)
    raise SystemExit("server did not start")

def post(port, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/v1/exposures", body=body.encode(), headers={"Content-Type": "application/x-ndjson"})
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status} {text!r}")
        return json.loads(text)["accepted"]
    finally:
        conn.close()

def send_all(port, indices, acked, stop_on_error=True):
    """Posts batches `indices` from `clients` threads; records the acknowledged ones."""
    lock = threading.Lock()
    queues = [indices[i::clients] for i in range(clients)]
    def worker(queue):
        for index in queue:
            try:
                accepted = post(port, bodies[index])
            except (OSError, http.client.HTTPException):
                if stop_on_error:
                    return
                raise
            assert accepted == len(batches[index]), (accepted, len(batches[index]))
            with lock:
                acked.add(index)
    threads = [threading.Thread(target=worker, args=(q,)) for q in queues]
    for t in threads: t.start()
    for t in threads: t.join()

def dump(store):
    db = sqlite3.connect(store)
    out = []
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        rows_ = sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
        out.append((name, rows_))
    db.close()
    return out

def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)

# The clean ingest: every batch once, no crash.
clean_store = os.path.join(work, "clean.db")
proc, port = start(clean_store)
t0 = time.time()
acked = set()
send_all(port, list(range(len(batches))), acked, stop_on_error=False)
clean_seconds = time.time() - t0
stop(proc)
clean = dump(clean_store)
print(f"clean ingest: {len(batches)} batches, {total_rows} rows from {clients} clients in {clean_seconds:.2f}s "
      f"({total_rows / clean_seconds:.0f} rows/s); store: {[(n, len(r)) for n, r in clean]}", file=sys.stderr)

failures = 0
acked_total = 0
started = time.time()
for trial in range(1, trials + 1):
    store = os.path.join(work, "trial.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(store + suffix): os.remove(store + suffix)
    proc, port = start(store)
    acked = set()
    sender = threading.Thread(target=send_all, args=(port, list(range(len(batches))), acked))
    sender.start()
    kill_after = rng.uniform(0.05, max(0.06, clean_seconds * 0.9))
    time.sleep(kill_after)
    proc.kill()
    proc.wait()
    sender.join()
    acked_total += len(acked)
    db = sqlite3.connect(store)
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    stored = {(e, u): (f, l) for e, u, f, l in db.execute("SELECT experiment, unit_id, first_at, last_at FROM exposures")}
    db.close()
    missing = 0
    for index in acked:
        for r in batches[index]:
            span = stored.get((r["experiment"], r["unit_id"]))
            ts = r["timestamp"] * 1_000_000
            if span is None or not (span[0] <= ts <= span[1]):
                missing += 1
    # Restart and re-send what was not acknowledged.
    proc, port = start(store)
    resend = [i for i in range(len(batches)) if i not in acked]
    send_all(port, resend, set(), stop_on_error=False)
    stop(proc)
    equal = dump(store) == clean
    ok = integrity == "ok" and missing == 0 and equal
    failures += 0 if ok else 1
    print(f"trial {trial}: SIGKILL after {kill_after:.2f}s, {len(acked)}/{len(batches)} batches acknowledged before it, integrity {integrity}, "
          f"acknowledged rows missing {missing}, re-sent {len(resend)}, equal to clean ingest: {equal}"
          + ("" if ok else "  FAILED"), file=sys.stderr)
print(f"{trials - failures}/{trials} trials passed; {acked_total} acknowledged batches checked in all "
      f"({time.time() - started:.0f}s)", file=sys.stderr)
sys.exit(1 if failures else 0)
PY
