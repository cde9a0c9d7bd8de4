#!/usr/bin/env python3
"""Push-down benchmark: `analyze --postgres` on just-loaded tables against the in-process
pipeline and DuckDB on the same data.

For each size: generates the experiment (`touchstone simulate experiment --units N`), loads the two
CSV logs into PostgreSQL with COPY (timed and reported on its own), makes TIMESTAMPTZ copies of
both tables (timed on their own too), and never runs ANALYZE: every table is created with
autovacuum off, so the planner sees tables with no statistics and no indexes, as right after a
warehouse load. Then it runs, alternating, `--repeats` times each:

  postgres      touchstone analyze --postgres … on the epoch-second tables
  postgres-tz   the same on the TIMESTAMPTZ tables (kind detected from the catalogue)
  touchstone    touchstone analyze --exposures exposures.csv --events events.csv (in process)
  duckdb        DuckDB's query of Benchmarks/peers/raw_logs.py on the CSVs

With --baseline-binary PATH (another build, say main's, copied before a change) two more engines,
postgres-base and postgres-tz-base, run that binary's push-down on the same tables in the same
rotation, so a before/after comes from one session under the same load.

checks that every engine agrees with the in-process analysis (per-arm units exactly; means,
variances and p-values to 1e-9), and prints median wall times, ratios against the in-process
run and the load average. Metrics as raw_logs.py: purchase, purchase:sum, session:count over
[t0, t0 + 14 days).

    TOUCHSTONE_PG_DIR=/tmp/bench-pg TOUCHSTONE_PG_PORT=55460 bash Scripts/postgres-test-cluster.sh start
    python3 Benchmarks/peers/pushdown_bench.py --postgres postgres://postgres@127.0.0.1:55460/postgres \\
        --units 1000000 [10000000] [--repeats 3] [--workdir /tmp/ts-pushdown]

Needs `psql` (for COPY), `duckdb` and `scipy` (pip), and a release build
(`swift build -c release --product touchstone`, or TOUCHSTONE_BINARY=path).
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import raw_logs  # noqa: E402  (the DuckDB query, the agreement check, the in-process runner)

EXPERIMENT = raw_logs.EXPERIMENT
METRICS = ["--metric", "purchase", "--metric", "purchase:sum", "--metric", "session:count"]


def psql(url, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True)


def load(url, directory, tag):
    """COPY both logs into fresh tables (no ANALYZE, autovacuum off); returns timings in seconds."""
    x, e = f"bench_exposures_{tag}", f"bench_events_{tag}"
    psql(url, f"DROP TABLE IF EXISTS {x}, {e}, {x}_tz, {e}_tz")
    psql(url, f"""CREATE TABLE {x} (unit_id TEXT, experiment TEXT, variant TEXT, "timestamp" BIGINT, country TEXT)
                  WITH (autovacuum_enabled = false)""")
    psql(url, f"""CREATE TABLE {e} (unit_id TEXT, "timestamp" BIGINT, event TEXT, value DOUBLE PRECISION)
                  WITH (autovacuum_enabled = false)""")
    start = time.perf_counter()
    psql(url, f"\\copy {x} FROM '{os.path.join(directory, 'exposures.csv')}' WITH (FORMAT csv, HEADER true)")
    psql(url, f"\\copy {e} FROM '{os.path.join(directory, 'events.csv')}' WITH (FORMAT csv, HEADER true)")
    copy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    psql(url, f"""CREATE TABLE {x}_tz WITH (autovacuum_enabled = false) AS
                  SELECT unit_id, experiment, variant, to_timestamp("timestamp") AS "timestamp", country FROM {x}""")
    psql(url, f"""CREATE TABLE {e}_tz WITH (autovacuum_enabled = false) AS
                  SELECT unit_id, to_timestamp("timestamp") AS "timestamp", event, value FROM {e}""")
    tz_seconds = time.perf_counter() - start
    return (x, e), copy_seconds, tz_seconds


def postgres_stats(url, exposures, events, binary=None):
    result = subprocess.run(
        [binary or raw_logs.BINARY, "analyze", "--postgres", url, "--exposures-table", exposures, "--events-table", events,
         "--experiment", EXPERIMENT, "--control", "control"] + METRICS + ["--correction", "none", "--format", "json", "--quiet"],
        check=True, capture_output=True, text=True)
    return {"": raw_logs.arm_stats(json.loads(result.stdout)["metrics"])}


def run_one(mode, directory, url, tables):
    """One engine in this process; returns its per-arm statistics."""
    if mode == "postgres":
        return postgres_stats(url, *tables)
    if mode == "postgres-tz":
        return postgres_stats(url, tables[0] + "_tz", tables[1] + "_tz")
    if mode == "postgres-base":
        return postgres_stats(url, *tables, binary=os.environ["PUSHDOWN_BASELINE_BINARY"])
    if mode == "postgres-tz-base":
        return postgres_stats(url, tables[0] + "_tz", tables[1] + "_tz", binary=os.environ["PUSHDOWN_BASELINE_BINARY"])
    if mode == "touchstone":
        return raw_logs.touchstone_stats(directory, None, "csv")
    if mode == "duckdb":
        return raw_logs.duckdb_stats(directory, None, "csv")
    raise SystemExit(f"unknown engine {mode}")


def measured(mode, directory, url, tables):
    """Runs one engine in a fresh process under GNU time; returns (wall seconds, peak MB of the client, stats)."""
    out_file = os.path.join(directory, f"pushdown-{mode}.json")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, __file__, "--run", mode, directory, out_file,
                           url, tables[0], tables[1]], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr}")
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    with open(out_file) as f:
        return elapsed, peak_kb / 1024, json.load(f)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--run":
        mode, directory, out_file, url, x, e = sys.argv[2:8]
        with open(out_file, "w") as f:
            json.dump(run_one(mode, directory, url, (x, e)), f)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="postgres://USER@HOST:PORT/DB of a throw-away server")
    parser.add_argument("--units", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", default="/tmp/ts-pushdown")
    parser.add_argument("--engines", nargs="+", default=["postgres", "postgres-tz", "touchstone", "duckdb"])
    parser.add_argument("--baseline-binary", help="another build's touchstone: adds postgres-base and postgres-tz-base")
    args = parser.parse_args()
    if args.baseline_binary:
        # The child processes read it from the environment (they are started with --run).
        os.environ["PUSHDOWN_BASELINE_BINARY"] = os.path.abspath(args.baseline_binary)
        args.engines += [e for e in ["postgres-base", "postgres-tz-base"] if e not in args.engines]
    import duckdb
    version = subprocess.run(["psql", "-X", "-At", args.postgres, "-c", "SHOW server_version"],
                             check=True, capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores; PostgreSQL {version}; duckdb {duckdb.__version__}; binary {raw_logs.BINARY}")
    failed = False
    for units in args.units:
        directory = os.path.join(args.workdir, f"u{units}")
        os.makedirs(directory, exist_ok=True)
        if not os.path.exists(os.path.join(directory, "truth.json")):
            start = time.perf_counter()
            subprocess.run([raw_logs.BINARY, "simulate", "experiment", "--units", str(units), "--seed", "1",
                            "--out", directory], check=True)
            print(f"{units:,} units: simulated in {time.perf_counter() - start:.1f} s")
        size = sum(os.path.getsize(os.path.join(directory, f)) for f in ["exposures.csv", "events.csv"])
        tables, copy_seconds, tz_seconds = load(args.postgres, directory, f"u{units}")
        counts = subprocess.run(["psql", "-X", "-At", args.postgres, "-c",
                                 f"SELECT (SELECT count(*) FROM {tables[0]}) || ' exposures, ' || (SELECT count(*) FROM {tables[1]}) || ' events'"],
                                check=True, capture_output=True, text=True).stdout.strip()
        print(f"{units:,} units ({size / 1e6:.0f} MB of CSV, {counts}): COPY {copy_seconds:.1f} s, "
              f"TIMESTAMPTZ copies (CREATE TABLE AS) {tz_seconds:.1f} s; no ANALYZE, autovacuum off")
        runs = {}
        loads = []
        for _ in range(args.repeats):
            for mode in args.engines:
                loads.append(os.getloadavg()[0])
                runs.setdefault(mode, []).append(measured(mode, directory, args.postgres, tables))
        problems = []
        if "touchstone" in runs:
            reference = runs["touchstone"][-1][2]
            for mode, results in runs.items():
                if mode != "touchstone":
                    for r in results:
                        problems += raw_logs.check_agreement(mode, reference, r[2])
        timed = {mode: (raw_logs.median([r[0] for r in rs]), raw_logs.median([r[1] for r in rs]), [r[0] for r in rs])
                 for mode, rs in runs.items()}
        base = timed.get("touchstone", next(iter(timed.values())))[0]
        print(f"\n{units:,} units, median of {args.repeats} alternating runs (load average 1 min: "
              f"{min(loads):.1f}-{max(loads):.1f}, median {raw_logs.median(loads):.1f})")
        print(f"{'engine':<12} {'median s':>9} {'runs s':>24} {'x in-process':>13} {'client peak MB':>15}")
        for mode, (seconds, peak, all_runs) in timed.items():
            print(f"{mode:<12} {seconds:>9.2f} {', '.join(f'{s:.2f}' for s in all_runs):>24} {seconds / base:>13.2f} {peak:>15.0f}")
        if problems:
            failed = True
            print("DISAGREEMENT:\n  " + "\n  ".join(problems[:20]))
        else:
            print("all engines agree with the in-process analysis (units exact; means, variances, p-values to 1e-9)")
        if "postgres" in timed and "touchstone" in timed:
            ratio = timed["postgres"][0] / base
            print(f"acceptance (push-down on just-loaded tables within 3x in-process): {ratio:.2f}x -> "
                  + ("met" if ratio <= 3 else "NOT met"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
