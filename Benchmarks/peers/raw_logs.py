#!/usr/bin/env python3
"""Side-by-side: analysing raw exposure + event logs with Touchstone, DuckDB and pandas.

For each size, generates a channel-combination experiment with `touchstone simulate experiment`,
runs the same analysis three ways in separate processes (wall time and peak RSS measured by
GNU time), checks that all three agree on per-arm counts, means and p-values, and prints a
table with ratios against Touchstone.

Metrics (window: [t0, t0 + 14 days) after each unit's first exposure, first exposure kept, units seen in
more than one variant excluded, events of never-exposed units ignored):
  purchase       conversion (any purchase in the window)
  purchase:sum   revenue (sum of purchase values in the window)
  session:count  sessions in the window

    pip install duckdb pandas scipy
    python3 Benchmarks/peers/raw_logs.py --units 1000000 10000000 [--workdir /tmp/ts-bench] [--by country]

With `--by country` every engine also splits the units by the exposure log's `country` column
(the value at the unit's first exposure) and the check runs per (country, variant).
With `--events-format jsonl` every engine reads the event log as JSON Lines (`events.jsonl`,
written once from the CSV by DuckDB's JSON writer): DuckDB with `read_json`, pandas with
`read_json(lines=True)`.
With `--events-format quoted` both logs are read as real exports write them: every field quoted
and timestamps in ISO 8601 (`"u42","2026-03-01T12:34:56Z",…`; `exposures-quoted.csv` and
`events-quoted.csv`, written once from the plain CSVs by DuckDB with `FORCE_QUOTE *`, the other
fields' bytes unchanged): DuckDB reads the timestamps as `TIMESTAMPTZ`, pandas parses them with
`to_datetime(format="ISO8601")`. Several formats may be given (`--events-format csv quoted`):
they are measured in the same run, alternating.
`--repeats N` runs every (format, engine) N times, alternating, and reports the median wall time
(and the median peak memory), as the noisy shared machine needs.

Run from the repository root after `swift build -c release --product touchstone` (or point
TOUCHSTONE_BINARY at another build).
"""
import argparse
import json
import math
import os
import tempfile
import subprocess
import sys
import time

WINDOW = 14 * 86400
EXPERIMENT = "onboarding_channels"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
# TOUCHSTONE_BINARY measures another build (say, main's, for a before/after).
BINARY = os.environ.get("TOUCHSTONE_BINARY") or os.path.join(ROOT, ".build", "release", "touchstone")


# ----------------------------------------------------------------------------- peers
def events_path(directory, events_format):
    name = {"jsonl": "events.jsonl", "quoted": "events-quoted.csv"}.get(events_format, "events.csv")
    return os.path.join(directory, name)


def exposures_path(directory, events_format):
    return os.path.join(directory, "exposures-quoted.csv" if events_format == "quoted" else "exposures.csv")


def write_quoted(directory):
    """Every field quoted (FORCE_QUOTE *) and epoch seconds as ISO 8601 UTC, other bytes as they are."""
    import duckdb
    for name, columns in [("exposures", ["unit_id", "experiment", "variant", "timestamp", "country"]),
                          ("events", ["unit_id", "timestamp", "event", "value"])]:
        types = ", ".join(f"'{c}': '{'BIGINT' if c == 'timestamp' else 'VARCHAR'}'" for c in columns)
        select = ", ".join(
            "strftime(to_timestamp(\"timestamp\") AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS \"timestamp\""
            if c == "timestamp" else c for c in columns)
        duckdb.sql(f"""COPY (SELECT {select} FROM read_csv('{os.path.join(directory, name + ".csv")}', header = true,
            columns = {{{types}}})) TO '{os.path.join(directory, name + "-quoted.csv")}' (HEADER, FORCE_QUOTE *)""")


def duckdb_stats(directory, by, events_format):
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads TO {os.cpu_count()}")
    exposures = exposures_path(directory, events_format)
    events = events_path(directory, events_format)
    reader = "read_json" if events_format == "jsonl" else "read_csv"
    options = "format = 'newline_delimited'" if events_format == "jsonl" else "header = true"
    # ISO 8601 text is read as TIMESTAMPTZ and compared as epoch seconds, like the epoch logs.
    iso = events_format == "quoted"
    time_type = "TIMESTAMPTZ" if iso else "BIGINT"
    ts = 'epoch("timestamp")::BIGINT' if iso else '"timestamp"'
    rows = con.execute(f"""
        WITH e AS (
            SELECT unit_id, variant, {ts} AS ts, {by or "''"} AS segment
            FROM read_csv('{exposures}', header = true,
                 columns = {{'unit_id': 'VARCHAR', 'experiment': 'VARCHAR', 'variant': 'VARCHAR', 'timestamp': '{time_type}',
                             'country': 'VARCHAR'}})
            WHERE experiment = '{EXPERIMENT}'),
        u AS (SELECT unit_id, arg_min(variant, ts) AS variant, min(ts) AS t0, count(DISTINCT variant) AS nv,
                     arg_min(segment, ts) AS segment
              FROM e GROUP BY unit_id),
        ok AS (SELECT unit_id, variant, t0, segment FROM u WHERE nv = 1),
        ev AS (SELECT unit_id, {ts} AS ts, event, value
               FROM {reader}('{events}', {options},
                    columns = {{'unit_id': 'VARCHAR', 'timestamp': '{time_type}', 'event': 'VARCHAR', 'value': 'DOUBLE'}})),
        m AS (SELECT ok.unit_id,
                max(CASE WHEN ev.event = 'purchase' AND ev.ts - ok.t0 >= 0 AND ev.ts - ok.t0 < {WINDOW} THEN 1 ELSE 0 END) AS purchase,
                sum(CASE WHEN ev.event = 'purchase' AND ev.ts - ok.t0 >= 0 AND ev.ts - ok.t0 < {WINDOW} THEN ev.value ELSE 0 END) AS revenue,
                sum(CASE WHEN ev.event = 'session' AND ev.ts - ok.t0 >= 0 AND ev.ts - ok.t0 < {WINDOW} THEN 1 ELSE 0 END) AS sessions
              FROM ok JOIN ev USING (unit_id) GROUP BY ok.unit_id)
        SELECT ok.segment, ok.variant, count(*) AS n,
               avg(coalesce(m.purchase, 0)::DOUBLE), var_samp(coalesce(m.purchase, 0)::DOUBLE),
               avg(coalesce(m.revenue, 0)::DOUBLE), var_samp(coalesce(m.revenue, 0)::DOUBLE),
               avg(coalesce(m.sessions, 0)::DOUBLE), var_samp(coalesce(m.sessions, 0)::DOUBLE)
        FROM ok LEFT JOIN m USING (unit_id) GROUP BY ok.segment, ok.variant ORDER BY ok.segment, ok.variant
    """).fetchall()
    out = {}
    for r in rows:
        out.setdefault(r[0], {})[r[1]] = {
            "n": r[2], "purchase": (r[3], r[4]), "purchase:sum": (r[5], r[6]), "session:count": (r[7], r[8])}
    return out


def pandas_stats(directory, by, events_format):
    import pandas as pd
    iso = events_format == "quoted"

    def seconds(frame):
        # ISO 8601 text to epoch seconds (the quoted logs' timestamps are whole seconds).
        if iso:
            frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="ISO8601", utc=True).astype("int64") // 10**9
        return frame

    time_type = "string" if iso else "int64"
    e = seconds(pd.read_csv(exposures_path(directory, events_format),
                            dtype={"unit_id": "string", "experiment": "string", "variant": "string", "timestamp": time_type,
                                   "country": "string"}))
    e = e[e["experiment"] == EXPERIMENT]
    nv = e.groupby("unit_id")["variant"].nunique()
    first = e.sort_values("timestamp", kind="stable").groupby("unit_id").first()
    first = first[nv.reindex(first.index) == 1]
    units = first[["variant", "timestamp"]].rename(columns={"timestamp": "t0"})
    units["segment"] = first[by] if by else ""
    types = {"unit_id": "string", "timestamp": time_type, "event": "string", "value": "float64"}
    if events_format == "jsonl":
        # keep_default_dates=False: pandas would otherwise turn a column named "timestamp" into dates.
        ev = pd.read_json(events_path(directory, events_format), lines=True, dtype=types,
                          convert_dates=False, keep_default_dates=False)
    else:
        ev = seconds(pd.read_csv(events_path(directory, events_format), dtype=types))
    ev = ev.join(units["t0"], on="unit_id", how="inner")
    d = ev["timestamp"] - ev["t0"]
    ev = ev[(d >= 0) & (d < WINDOW)]
    p = ev[ev["event"] == "purchase"].groupby("unit_id")["value"].agg(["size", "sum"])
    s = ev[ev["event"] == "session"].groupby("unit_id").size()
    units["purchase"] = (p["size"].reindex(units.index).fillna(0) > 0).astype("float64")
    units["purchase:sum"] = p["sum"].reindex(units.index).fillna(0.0)
    units["session:count"] = s.reindex(units.index).fillna(0).astype("float64")
    out = {}
    for (segment, variant), g in units.groupby(["segment", "variant"]):
        entry = out.setdefault(segment, {})[variant] = {"n": int(len(g))}
        for metric in ["purchase", "purchase:sum", "session:count"]:
            entry[metric] = (float(g[metric].mean()), float(g[metric].var(ddof=1)))
    return out


def touchstone_stats(directory, by, events_format):
    result = subprocess.run(
        [BINARY, "analyze", "--exposures", exposures_path(directory, events_format),
         "--events", events_path(directory, events_format), "--experiment", EXPERIMENT, "--control", "control",
         "--metric", "purchase", "--metric", "purchase:sum", "--metric", "session:count",
         "--correction", "none", "--format", "json", "--quiet"] + (["--by", by] if by else []),
        check=True, capture_output=True, text=True)
    doc = json.loads(result.stdout)
    if by:
        return {s["segment"]: arm_stats(s["metrics"]) for s in doc["segments"]["results"]}
    return {"": arm_stats(doc["metrics"])}


def arm_stats(metrics):
    out = {}
    for metric in metrics:
        for arm in metric["arms"]:
            entry = out.setdefault(arm["variant"], {"n": arm["units"]})
            n = arm["units"]
            sd = arm["stdDev"]
            # Proportions report the population SD √(p(1−p)); convert to the sample variance.
            var = sd * sd * n / (n - 1) if metric["kind"] == "proportion" else sd * sd
            entry[metric["name"]] = (arm["mean"], var)
        for c in metric["comparisons"]:
            out[c["variant"]].setdefault("pValues", {})[metric["name"]] = c["pValue"]
    return out


# ----------------------------------------------------------------------------- comparison
def p_values(stats):
    """Two-sided p-values from per-arm moments, computed the way the contract defines them."""
    from scipy import stats as st
    control = stats["control"]
    out = {}
    for variant, s in stats.items():
        if variant == "control":
            continue
        out[variant] = {}
        for metric in ["purchase", "purchase:sum", "session:count"]:
            (mc, vc), (mt, vt), nc, nt = control[metric], s[metric], control["n"], s["n"]
            if metric == "purchase":
                pooled = (mc * nc + mt * nt) / (nc + nt)
                z = (mt - mc) / math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt))
                out[variant][metric] = 2 * st.norm.sf(abs(z))
            else:
                out[variant][metric] = st.ttest_ind_from_stats(mt, math.sqrt(vt), nt, mc, math.sqrt(vc), nc,
                                                               equal_var=False).pvalue
    return out


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-300)


def check_agreement(name, ours, theirs):
    problems = []
    if sorted(ours) != sorted(theirs):
        return [f"{name}: segments differ {sorted(ours)} vs {sorted(theirs)}"]
    for segment in ours:
        problems += check_segment(f"{name} [{segment}]" if segment else name, ours[segment], theirs[segment])
    return problems


def check_segment(name, ours, theirs):
    problems = []
    if sorted(ours) != sorted(theirs):
        problems.append(f"{name}: arms differ {sorted(ours)} vs {sorted(theirs)}")
    ours_p, theirs_p = p_values(ours), p_values(theirs)
    for variant in ours:
        if ours[variant]["n"] != theirs.get(variant, {}).get("n"):
            problems.append(f"{name}: {variant} units {ours[variant]['n']} vs {theirs.get(variant, {}).get('n')}")
        for metric in ["purchase", "purchase:sum", "session:count"]:
            for k, label in [(0, "mean"), (1, "variance")]:
                a, b = ours[variant][metric][k], theirs[variant][metric][k]
                if not close(a, b):
                    problems.append(f"{name}: {variant} {metric} {label} {a!r} vs {b!r}")
        if variant != "control":
            for metric in ["purchase", "purchase:sum", "session:count"]:
                reported = ours[variant]["pValues"][metric]
                for source, p in [("recomputed", ours_p[variant][metric]), (name, theirs_p[variant][metric])]:
                    if not close(reported, p):
                        problems.append(f"p-value {variant} {metric}: touchstone {reported!r} vs {source} {p!r}")
    return problems


# ----------------------------------------------------------------------------- driver
def measured(mode, directory, by, events_format):
    """Runs one engine in a fresh process under GNU time; returns (seconds, peak MB, stats)."""
    out_file = os.path.join(directory, f"{mode}.json")
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, __file__, "--run", mode, directory, out_file, by or "",
                           events_format],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr}")
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    with open(out_file) as f:
        return elapsed, peak_kb / 1024, json.load(f)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "touchstone-peers"))
    parser.add_argument("--skip-pandas-above", type=int, default=100_000_000)
    parser.add_argument("--by", choices=["country"], help="also split by the exposure log's country column")
    parser.add_argument("--events-format", choices=["csv", "jsonl", "quoted"], nargs="+", default=["csv"])
    parser.add_argument("--engines", choices=["touchstone", "duckdb", "pandas"], nargs="+",
                        default=["touchstone", "duckdb", "pandas"])
    parser.add_argument("--repeats", type=int, default=1, help="alternating runs per (format, engine); medians reported")
    parser.add_argument("--run", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        mode, directory, out_file, by, events_format = args.run
        engine = {"touchstone": touchstone_stats, "duckdb": duckdb_stats, "pandas": pandas_stats}[mode]
        stats = engine(directory, by or None, events_format)
        with open(out_file, "w") as f:
            json.dump(stats, f)
        return

    import duckdb
    import pandas
    formats = args.events_format
    print(f"machine: {os.cpu_count()} cores; duckdb {duckdb.__version__}, pandas {pandas.__version__}"
          + (f"; split by {args.by}" if args.by else "") + f"; logs as {', '.join(formats)}"
          + f"; median of {args.repeats} alternating run(s)")
    rows = []
    for units in args.units:
        directory = os.path.join(args.workdir, f"u{units}")
        os.makedirs(directory, exist_ok=True)
        exposures = os.path.join(directory, "exposures.csv")
        fresh = (os.path.exists(os.path.join(directory, "truth.json")) and os.path.exists(exposures)
                 and "country" in open(exposures).readline())
        if not fresh:
            subprocess.run([BINARY, "simulate", "experiment", "--units", str(units), "--seed", "1", "--out", directory],
                           check=True)
        events = events_path(directory, "jsonl")
        if "jsonl" in formats and (not fresh or not os.path.exists(events)):
            # One JSON object per line; an empty value becomes null, which every engine reads as missing.
            duckdb.sql(f"""COPY (SELECT * FROM read_csv('{os.path.join(directory, "events.csv")}', header = true,
                columns = {{'unit_id': 'VARCHAR', 'timestamp': 'BIGINT', 'event': 'VARCHAR', 'value': 'DOUBLE'}}))
                TO '{events}' (FORMAT JSON)""")
        if "quoted" in formats and (not fresh or not os.path.exists(events_path(directory, "quoted"))):
            write_quoted(directory)
        engines = [m for m in args.engines if not (m == "pandas" and units > args.skip_pandas_above)]
        runs = {}
        for _ in range(args.repeats):
            for events_format in formats:
                for mode in engines:
                    runs.setdefault((events_format, mode), []).append(measured(mode, directory, args.by, events_format))
        for events_format in formats:
            size = sum(os.path.getsize(p) for p in [exposures_path(directory, events_format),
                                                    events_path(directory, events_format)])
            problems = []
            results = {mode: runs[(events_format, mode)] for mode in engines}
            for mode in results:
                if mode != "touchstone" and "touchstone" in results:
                    problems += check_agreement(mode, results["touchstone"][-1][2], results[mode][-1][2])
            timed = {mode: (median([r[0] for r in rs]), median([r[1] for r in rs])) for mode, rs in results.items()}
            base = timed.get("touchstone", next(iter(timed.values())))[0]
            for mode, (seconds, peak) in timed.items():
                rows.append((units, events_format, size / 1e6, mode, seconds, seconds / base, size / 1e6 / seconds, peak,
                             [r[0] for r in results[mode]]))
            print(f"{units:,} units, {events_format} ({size / 1e6:,.0f} MB of logs): "
                  + ("all engines agree (counts exact, means/variances/p-values to 1e-9)" if not problems
                     else "DISAGREEMENT:\n  " + "\n  ".join(problems[:20])))
    print()
    print("| units | logs | log MB | engine | wall s (median) | × Touchstone | MB/s | peak MB | runs s |")
    print("|---:|---|---:|---|---:|---:|---:|---:|---|")
    for units, events_format, size, mode, seconds, ratio, rate, peak, each in rows:
        print(f"| {units:,} | {events_format} | {size:,.0f} | {mode} | {seconds:.2f} | {ratio:.2f} | {rate:,.0f} | {peak:,.0f} | "
              + " ".join(f"{t:.2f}" for t in each) + " |")


if __name__ == "__main__":
    main()
