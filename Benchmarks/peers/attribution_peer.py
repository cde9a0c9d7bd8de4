#!/usr/bin/env python3
"""Touchstone vs ChannelAttribution 2.2.5 on the same touchpoint log, same machine, same run.

Both sides start from the touchpoint log (unit_id,timestamp,channel,conversion,value) and end
with credits per channel. ChannelAttribution needs aggregated paths, so its timings include
building them with pandas (sort by unit and time, close a journey at each conversion, join
channels with " > "); that step is also reported on its own.

The machine is shared and noisy, so every task runs `--repeats` times (default 3), alternating
Touchstone and the peer within each repeat (the pandas paths are rebuilt, and timed, once per
repeat), and the tables give medians: of each side's wall times, and of the per-repeat ratios.
The load average before and after is printed with the tables.

Usage:
  swift build -c release --product touchstone
  python3 Benchmarks/peers/attribution_peer.py [--units 1000000] [--seed 42] [--repeats 3] [--out /tmp/attribution-bench]
Set TOUCHSTONE_BINARY to measure another build (say, main's, for a before/after).
Needs: pip install ChannelAttribution==2.2.5 pandas numpy matplotlib
"""
import argparse
import io
import json
import os
import statistics
import tempfile
import subprocess
import time
from contextlib import redirect_stdout

import pandas as pd

with redirect_stdout(io.StringIO()):
    import ChannelAttribution as ca

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TOUCHSTONE_BINARY") or os.path.join(ROOT, ".build", "release", "touchstone")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def touchstone(csv, *args):
    cmd = [BINARY, "attribute", "--touchpoints", csv, "--format", "json", "--quiet", *args]
    seconds, out = timed(lambda: subprocess.run(cmd, check=True, capture_output=True).stdout)
    return seconds, json.loads(out)


def build_paths(csv):
    df = pd.read_csv(csv)
    df["ts"] = pd.to_datetime(df["timestamp"], utc=True)
    df = df.sort_values(["unit_id", "ts"], kind="stable")
    # A conversion closes the journey it belongs to: the journey index counts earlier conversions.
    df["journey"] = df.groupby("unit_id")["conversion"].cumsum() - df["conversion"]
    touches = df[df["channel"].notna()]
    paths = touches.groupby(["unit_id", "journey"], sort=False)["channel"].agg(" > ".join)
    outcome = df.groupby(["unit_id", "journey"], sort=False).agg(conv=("conversion", "sum"), value=("value", "sum"))
    j = outcome.join(paths, how="inner")
    j["null"] = (j["conv"] == 0).astype(int)
    agg = j.groupby("channel", sort=False).agg(
        total_conversions=("conv", "sum"), total_conversion_value=("value", "sum"), total_null=("null", "sum")).reset_index()
    return agg.rename(columns={"channel": "path"})


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "attribution-bench"))
    parser.add_argument("--orders", default="1,2,3")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    csv = os.path.join(args.out, "touchpoints.csv")
    if not os.path.exists(csv):
        subprocess.run([BINARY, "simulate", "journeys", "--units", str(args.units), "--seed", str(args.seed), "--out", args.out], check=True)
    rows = sum(1 for _ in open(csv)) - 1
    orders = [int(o) for o in args.orders.split(",")]
    load_before = os.getloadavg()

    # Per task: Touchstone seconds, ChannelAttribution seconds (paths + model), per-repeat lists.
    tasks = ["heuristics (first, last, linear)"] + [f"Markov order {o}" for o in orders]
    ours_s = {t: [] for t in tasks}
    theirs_s = {t: [] for t in tasks}
    notes = {}
    path_times = []
    model_only = {o: ([], []) for o in orders}
    paths_csv = os.path.join(args.out, "paths.csv")
    for repeat in range(args.repeats):
        path_seconds, paths = timed(lambda: build_paths(csv))
        path_times.append(path_seconds)
        journeys = int(paths["total_conversions"].sum() + paths["total_null"].sum())
        print(f"repeat {repeat + 1}: pandas path building {path_seconds:.2f} s", flush=True)

        t_first, ours = touchstone(csv, "--model", "first")
        t_ca, h = timed(lambda: ca.heuristic_models(paths, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False))
        t_linear, _ = touchstone(csv, "--model", "linear")
        first_ca = dict(zip(h["channel_name"], h["first_touch_conversions"]))
        agree = max(abs(c["conversions"] - first_ca[c["channel"]]) for c in ours["channels"])
        task = tasks[0]
        ours_s[task].append(max(t_first, t_linear))
        theirs_s[task].append(path_seconds + t_ca)
        notes[task] = f"first touch max |Δ| {agree:.2g}"

        for order in orders:
            task = f"Markov order {order}"
            t_ts, ours = touchstone(csv, "--model", "markov", "--order", str(order))
            t_ca, m = timed(lambda: quiet_markov(paths, order))
            theirs = dict(zip(m["channel_name"], m["total_conversions"]))
            diff = max(abs(c["conversions"] - theirs[c["channel"]]) / max(c["conversions"], 1) for c in ours["channels"])
            ours_s[task].append(t_ts)
            theirs_s[task].append(path_seconds + t_ca)
            notes[task] = f"exact vs simulated: max rel. Δ {diff:.2%}"
            print(f"  markov order {order}: touchstone {t_ts:.2f} s, ChannelAttribution {t_ca:.2f} s + paths {path_seconds:.2f} s", flush=True)

        # The model step alone: both sides start from the same aggregated paths file.
        paths.to_csv(paths_csv, sep=";", index=False)
        for order in orders:
            cmd = [BINARY, "attribute", "--paths", paths_csv, "--model", "markov", "--order", str(order), "--format", "json"]
            t_ts, _ = timed(lambda: subprocess.run(cmd, check=True, capture_output=True))
            t_ca, _ = timed(lambda: quiet_markov(paths, order))
            model_only[order][0].append(t_ts)
            model_only[order][1].append(t_ca)

    t_shapley, _ = touchstone(csv, "--model", "shapley")
    load_after = os.getloadavg()

    print(f"\ndata: {rows:,} touchpoints, {journeys:,} journeys, {len(paths):,} distinct paths; "
          f"pandas path building {median(path_times):.2f} s median (included in ChannelAttribution times)")
    print(f"{args.repeats} repeats, alternating; {os.cpu_count()} cores; load average (1, 5, 15 min) "
          f"before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}\n")
    print("| task | Touchstone (s, median) | ChannelAttribution 2.2.5 (s, median) | speed-up (median of repeats) | range | note |")
    print("|---|---:|---:|---:|---:|---|")
    for task in tasks:
        ratios = [t / o for o, t in zip(ours_s[task], theirs_s[task])]
        print(f"| {task} | {median(ours_s[task]):.2f} | {median(theirs_s[task]):.2f} | {median(ratios):.1f}x | "
              f"{min(ratios):.1f}–{max(ratios):.1f}x | {notes[task]} |")
    print(f"| Shapley (Zhao simplified, exact) | {t_shapley:.2f} | — | — | — | not in ChannelAttribution (free) |")
    print("\nModel step only, from the same aggregated paths file (Touchstone time includes reading it):\n")
    print("| task | Touchstone (s, median) | ChannelAttribution 2.2.5 (s, median) | ratio (median of repeats) |")
    print("|---|---:|---:|---:|")
    for order in orders:
        ours_m, theirs_m = model_only[order]
        ratios = [t / o for o, t in zip(ours_m, theirs_m)]
        print(f"| Markov order {order} | {median(ours_m):.2f} | {median(theirs_m):.2f} | {median(ratios):.2f}x |")


def quiet_markov(paths, order):
    with redirect_stdout(io.StringIO()):
        return ca.markov_model(paths, "path", "total_conversions", var_value="total_conversion_value",
                               var_null="total_null", order=order, verbose=False, flg_pro=False)


if __name__ == "__main__":
    main()
