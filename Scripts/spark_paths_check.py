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

With --timestamps timestamptz (run by default after epoch) each log is also read as a Spark
TIMESTAMP column (`timestamp_micros`, exact) in a session whose time zone is not UTC, and the query
printed with `--timestamp-type timestamptz` (`unix_micros`, microsecond windows) runs on it: on the
same whole-second instants its rows must equal the SQLite rows above; with a seeded random
fraction added to each distinct instant (ties kept), every path's conversions and value
(`journeys --top`) and the attribution of its rows must equal the in-process reader on the same
instants written as ISO 8601 text.

    pip install pyspark        # needs a Java runtime (17 works)
    swift build --product touchstone
    python3 Scripts/spark_paths_check.py [--units 20000] [--seed 3] [--timestamps epoch,timestamptz] [--binary .build/debug/touchstone]

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


def with_fractions(log, seed, work):
    """The log with a seeded random fraction of a second added to each distinct timestamp (rows
    tied in time stay tied; a quarter of the instants stay whole seconds): a copy for Spark with
    the instant as integer microseconds, and a copy for the in-process reader as ISO 8601 text."""
    rng = random.Random(seed)
    fractions = {}
    name = os.path.splitext(os.path.basename(log))[0]
    micros_path, iso_path = os.path.join(work, f"{name}_micros.csv"), os.path.join(work, f"{name}_iso.csv")
    with open(log) as f, open(micros_path, "w", newline="") as m, open(iso_path, "w", newline="") as i:
        reader = csv.reader(f)
        header = next(reader)
        column = header.index("timestamp")
        micros_writer, iso_writer = csv.writer(m), csv.writer(i)
        micros_writer.writerow(header)
        iso_writer.writerow(header)
        for row in reader:
            second = int(row[column])
            if second not in fractions:
                fractions[second] = 0 if rng.random() < 0.25 else rng.randrange(1_000_000)
            instant = second * 1_000_000 + fractions[second]
            micros_writer.writerow(row[:column] + [instant] + row[column + 1:])
            iso_writer.writerow(row[:column] + [iso(instant)] + row[column + 1:])
    return micros_path, iso_path


def iso(micros):
    """ISO 8601 in UTC with six fraction digits, exact for any microsecond count."""
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (epoch + datetime.timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sqlite_rows(binary, log, name, work, type_flags, windows):
    database = os.path.join(work, f"{name}.sqlite")
    with sqlite3.connect(database) as db, open(log) as f:
        reader = csv.reader(f)
        columns = next(reader)
        db.execute(f"CREATE TABLE touchpoints ({', '.join(columns)})")
        db.executemany(f"INSERT INTO touchpoints VALUES ({', '.join('?' * len(columns))})",
                       ([None if x == "" and c != "channel" and c != "type" else
                         (int(x) if c == "timestamp" else float(x) if c in ("conversion", "value") else x)
                         for c, x in zip(columns, row)] for row in reader))
        sql, params = bound_query(touchstone(binary, "sql", "--paths", "--dialect", "sqlite",
                                             "--touchpoints-table", "touchpoints", *type_flags, *windows))
        return db.execute(sql, params).fetchall()


def top_paths(binary, source_flag, source, windows):
    """Every path's conversions and value as `touchstone journeys` lists them (its journey counts
    are left out: from aggregated paths a journey converting 2 counts as 2)."""
    report = json.loads(touchstone(binary, "journeys", source_flag, source, *windows, "--top", "1000000", "--format", "json"))
    return {group["key"]: (group["conversions"], group["value"]) for group in report["topPaths"]}


def compare_top_paths(a, b):
    problems = [f"{p!r}: only in {'Spark' if p in a else 'the log'}" for p in a.keys() ^ b.keys()]
    for p in a.keys() & b.keys():
        (c1, v1), (c2, v2) = a[p], b[p]
        if c1 != c2 or abs(v1 - v2) > 1e-9 * max(abs(v1), abs(v2), 1e-9):
            problems.append(f"{p!r}: Spark {a[p]} vs log {b[p]}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "touchstone"))
    parser.add_argument("--timestamps", default="epoch,timestamptz",
                        help="comma-separated kinds to run: epoch (BIGINT seconds), timestamptz (Spark TIMESTAMP)")
    args = parser.parse_args()
    kinds = args.timestamps.split(",")
    if not set(kinds) <= {"epoch", "timestamptz"}:
        parser.error("--timestamps takes epoch and/or timestamptz")
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

    def run(query):
        t1 = time.perf_counter()
        rows = [tuple(r) for r in spark.sql(query).collect()]
        return rows, time.perf_counter() - t1

    def attribute(name, rows, log, windows):
        """attribute --paths of the Spark rows against attribute --touchpoints of the log."""
        paths_file = os.path.join(work, f"{name}_paths.csv")
        with open(paths_file, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(rows)
        problems, worst = [], 0.0
        for model in ["markov", "linear", "first"]:
            common = ["--model", model, "--format", "json"]
            pushed = json.loads(touchstone(args.binary, "attribute", "--paths", paths_file, *common))
            local = json.loads(touchstone(args.binary, "attribute", "--touchpoints", log, *windows, *common))
            problems += [f"{model}: {p}" for p in differences(pushed, local)]
            worst = max(worst, largest_relative_difference(pushed, local))
        return problems, worst, paths_file

    def report(label, log, rows, t_query, problems, agreement):
        unattributed = sum(float(r[1]) for r in rows if r[0] == "")
        print(f"{label}: {os.path.getsize(log) / 1e6:.1f} MB log, {len(rows)} paths "
              f"({unattributed:g} unattributed conversions), Spark query {t_query:.1f} s")
        if problems:
            print("  DISAGREEMENT:\n    " + "\n    ".join(problems[:20]))
            return True
        print("  " + agreement)
        return False

    failed = False
    for name, log, typed, windows in cases:
        type_flags = ["--type-column", "type"] if typed else []
        schema = "unit_id STRING, timestamp BIGINT, channel STRING, conversion DOUBLE, value DOUBLE" + (", type STRING" if typed else "")
        columns = ["unit_id", "channel", "conversion", "value"] + (["type"] if typed else [])
        reference = sqlite_rows(args.binary, log, name, work, type_flags, windows)

        if "epoch" in kinds:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
            spark.read.csv(log, header=True, schema=schema).createOrReplaceTempView("touchpoints")
            rows, t_query = run(touchstone(args.binary, "sql", "--paths", "--dialect", "spark", "--touchpoints-table", "touchpoints",
                                           *type_flags, *windows))
            problems = compare_rows(rows, reference)
            more, worst, _ = attribute(name, rows, log, windows)
            failed |= report(f"{name} (epoch seconds)", log, rows, t_query, problems + more,
                             f"Spark rows = SQLite rows (counts exact, values 1e-9); attribute --paths of the Spark rows = "
                             f"attribute --touchpoints (markov, linear, first; largest relative difference {worst:.2e})")

        if "timestamptz" in kinds:
            # A TIMESTAMP column, read with unix_micros in a session zone that is not UTC.
            spark.conf.set("spark.sql.session.timeZone", "America/St_Johns")
            query = touchstone(args.binary, "sql", "--paths", "--dialect", "spark", "--touchpoints-table", "touchpoints",
                               "--timestamp-type", "timestamptz", *type_flags, *windows)
            if "unix_micros(" not in query:
                print("timestamptz: the printed query does not read the column with unix_micros")
                failed = True
            # 1. The same whole-second instants as TIMESTAMP values: the very rows of SQLite's epoch query.
            spark.read.csv(log, header=True, schema=schema) \
                .selectExpr(*columns, "timestamp_micros(timestamp * 1000000) AS timestamp").createOrReplaceTempView("touchpoints")
            rows, t_query = run(query)
            failed |= report(f"{name} (TIMESTAMP, whole seconds)", log, rows, t_query, compare_rows(rows, reference),
                             "Spark rows = SQLite rows of the epoch-seconds log (counts exact, values 1e-9)")
            # 2. Instants with fractions: against the in-process reader on the same instants as ISO 8601 text.
            micros, iso_log = with_fractions(log, args.seed, work)
            spark.read.csv(micros, header=True, schema=schema) \
                .selectExpr(*columns, "timestamp_micros(timestamp) AS timestamp").createOrReplaceTempView("touchpoints")
            rows, t_query = run(query)
            problems, worst, paths_file = attribute(f"{name}_fractions", rows, iso_log, windows)
            problems += compare_top_paths(top_paths(args.binary, "--paths", paths_file, []),
                                          top_paths(args.binary, "--touchpoints", iso_log, windows))
            failed |= report(f"{name} (TIMESTAMP, sub-second fractions)", iso_log, rows, t_query, problems,
                             f"every path's conversions and value (journeys --top) and attribute --paths of the Spark rows = "
                             f"the in-process reader on the ISO 8601 log (markov, linear, first; largest relative difference {worst:.2e})")
    spark.stop()
    print(f"whole check {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
