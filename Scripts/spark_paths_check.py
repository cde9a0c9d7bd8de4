#!/usr/bin/env python3
"""Runs `touchstone sql --paths --dialect spark` with pyspark in local mode and checks the result.

Two touchpoint logs, timestamps as epoch seconds:
* `touchstone simulate journeys` (few ties; no type column), lookback 7d;
* a log made here on an hourly clock (many ties in time, touches and conversions at one instant,
  click/view types, non-ASCII channel names whose byte and locale orders differ), with
  --lookback 7d --view-lookback 1d.

For each, the printed Spark SQL query runs on a temporary view, and its rows must equal the rows
of the SQLite query (`--dialect sqlite`, run with Python's sqlite3; the Swift suite proves SQLite
equal to the in-process builder) path for path: counts exactly, values to 1e-9 relative. Then the
Spark rows, saved as CSV, are attributed (`attribute --paths`, models markov, linear, first) and
every number of the JSON must equal `attribute --touchpoints` on the log itself (1e-9).

    pip install pyspark        # needs a Java runtime (17 works)
    swift build --product touchstone
    python3 Scripts/spark_paths_check.py [--units 20000] [--seed 3] [--binary .build/debug/touchstone]

Not part of CI: starting a JVM and Spark takes most of the run time.
"""
import argparse
import csv
import datetime
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spark_check import differences, largest_relative_difference  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
HEADER = ["path", "total_conversions", "total_conversion_value", "total_null"]


def touchstone(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def simulated_log(binary, units, seed, work):
    touchstone(binary, "simulate", "journeys", "--units", str(units), "--seed", str(seed), "--out", work)
    out = os.path.join(work, "simulated_epoch.csv")
    with open(os.path.join(work, "touchpoints.csv")) as f, open(out, "w", newline="") as g:
        reader, writer = csv.DictReader(f), csv.writer(g)
        writer.writerow(["unit_id", "timestamp", "channel", "conversion", "value"])
        for row in reader:
            epoch = int(datetime.datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00")).timestamp())
            writer.writerow([row["unit_id"], epoch, row["channel"], row["conversion"], row["value"]])
    return out


def dense_log(units, seed, work):
    rng = random.Random(seed)
    channels = ["email", "push", "search", "display", "Zoo", "é-mail", "apple", "social"]
    out = os.path.join(work, "dense.csv")
    with open(out, "w", newline="") as g:
        writer = csv.writer(g)
        writer.writerow(["unit_id", "timestamp", "channel", "conversion", "value", "type"])
        for u in range(units):
            t = 1_775_001_600 + rng.randrange(24 * 20) * 3600
            for _ in range(1 + rng.randrange(9)):
                t += rng.randrange(40) * 3600 * (0 if rng.random() < 0.4 else 1)
                if rng.random() < 0.15:
                    writer.writerow([f"d{u}", t, "", 1 + rng.randrange(2), rng.randrange(500, 9500) / 100, ""])
                else:
                    converts = rng.random() < 0.08
                    writer.writerow([f"d{u}", t, rng.choice(channels), int(converts),
                                     rng.randrange(10_000) / 100 if converts else 0, rng.choice(["click", "view"])])
    return out


def bound_query(printed):
    """The printed SQLite query and its parameters from the `-- ?N = value` header."""
    params = [int(line.split("=", 1)[1]) for line in printed.splitlines() if line.startswith("-- ?")]
    return printed, params


def table(rows):
    out = {}
    for path, conversions, value, nulls in rows:
        out[path] = (float(conversions), float(value), float(nulls))
    return out


def compare_rows(spark_rows, sqlite_rows):
    a, b = table(spark_rows), table(sqlite_rows)
    problems = [f"{p!r}: only in {'Spark' if p in a else 'SQLite'}" for p in a.keys() ^ b.keys()]
    for p in a.keys() & b.keys():
        (c1, v1, n1), (c2, v2, n2) = a[p], b[p]
        if c1 != c2 or n1 != n2 or abs(v1 - v2) > 1e-9 * max(abs(v1), abs(v2), 1e-9):
            problems.append(f"{p!r}: Spark {a[p]} vs SQLite {b[p]}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "touchstone"))
    args = parser.parse_args()
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="touchstone-spark-paths-")
    cases = [
        ("simulated", simulated_log(args.binary, args.units, args.seed, work), False, ["--lookback", "7d"]),
        ("dense", dense_log(args.units // 4, args.seed, work), True, ["--lookback", "7d", "--view-lookback", "1d"]),
    ]

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("touchstone-spark-paths-check")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    print(f"Spark {spark.version}, ANSI mode {spark.conf.get('spark.sql.ansi.enabled')}, session {time.perf_counter() - t0:.1f} s")

    failed = False
    for name, log, typed, windows in cases:
        type_flags = ["--type-column", "type"] if typed else []
        schema = "unit_id STRING, timestamp BIGINT, channel STRING, conversion DOUBLE, value DOUBLE" + (", type STRING" if typed else "")
        spark.read.csv(log, header=True, schema=schema).createOrReplaceTempView("touchpoints")
        query = touchstone(args.binary, "sql", "--paths", "--dialect", "spark", "--touchpoints-table", "touchpoints",
                           *type_flags, *windows)
        t1 = time.perf_counter()
        spark_rows = [tuple(r) for r in spark.sql(query).collect()]
        t_query = time.perf_counter() - t1

        database = os.path.join(work, f"{name}.sqlite")
        with sqlite3.connect(database) as db, open(log) as f:
            reader = csv.reader(f)
            columns = next(reader)
            db.execute(f"CREATE TABLE touchpoints ({', '.join(columns)})")
            db.executemany(f"INSERT INTO touchpoints VALUES ({', '.join('?' * len(columns))})",
                           ([None if x == "" and c != "channel" and c != "type" else
                             (int(x) if c == "timestamp" else float(x) if c in ("conversion", "value") else x)
                             for c, x in zip(columns, row)] for row in reader))
            sql, params = bound_query(touchstone(args.binary, "sql", "--paths", "--dialect", "sqlite",
                                                 "--touchpoints-table", "touchpoints", *type_flags, *windows))
            sqlite_rows = db.execute(sql, params).fetchall()
        problems = compare_rows(spark_rows, sqlite_rows)

        paths_file = os.path.join(work, f"{name}_paths.csv")
        with open(paths_file, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(spark_rows)
        worst = 0.0
        for model in ["markov", "linear", "first"]:
            common = ["--model", model, "--format", "json"]
            pushed = json.loads(touchstone(args.binary, "attribute", "--paths", paths_file, *common))
            local = json.loads(touchstone(args.binary, "attribute", "--touchpoints", log, *windows, *common))
            problems += [f"{model}: {p}" for p in differences(pushed, local)]
            worst = max(worst, largest_relative_difference(pushed, local))
        unattributed = sum(float(r[1]) for r in spark_rows if r[0] == "")
        print(f"{name}: {os.path.getsize(log) / 1e6:.1f} MB log, {len(spark_rows)} paths "
              f"({unattributed:g} unattributed conversions), Spark query {t_query:.1f} s")
        if problems:
            failed = True
            print("  DISAGREEMENT:\n    " + "\n    ".join(problems[:20]))
        else:
            print(f"  Spark rows = SQLite rows (counts exact, values 1e-9); attribute --paths of the Spark rows = "
                  f"attribute --touchpoints (markov, linear, first; largest relative difference {worst:.2e})")
    spark.stop()
    print(f"whole check {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
