#!/usr/bin/env python3
"""Touchstone vs ChannelAttribution 2.2.5 on the same touchpoint log, same machine, same run.

Both sides start from the touchpoint log (unit_id,timestamp,channel,conversion,value) and end
with credits per channel. ChannelAttribution needs aggregated paths, so its timings include
building them with pandas (sort by unit and time, close a journey at each conversion, join
channels with " > "); that step is also reported on its own.

Usage:
  swift build -c release --product touchstone
  python3 Benchmarks/peers/attribution_peer.py [--units 1000000] [--seed 42] [--out /tmp/attribution-bench]
Needs: pip install ChannelAttribution==2.2.5 pandas numpy matplotlib
"""
import argparse
import io
import json
import os
import tempfile
import subprocess
import time
from contextlib import redirect_stdout

import pandas as pd

with redirect_stdout(io.StringIO()):
    import ChannelAttribution as ca

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, ".build", "release", "touchstone")


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "attribution-bench"))
    parser.add_argument("--orders", default="1,2,3")
    args = parser.parse_args()
    csv = os.path.join(args.out, "touchpoints.csv")
    if not os.path.exists(csv):
        subprocess.run([BINARY, "simulate", "journeys", "--units", str(args.units), "--seed", str(args.seed), "--out", args.out], check=True)
    rows = sum(1 for _ in open(csv)) - 1

    results = []
    path_seconds, paths = timed(lambda: build_paths(csv))
    journeys = int(paths["total_conversions"].sum() + paths["total_null"].sum())
    print(f"  pandas path building: {path_seconds:.2f} s", flush=True)

    t_ts, ours = touchstone(csv, "--model", "first")
    t_ca, h = timed(lambda: ca.heuristic_models(paths, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False))
    first_ca = dict(zip(h["channel_name"], h["first_touch_conversions"]))
    agree = max(abs(c["conversions"] - first_ca[c["channel"]]) for c in ours["channels"])
    results.append(("heuristics (first, last, linear)", t_ts, path_seconds + t_ca, f"first touch max |Δ| {agree:.2g}"))
    t_all, _ = touchstone(csv, "--model", "linear")
    results[-1] = (results[-1][0], max(t_ts, t_all), results[-1][2], results[-1][3])

    for order in [int(o) for o in args.orders.split(",")]:
        t_ts, ours = touchstone(csv, "--model", "markov", "--order", str(order))
        t_ca, m = timed(lambda: quiet_markov(paths, order))
        theirs = dict(zip(m["channel_name"], m["total_conversions"]))
        diff = max(abs(c["conversions"] - theirs[c["channel"]]) / max(c["conversions"], 1) for c in ours["channels"])
        results.append((f"Markov order {order}", t_ts, path_seconds + t_ca, f"exact vs simulated: max rel. Δ {diff:.2%}"))
        print(f"  markov order {order}: touchstone {t_ts:.2f} s, ChannelAttribution {t_ca:.2f} s + paths {path_seconds:.2f} s", flush=True)

    # The model step alone: both sides start from the same aggregated paths file.
    paths_csv = os.path.join(args.out, "paths.csv")
    paths.to_csv(paths_csv, sep=";", index=False)
    model_only = []
    for order in [int(o) for o in args.orders.split(",")]:
        cmd = [BINARY, "attribute", "--paths", paths_csv, "--model", "markov", "--order", str(order), "--format", "json"]
        t_ts, _ = timed(lambda: subprocess.run(cmd, check=True, capture_output=True))
        t_ca, _ = timed(lambda: quiet_markov(paths, order))
        model_only.append((f"Markov order {order}", t_ts, t_ca))

    t_ts, _ = touchstone(csv, "--model", "shapley")
    results.append(("Shapley (Zhao simplified, exact)", t_ts, None, "not in ChannelAttribution (free)"))

    print(f"data: {rows:,} touchpoints, {journeys:,} journeys, {len(paths):,} distinct paths; "
          f"pandas path building {path_seconds:.2f} s (included in ChannelAttribution times)\n")
    print("| task | Touchstone (s) | ChannelAttribution 2.2.5 (s) | speed-up | note |")
    print("|---|---:|---:|---:|---|")
    for name, ours_s, theirs_s, note in results:
        ratio = f"{theirs_s / ours_s:.1f}x" if theirs_s else "—"
        print(f"| {name} | {ours_s:.2f} | {theirs_s:.2f} | {ratio} | {note} |" if theirs_s else f"| {name} | {ours_s:.2f} | — | — | {note} |")
    print("\nModel step only, from the same aggregated paths file (Touchstone time includes reading it):\n")
    print("| task | Touchstone (s) | ChannelAttribution 2.2.5 (s) | ratio |")
    print("|---|---:|---:|---:|")
    for name, ours_s, theirs_s in model_only:
        print(f"| {name} | {ours_s:.2f} | {theirs_s:.2f} | {theirs_s / ours_s:.2f}x |")


def quiet_markov(paths, order):
    with redirect_stdout(io.StringIO()):
        return ca.markov_model(paths, "path", "total_conversions", var_value="total_conversion_value",
                               var_null="total_null", order=order, verbose=False, flg_pro=False)


if __name__ == "__main__":
    main()
