#!/usr/bin/env python3
"""Runs `touchstone sql --dialect spark` with pyspark in local mode and checks the result.

Simulates an experiment with `touchstone simulate experiment`, loads its exposure and event logs
as Spark temporary views, runs the printed Spark SQL query, writes the rows in the
sufficient-statistics CSV format, analyses them with `touchstone analyze --power-sums` and
compares every number of the JSON result with `touchstone analyze --exposures --events` on the
same logs (relative 1e-9). Exit status 0 when all agree.

    pip install pyspark        # needs a Java runtime (17 works)
    swift build --product touchstone
    python3 Scripts/spark_check.py [--units 20000] [--seed 3] [--binary .build/debug/touchstone]

Not part of CI: starting a JVM and Spark takes most of the run time.
"""
import argparse
import csv
import json
import math
import os
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "touchstone"))
    parser.add_argument("--covariates", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="touchstone-spark-")
    touchstone(args.binary, "simulate", "experiment", "--units", str(args.units), "--seed", str(args.seed), "--out", work)
    exposures, events = os.path.join(work, "exposures.csv"), os.path.join(work, "events.csv")

    metric_flags = [flag for metric in METRICS for flag in ("--metric", metric)]
    covariate_flags = ["--pre-exposure-covariates"] if args.covariates else []
    query = touchstone(args.binary, "sql", "--dialect", "spark", "--exposures-table", "exposures",
                       "--events-table", "events", "--experiment", EXPERIMENT, *metric_flags, *covariate_flags)

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode: stay on the loopback interface
    from pyspark.sql import SparkSession
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("touchstone-spark-check")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
             .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    t_session = time.perf_counter() - t0
    spark.read.csv(exposures, header=True,
                   schema="unit_id STRING, experiment STRING, variant STRING, timestamp BIGINT").createOrReplaceTempView("exposures")
    spark.read.csv(events, header=True,
                   schema="unit_id STRING, timestamp BIGINT, event STRING, value DOUBLE").createOrReplaceTempView("events")
    t1 = time.perf_counter()
    result = spark.sql(query)
    columns = result.columns
    rows = result.collect()
    t_query = time.perf_counter() - t1
    spark.stop()

    sums = os.path.join(work, "sums.csv")
    with open(sums, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows([[row[c] for c in columns] for row in rows])

    common = ["--experiment", EXPERIMENT, "--control", "control", "--format", "json", "--quiet"]
    pushed = json.loads(touchstone(args.binary, "analyze", "--power-sums", sums, *common))
    local = json.loads(touchstone(args.binary, "analyze", "--exposures", exposures, "--events", events,
                                  *metric_flags, *covariate_flags, *common))
    problems = differences(pushed, local)
    total = time.perf_counter() - started
    print(f"{args.units:,} units, {os.path.getsize(events) / 1e6:.1f} MB of events, {len(rows)} result rows; "
          f"Spark session {t_session:.1f} s, query {t_query:.1f} s, whole check {total:.1f} s")
    if problems:
        print("DISAGREEMENT:\n  " + "\n  ".join(problems[:20]))
        return 1
    print(f"largest relative difference of any number: {largest_relative_difference(pushed, local):.2e}")
    print("Spark SQL push-down agrees with the in-process pipeline (every number of `analyze --format json` to 1e-9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
