#!/usr/bin/env python3
"""Runs `touchstone sql --dialect spark` with pyspark in local mode and checks the result.

Simulates an experiment with `touchstone simulate experiment`, loads its exposure and event logs
as Spark temporary views, runs the printed Spark SQL query, writes the rows in the
sufficient-statistics CSV format, analyses them with `touchstone analyze --power-sums` and
compares every number of the JSON result with `touchstone analyze --exposures --events` on the
same logs (relative 1e-9). Exit status 0 when all agree.

Two timestamp kinds (--timestamps, both by default):
* epoch: the logs' integer epoch seconds as BIGINT columns (the default query);
* timestamptz: every timestamp gets a seeded random fraction of a second, Spark reads it as a
  TIMESTAMP column (`timestamp_micros`, exact) in a session whose time zone is not UTC
  (America/St_Johns, -03:30), the query is printed with `--timestamp-type timestamptz`
  (`unix_micros`, microsecond windows), and the in-process analysis reads the same instants as
  ISO 8601 text with their fraction.

    pip install pyspark        # needs a Java runtime (17 works)
    swift build --product touchstone
    python3 Scripts/spark_check.py [--units 20000] [--seed 3] [--timestamps epoch,timestamptz] [--binary .build/debug/touchstone]

Not part of CI: starting a JVM and Spark takes most of the run time.
"""
import argparse
import csv
import datetime
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
EXPERIMENT = "onboarding_channels"
METRICS = ["purchase", "purchase:sum", "session:count", "session:retention:3", "purchase:retention:0"]


def touchstone(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def largest_relative_difference(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return max([largest_relative_difference(a[k], b[k]) for k in a.keys() & b.keys()] or [0.0])
    if isinstance(a, list) and isinstance(b, list):
        return max([largest_relative_difference(x, y) for x, y in zip(a, b)] or [0.0])
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if a == b or (math.isnan(a) and math.isnan(b)):
            return 0.0
        return abs(a - b) / max(abs(a), abs(b), 1e-12)
    return 0.0


def differences(a, b, path="$"):
    if isinstance(a, dict) and isinstance(b, dict):
        out = [] if set(a) == set(b) else [f"{path}: keys {sorted(a)} vs {sorted(b)}"]
        for key in a.keys() & b.keys():
            out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [] if len(a) == len(b) else [f"{path}: {len(a)} vs {len(b)} items"]
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if math.isnan(a) and math.isnan(b):
            return []
        ok = a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-12)
        return [] if ok else [f"{path}: {a!r} vs {b!r}"]
    return [] if a == b else [f"{path}: {a!r} vs {b!r}"]


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def iso(micros):
    """ISO 8601 in UTC with six fraction digits, exact for any microsecond count."""
    return (EPOCH + datetime.timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def with_fractions(path, seed, work):
    """The log with a seeded random fraction added to each timestamp: a copy for Spark with the
    instant as integer microseconds, and a copy for the in-process reader as ISO 8601 text."""
    rng = random.Random(seed)
    name = os.path.splitext(os.path.basename(path))[0]
    micros_path, iso_path = os.path.join(work, f"{name}_micros.csv"), os.path.join(work, f"{name}_iso.csv")
    with open(path) as f, open(micros_path, "w", newline="") as m, open(iso_path, "w", newline="") as i:
        reader = csv.reader(f)
        header = next(reader)
        column = header.index("timestamp")
        micros_writer, iso_writer = csv.writer(m), csv.writer(i)
        micros_writer.writerow(header)
        iso_writer.writerow(header)
        for row in reader:
            instant = int(row[column]) * 1_000_000 + rng.randrange(1_000_000)
            micros_writer.writerow(row[:column] + [instant] + row[column + 1:])
            iso_writer.writerow(row[:column] + [iso(instant)] + row[column + 1:])
    return micros_path, iso_path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "touchstone"))
    parser.add_argument("--covariates", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--timestamps", default="epoch,timestamptz",
                        help="comma-separated kinds to run: epoch (BIGINT seconds), timestamptz (Spark TIMESTAMP with fractions)")
    args = parser.parse_args()
    kinds = args.timestamps.split(",")
    if not set(kinds) <= {"epoch", "timestamptz"}:
        parser.error("--timestamps takes epoch and/or timestamptz")
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="touchstone-spark-")
    touchstone(args.binary, "simulate", "experiment", "--units", str(args.units), "--seed", str(args.seed), "--out", work)
    exposures, events = os.path.join(work, "exposures.csv"), os.path.join(work, "events.csv")

    metric_flags = [flag for metric in METRICS for flag in ("--metric", metric)]
    covariate_flags = ["--pre-exposure-covariates"] if args.covariates else []

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: stay on the loopback interface
    from pyspark.sql import SparkSession
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("touchstone-spark-check")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    t_session = time.perf_counter() - t0
    print(f"Spark {spark.version}, ANSI mode {spark.conf.get('spark.sql.ansi.enabled')}, session {t_session:.1f} s; "
          f"{args.units:,} units, {os.path.getsize(events) / 1e6:.1f} MB of events")

    failed = False
    for kind in kinds:
        if kind == "epoch":
            spark.conf.set("spark.sql.session.timeZone", "UTC")
            spark.read.csv(exposures, header=True, schema="unit_id STRING, experiment STRING, variant STRING, timestamp BIGINT") \
                .createOrReplaceTempView("exposures")
            spark.read.csv(events, header=True, schema="unit_id STRING, timestamp BIGINT, event STRING, value DOUBLE") \
                .createOrReplaceTempView("events")
            local_exposures, local_events = exposures, events
        else:
            # unix_micros is an instant: the session zone must not matter, so it is not UTC here.
            spark.conf.set("spark.sql.session.timeZone", "America/St_Johns")
            (x_micros, local_exposures), (e_micros, local_events) = (
                with_fractions(exposures, args.seed, work), with_fractions(events, args.seed + 1, work))
            spark.read.csv(x_micros, header=True, schema="unit_id STRING, experiment STRING, variant STRING, timestamp BIGINT") \
                .selectExpr("unit_id", "experiment", "variant", "timestamp_micros(timestamp) AS timestamp") \
                .createOrReplaceTempView("exposures")
            spark.read.csv(e_micros, header=True, schema="unit_id STRING, timestamp BIGINT, event STRING, value DOUBLE") \
                .selectExpr("unit_id", "timestamp_micros(timestamp) AS timestamp", "event", "value") \
                .createOrReplaceTempView("events")
        query = touchstone(args.binary, "sql", "--dialect", "spark", "--exposures-table", "exposures",
                           "--events-table", "events", "--experiment", EXPERIMENT, "--timestamp-type", kind,
                           *metric_flags, *covariate_flags)
        if kind == "timestamptz" and "unix_micros(" not in query:
            print("timestamptz: the printed query does not read the columns with unix_micros")
            failed = True
        t1 = time.perf_counter()
        result = spark.sql(query)
        columns = result.columns
        rows = result.collect()
        t_query = time.perf_counter() - t1

        sums = os.path.join(work, f"sums_{kind}.csv")
        with open(sums, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows([[row[c] for c in columns] for row in rows])

        common = ["--experiment", EXPERIMENT, "--control", "control", "--format", "json", "--quiet"]
        pushed = json.loads(touchstone(args.binary, "analyze", "--power-sums", sums, *common))
        local = json.loads(touchstone(args.binary, "analyze", "--exposures", local_exposures, "--events", local_events,
                                      *metric_flags, *covariate_flags, *common))
        # The decision's exposure period (firstExposure, lastExposure) is read from the logs'
        # timestamps; power sums carry no timestamps, so the pushed-down JSON has none to compare.
        for key in ("firstExposure", "lastExposure"):
            if key not in pushed.get("decision", {}):
                local.get("decision", {}).pop(key, None)
        problems = differences(pushed, local)
        print(f"{kind}: {len(rows)} result rows, Spark query {t_query:.1f} s, "
              f"session time zone {spark.conf.get('spark.sql.session.timeZone')}")
        if problems:
            failed = True
            print("  DISAGREEMENT:\n    " + "\n    ".join(problems[:20]))
        else:
            print(f"  largest relative difference of any number: {largest_relative_difference(pushed, local):.2e}; "
                  "Spark SQL push-down agrees with the in-process pipeline (every number of `analyze --format json` to 1e-9)"
                  + (" on the same instants as ISO 8601 text with fractions" if kind == "timestamptz" else ""))
    spark.stop()
    print(f"whole check {time.perf_counter() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
