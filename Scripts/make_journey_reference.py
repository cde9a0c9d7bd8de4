#!/usr/bin/env python3
"""Reference journey statistics for `touchstone journeys` (pandas, written independently of the Swift).

Writes Tests/TouchstoneAttributionTests/Fixtures/:

* journey_stats_log.csv -- a touchpoint log built here with a fixed seed: random units on an
  hourly clock (so touches and conversions tie in time), plus hand-made units for the edges:
  a touch exactly one lookback before its conversion (dropped) and one second inside it (kept),
  touches tied with a conversion written before and after it, several conversions per
  unit (one with a count of 2 and a channel on the converting row), units that never convert,
  a conversion with no touch in its window, and rows out of time order.
* journey_stats.json -- for that log (with and without a 7-day lookback) and for the bundled
  Datasets/journeys/touchpoints.csv (7-day lookback): journey and conversion totals,
  time-to-conversion quantiles, the path-length table and the transition counts.

Definitions (the package's, see docs/attribution.md):
* A unit's rows are ordered by time; rows at the same instant by (touch-only rows before
  conversion rows, channel by code point = UTF-8 bytes, conversion, value on conversion rows),
  never by file order (the tie rule SQL can reproduce). Each row with conversion > 0 closes
  a journey made of the unit's rows since the previous conversion (the converting row's own
  channel included); rows after the last conversion form one non-converting journey whose end
  is its last touch. A touch is kept when end - touch lies in [0, lookback).
* A converting journey whose window holds no touch is unattributed and left out of everything.
* journeys = conversions + non-converting journeys (ChannelAttribution's total_conversions +
  total_null), conversions = the sum of the conversion column.
* timeToConversion: one value per converting journey, days from its first kept touch to the
  conversion; quantiles by numpy's default (linear, Hyndman & Fan type 7), checked equal to
  pandas' Series.quantile.
* transitions: (start) -> first touch -> ... -> last touch -> (conversion) or (null), raw touches
  (repeats are self-transitions); inner transitions weigh conversions + nulls, the final one
  conversions (to (conversion)) or 1 (to (null)).

Usage: python3 Scripts/make_journey_reference.py
Needs: pip install pandas numpy
"""
import json
import os
from collections import defaultdict

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TouchstoneAttributionTests", "Fixtures")
DAY = pd.Timedelta(days=1)


def make_log(path):
    rng = np.random.default_rng(20261202)
    channels = ["email", "push", "search", "display", "social"]
    start = pd.Timestamp("2026-03-01T00:00:00Z")
    rows = []
    for u in range(300):
        t = start + pd.Timedelta(hours=int(rng.integers(0, 24 * 20)))
        for _ in range(int(rng.integers(1, 9))):
            t = t + pd.Timedelta(hours=int(rng.integers(0, 60)))  # zero gaps: ties
            if rng.random() < 0.2:
                rows.append((f"r{u}", t, "", int(rng.integers(1, 3)), round(float(rng.uniform(5, 90)), 2)))
            else:
                channel = channels[int(rng.integers(0, len(channels)))]
                converts = rng.random() < 0.08
                rows.append((f"r{u}", t, channel, 1 if converts else 0, 25.0 if converts else 0))
    def at(text):
        return pd.Timestamp(text)
    rows += [
        # exactly 7 days before the conversion: dropped; 7 days minus one second: kept
        ("edge", at("2026-04-01T00:00:00Z"), "email", 0, 0),
        ("edge", at("2026-04-01T00:00:01Z"), "push", 0, 0),
        ("edge", at("2026-04-08T00:00:00Z"), "", 1, 10),
        # ties: both touches at the conversion instant join it, whichever side of it they are written on
        ("tie", at("2026-04-02T12:00:00Z"), "search", 0, 0),
        ("tie", at("2026-04-03T12:00:00Z"), "social", 0, 0),
        ("tie", at("2026-04-03T12:00:00Z"), "", 1, 30),
        ("tie", at("2026-04-03T12:00:00Z"), "display", 0, 0),
        ("tie", at("2026-04-04T06:30:00Z"), "email", 1, 12.5),
        # several conversions, one counting 2 with its own channel, then a trailing null journey
        ("multi", at("2026-04-05T00:00:00Z"), "email", 0, 0),
        ("multi", at("2026-04-05T08:00:00Z"), "email", 2, 80),
        ("multi", at("2026-04-06T00:00:00Z"), "push", 0, 0),
        ("multi", at("2026-04-09T18:00:00Z"), "", 1, 20),
        ("multi", at("2026-04-10T00:00:00Z"), "social", 0, 0),
        ("multi", at("2026-04-20T00:00:00Z"), "social", 0, 0),
        # never converts; a long null journey the lookback trims from its last touch
        ("none", at("2026-04-01T00:00:00Z"), "display", 0, 0),
        ("none", at("2026-04-15T00:00:00Z"), "search", 0, 0),
        ("none", at("2026-04-16T00:00:00Z"), "search", 0, 0),
        # a conversion with nothing in its window (unattributed with the lookback)
        ("orphan", at("2026-03-01T00:00:00Z"), "email", 0, 0),
        ("orphan", at("2026-04-01T00:00:00Z"), "", 1, 5),
    ]
    # out of time order within units, and units interleaved
    rows.append(("late", at("2026-04-12T00:00:00Z"), "", 1, 7))
    rows.insert(5, ("late", at("2026-04-11T00:00:00Z"), "push", 0, 0))
    rows.insert(9, ("late", at("2026-04-10T23:00:00Z"), "email", 0, 0))
    with open(path, "w") as f:
        f.write("unit_id,timestamp,channel,conversion,value\n")
        for unit, t, channel, conversion, value in rows:
            f.write(f"{unit},{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{channel},{conversion},{value:g}\n")


def journeys(path, lookback_days):
    df = pd.read_csv(path, dtype={"unit_id": str, "channel": str, "timestamp": str}, keep_default_na=False)
    df["t"] = pd.to_datetime(df["timestamp"], utc=True, format="ISO8601")
    df["channel"] = df["channel"].str.strip()
    df["conversion"] = df["conversion"].astype(float)
    df["value"] = df["value"].astype(float)
    converting = (df["conversion"] > 0).astype(int)
    df["converting"] = converting
    df["tie_value"] = df["value"].where(df["conversion"] > 0, 0.0)
    df = df.sort_values(["unit_id", "t", "converting", "channel", "conversion", "tie_value"], kind="mergesort")
    converting = df["converting"]
    # a row belongs to the journey numbered by the conversions strictly before it in its unit
    df["journey"] = converting.groupby(df["unit_id"]).cumsum() - converting
    out = []
    for (_, _), g in df.groupby(["unit_id", "journey"], sort=False):
        last = g.iloc[-1]
        touches = g[g["channel"] != ""]
        if last["conversion"] > 0:
            end, conversions = last["t"], last["conversion"]
        else:
            end, conversions = touches["t"].max(), 0.0
        age = end - touches["t"]
        if lookback_days is not None:
            touches = touches[age < lookback_days * DAY]
        out.append({
            "path": list(touches["channel"]),
            "conversions": conversions,
            "nulls": 0.0 if conversions > 0 else 1.0,
            "days": (end - touches["t"].min()).total_seconds() / 86400 if len(touches) else None,
        })
    return pd.DataFrame(out)


def stats(path, lookback_days):
    j = journeys(path, lookback_days)
    attributed = j[j["path"].map(len) > 0].copy()
    unattributed = j[j["path"].map(len) == 0]
    attributed["touches"] = attributed["path"].map(len)
    attributed["journeys"] = attributed["conversions"] + attributed["nulls"]
    days = attributed.loc[attributed["conversions"] > 0, "days"].to_numpy()
    probabilities = [0.25, 0.5, 0.75, 0.9]
    by_numpy = np.quantile(days, probabilities)
    by_pandas = pd.Series(days).quantile(probabilities).to_numpy()
    assert np.allclose(by_numpy, by_pandas, rtol=0, atol=1e-12)
    lengths = attributed.groupby("touches")[["journeys", "conversions"]].sum().reset_index()
    transitions = defaultdict(float)
    for p, c, n in zip(attributed["path"], attributed["conversions"], attributed["nulls"]):
        states = ["(start)"] + p
        for a, b in zip(states, states[1:]):
            transitions[(a, b)] += c + n
        transitions[(p[-1], "(conversion)" if c > 0 else "(null)")] += c if c > 0 else n
    return {
        "journeys": float(attributed["journeys"].sum()),
        "conversions": float(attributed["conversions"].sum()),
        "unattributedConversions": float(unattributed["conversions"].sum()),
        "convertingJourneys": int(len(days)),
        "timeToConversion": {f"p{round(q * 100)}": float(v) for q, v in zip(probabilities, by_numpy)},
        "pathLength": [
            {"touches": int(r.touches), "journeys": float(r.journeys), "conversions": float(r.conversions)}
            for r in lengths.itertuples()
        ],
        "transitions": [
            {"from": a, "to": b, "count": v} for (a, b), v in sorted(transitions.items())
        ],
    }


def main():
    log = os.path.join(OUT, "journey_stats_log.csv")
    make_log(log)
    bundled = os.path.join(ROOT, "Datasets", "journeys", "touchpoints.csv")
    cases = [
        {"name": "edges, 7-day lookback", "log": "journey_stats_log.csv", "lookbackDays": 7, **stats(log, 7)},
        {"name": "edges, no lookback", "log": "journey_stats_log.csv", "lookbackDays": None, **stats(log, None)},
        {"name": "bundled, 7-day lookback", "log": "Datasets/journeys/touchpoints.csv", "lookbackDays": 7,
         **stats(bundled, 7)},
    ]
    with open(os.path.join(OUT, "journey_stats.json"), "w") as f:
        json.dump({"generator": "Scripts/make_journey_reference.py", "pandas": pd.__version__,
                   "numpy": np.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
