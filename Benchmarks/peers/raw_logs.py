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

Run from the repository root after `swift build -c release --product touchstone`.
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
BINARY = os.path.join(ROOT, ".build", "release", "touchstone")


# ----------------------------------------------------------------------------- peers
def events_path(directory, events_format):
    return os.path.join(directory, "events.jsonl" if events_format == "jsonl" else "events.csv")


def duckdb_stats(directory, by, events_format):
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads TO {os.cpu_count()}")
    exposures = os.path.join(directory, "exposures.csv")
    events = events_path(directory, events_format)
    reader = "read_json" if events_format == "jsonl" else "read_csv"
    options = "format = 'newline_delimited'" if events_format == "jsonl" else "header = true"
    rows = con.execute(f"""
        WITH e AS (
            SELECT unit_id, variant, "timestamp" AS ts, {by or "''"} AS segment
            FROM read_csv('{exposures}', header = true,
                 columns = {{'unit_id': 'VARCHAR', 'experiment': 'VARCHAR', 'variant': 'VARCHAR', 'timestamp': 'BIGINT',
                             'country': 'VARCHAR'}})
            WHERE experiment = '{EXPERIMENT}'),
        u AS (SELECT unit_id, arg_min(variant, ts) AS variant, min(ts) AS t0, count(DISTINCT variant) AS nv,
                     arg_min(segment, ts) AS segment
              FROM e GROUP BY unit_id),
        ok AS (SELECT unit_id, variant, t0, segment FROM u WHERE nv = 1),
        ev AS (SELECT unit_id, "timestamp" AS ts, event, value
               FROM {reader}('{events}', {options},
                    columns = {{'unit_id': 'VARCHAR', 'timestamp': 'BIGINT', 'event': 'VARCHAR', 'value': 'DOUBLE'}})),
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
    e = pd.read_csv(os.path.join(directory, "exposures.csv"),
                    dtype={"unit_id": "string", "experiment": "string", "variant": "string", "timestamp": "int64",
                           "country": "string"})
    e = e[e["experiment"] == EXPERIMENT]
    nv = e.groupby("unit_id")["variant"].nunique()
    first = e.sort_values("timestamp", kind="stable").groupby("unit_id").first()
    first = first[nv.reindex(first.index) == 1]
    units = first[["variant", "timestamp"]].rename(columns={"timestamp": "t0"})
    units["segment"] = first[by] if by else ""
    types = {"unit_id": "string", "timestamp": "int64", "event": "string", "value": "float64"}
    if events_format == "jsonl":
        # keep_default_dates=False: pandas would otherwise turn a column named "timestamp" into dates.
        ev = pd.read_json(events_path(directory, events_format), lines=True, dtype=types,
                          convert_dates=False, keep_default_dates=False)
    else:
        ev = pd.read_csv(events_path(directory, events_format), dtype=types)
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
        [BINARY, "analyze", "--exposures", os.path.join(directory, "exposures.csv"),
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "touchstone-peers"))
    parser.add_argument("--skip-pandas-above", type=int, default=100_000_000)
    parser.add_argument("--by", choices=["country"], help="also split by the exposure log's country column")
    parser.add_argument("--events-format", choices=["csv", "jsonl"], default="csv")
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
    print(f"machine: {os.cpu_count()} cores; duckdb {duckdb.__version__}, pandas {pandas.__version__}"
          + (f"; split by {args.by}" if args.by else "") + f"; events as {args.events_format}")
    rows = []
    for units in args.units:
        directory = os.path.join(args.workdir, f"u{units}")
        os.makedirs(directory, exist_ok=True)
        exposures = os.path.join(directory, "exposures.csv")
        fresh = os.path.exists(os.path.join(directory, "truth.json")) and "country" in open(exposures).readline()
        if not fresh:
            subprocess.run([BINARY, "simulate", "experiment", "--units", str(units), "--seed", "1", "--out", directory],
                           check=True)
        events = events_path(directory, args.events_format)
        if args.events_format == "jsonl" and (not fresh or not os.path.exists(events)):
            # One JSON object per line; an empty value becomes null, which every engine reads as missing.
            duckdb.sql(f"""COPY (SELECT * FROM read_csv('{os.path.join(directory, "events.csv")}', header = true,
                columns = {{'unit_id': 'VARCHAR', 'timestamp': 'BIGINT', 'event': 'VARCHAR', 'value': 'DOUBLE'}}))
                TO '{events}' (FORMAT JSON)""")
        size = sum(os.path.getsize(os.path.join(directory, f)) for f in ["exposures.csv", os.path.basename(events)])
        results = {}
        for mode in ["touchstone", "duckdb", "pandas"]:
            if mode == "pandas" and units > args.skip_pandas_above:
                continue
            results[mode] = measured(mode, directory, args.by, args.events_format)
        problems = []
        for mode in results:
            if mode != "touchstone":
                problems += check_agreement(mode, results["touchstone"][2], results[mode][2])
        base = results["touchstone"][0]
        for mode, (seconds, peak, _) in results.items():
            rows.append((units, size / 1e6, mode, seconds, seconds / base, peak))
        print(f"{units:,} units ({size / 1e6:,.0f} MB of logs): "
              + ("all engines agree (counts exact, means/variances/p-values to 1e-9)" if not problems
                 else "DISAGREEMENT:\n  " + "\n  ".join(problems[:20])))
    print()
    print("| units | log MB | engine | wall s | × Touchstone | peak MB |")
    print("|---:|---:|---|---:|---:|---:|")
    for units, size, mode, seconds, ratio, peak in rows:
        print(f"| {units:,} | {size:,.0f} | {mode} | {seconds:.2f} | {ratio:.2f} | {peak:,.0f} |")


if __name__ == "__main__":
    main()
