#!/usr/bin/env python3
"""Reference fixtures for TouchstoneAttribution.

Writes Tests/TouchstoneAttributionTests/Fixtures/*.json:

* attribution_synthetic.json -- path sets generated here with a fixed seed (inputs included),
  with ChannelAttribution 2.2.5 heuristics, ChannelAttribution's simulated Markov model over
  several seeds (its run-to-run spread), an independent exact absorbing-chain solve written
  below (numpy / scipy sparse LU), and brute-force Shapley values over all coalitions.
* attribution_channelattribution_example.json -- the same reference outputs for the package's
  own example paths (../shared/datasets/channelattribution_paths.csv, GPL-3). Only derived
  numbers are written, never the paths themselves.

Usage: python3 Scripts/make_attribution_reference.py [--shared ../shared]
Needs: pip install ChannelAttribution==2.2.5 pandas numpy scipy matplotlib
"""
import argparse
import io
import itertools
import json
import math
import os
import sys
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

with redirect_stdout(io.StringIO()):
    import ChannelAttribution as ca

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TouchstoneAttributionTests", "Fixtures")
# Spaced apart: the package seeds fold k of a run with seed + k, so neighbouring seeds share folds.
SIM_SEEDS = [0, 100, 200, 300, 400, 500, 600, 700]
MAX_STEP = 1000


def quiet(fn, *args, **kwargs):
    with redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


# --------------------------------------------------------------------------- exact Markov
def exact_markov(paths, order, include_nulls=True):
    """Removal effects by solving the absorbing chain exactly (independent of the Swift code).

    paths: list of (channels list, conversions, value, nulls).
    States: windows of `order` consecutive touches (whole path when shorter); consecutive
    repeats collapsed; start -> states -> conversion/null weighted by journeys.
    """
    index = {(): 0}
    trans = {}
    out = [0.0]
    conv = [0.0]
    val = [0.0]

    def state(w):
        w = tuple(w)
        if w not in index:
            index[w] = len(index)
            out.append(0.0)
            conv.append(0.0)
            val.append(0.0)
        return index[w]

    total_conv = 0.0
    total_val = 0.0
    for chans, c, v, n in paths:
        nulls = n if include_nulls else 0.0
        total_conv += c
        total_val += v
        w = c + nulls
        if w <= 0:
            continue
        seq = [state(chans[i:i + order]) for i in range(max(1, len(chans) - order + 1))]
        prev = 0
        for s in seq:
            if s == prev:
                continue
            trans[(prev, s)] = trans.get((prev, s), 0.0) + w
            out[prev] += w
            prev = s
        conv[prev] += c
        val[prev] += v
        out[prev] += w
    states = [None] * len(index)
    for k, i in index.items():
        states[i] = k
    nstates = len(states)
    channels = sorted({ch for chans, _, _, _ in paths for ch in chans})

    def solve(keep):
        pos = {s: i for i, s in enumerate(keep)}
        m = len(keep)
        rows, cols, data = [], [], []
        for i in range(m):
            rows.append(i); cols.append(i); data.append(1.0)
        for (a, b), w in trans.items():
            if a in pos and b in pos:
                rows.append(pos[a]); cols.append(pos[b]); data.append(-w / out[a])
        A = sp.csc_matrix((data, (rows, cols)), shape=(m, m))
        r = np.array([conv[s] / out[s] if out[s] > 0 else 0.0 for s in keep])
        q = np.array([val[s] / out[s] if out[s] > 0 else 0.0 for s in keep])
        lu = spla.splu(A)
        return lu.solve(r)[0], lu.solve(q)[0]

    x0, y0 = solve(list(range(nstates)))
    re, rev = {}, {}
    for ch in channels:
        keep = [s for s in range(nstates) if s == 0 or ch not in states[s]]
        x, y = solve(keep)
        re[ch] = max(0.0, 1 - x / x0)
        rev[ch] = max(0.0, 1 - y / y0) if y0 > 0 else 0.0
    sre, srev = sum(re.values()), sum(rev.values())
    return {
        "order": order,
        "includeNullPaths": include_nulls,
        "states": nstates,
        "conversionProbability": x0,
        "removalEffects": re,
        "valueRemovalEffects": rev,
        "conversions": {ch: total_conv * re[ch] / sre for ch in channels},
        "values": {ch: total_val * rev[ch] / srev for ch in channels},
    }


# --------------------------------------------------------------------------- Shapley
def brute_force_shapley(paths):
    """Textbook Shapley over all 2^n coalitions with v(S) = sum of R(T) for T subset of S."""
    channels = sorted({ch for chans, _, _, _ in paths for ch in chans})
    n = len(channels)
    idx = {ch: i for i, ch in enumerate(channels)}
    R = np.zeros(1 << n)
    Rv = np.zeros(1 << n)
    for chans, c, v, _ in paths:
        mask = 0
        for ch in chans:
            mask |= 1 << idx[ch]
        R[mask] += c
        Rv[mask] += v
    # v(S) by direct enumeration of submasks (independent of the Swift zeta transform).
    V = np.zeros(1 << n)
    Vv = np.zeros(1 << n)
    present = [m for m in range(1 << n) if R[m] != 0 or Rv[m] != 0]
    masks = np.arange(1 << n)
    for m in present:
        sub = (masks & m) == m
        V[sub] += R[m]
        Vv[sub] += Rv[m]
    fact = [math.factorial(k) for k in range(n + 1)]
    sizes = np.array([bin(m).count("1") for m in range(1 << n)])
    phi, phiv = {}, {}
    for ch in channels:
        b = 1 << idx[ch]
        without = masks[(masks & b) == 0]
        w = np.array([fact[s] * fact[n - s - 1] / fact[n] for s in range(n)])[sizes[without]]
        phi[ch] = float(np.sum(w * (V[without | b] - V[without])))
        phiv[ch] = float(np.sum(w * (Vv[without | b] - Vv[without])))
    return {"conversions": phi, "values": phiv}


# --------------------------------------------------------------------------- ChannelAttribution
def to_frame(paths):
    return pd.DataFrame({
        "path": [" > ".join(ch) for ch, _, _, _ in paths],
        "total_conversions": [int(c) for _, c, _, _ in paths],
        "total_conversion_value": [float(v) for _, _, v, _ in paths],
        "total_null": [int(n) for _, _, _, n in paths],
    })


def ca_heuristics(df):
    h = quiet(ca.heuristic_models, df, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
    res = {}
    for model in ["first", "last", "linear"]:
        res[model] = {
            row.channel_name: [float(getattr(row, f"{model}_touch_conversions")), float(getattr(row, f"{model}_touch_value"))]
            for row in h.itertuples()
        }
    return res


def ca_markov_runs(df, order, include_nulls=True, max_step=MAX_STEP):
    """ChannelAttribution's simulation over several seeds.

    By default it stops each random walk after as many steps as the longest observed path and
    counts such a walk as neither conversion nor null, which biases removal effects downwards
    on data with short paths. `max_step=MAX_STEP` lifts that cap so the runs estimate the
    chain's exact quantities; `max_step=None` keeps the package default (recorded as well).
    """
    runs = []
    for seed in SIM_SEEDS:
        kwargs = dict(var_value="total_conversion_value", order=order, out_more=True, seed=seed, verbose=False, flg_pro=False,
                      max_step=max_step)
        if include_nulls:
            kwargs["var_null"] = "total_null"
        m = quiet(ca.markov_model, df, "path", "total_conversions", **kwargs)
        conv = {r.channel_name: float(r.total_conversions) for r in m["result"].itertuples()}
        re = {r.channel_name: float(r.removal_effects_conversion) for r in m["removal_effects"].itertuples()}
        runs.append({"seed": seed, "conversions": conv, "removalEffects": re})
    return {"order": order, "includeNullPaths": include_nulls, "maxStep": max_step or 0, "runs": runs}


# --------------------------------------------------------------------------- synthetic data
CHANNELS = ["email", "push", "sms", "in_app", "web", "paid_search", "social", "display",
            "affiliate", "direct", "tv", "podcast", "partner", "referral"]


def synthetic(seed, n_channels, n_rows, max_len):
    rng = np.random.default_rng(seed)
    chans = CHANNELS[:n_channels]
    pref = rng.dirichlet(np.ones(n_channels) * 0.8)
    lift = rng.uniform(0.0, 0.6, n_channels)
    seen = {}
    for _ in range(n_rows):
        length = int(min(max_len, rng.geometric(0.35)))
        path = list(rng.choice(chans, size=length, p=pref))
        if rng.random() < 0.25 and length > 1:   # repeated touches, which linear counts twice
            path.insert(1, path[0])
        key = tuple(path)
        p_conv = 1 - math.exp(-0.15 - sum(lift[chans.index(c)] for c in set(path)) * 0.5)
        journeys = int(rng.integers(1, 40))
        c = int(rng.binomial(journeys, min(0.95, p_conv)))
        n = journeys - c
        v = float(np.round(c * rng.lognormal(3.0, 0.6), 4)) if c else 0.0
        if key in seen:
            a = seen[key]
            seen[key] = (a[0] + c, round(a[1] + v, 4), a[2] + n)
        else:
            seen[key] = (c, v, n)
    return [(list(k), float(c), float(v), float(n)) for k, (c, v, n) in seen.items()]


def reference(paths, orders, sim_orders, shapley):
    df = to_frame(paths)
    ref = {"heuristics": ca_heuristics(df)}
    ref["markovExact"] = [exact_markov(paths, k, True) for k in orders] + [exact_markov(paths, 1, False)]
    ref["markovSimulated"] = [ca_markov_runs(df, k) for k in sim_orders] + [ca_markov_runs(df, 1, False)]
    ref["markovSimulatedDefaultCap"] = [ca_markov_runs(df, 1, True, max_step=None)]
    if shapley:
        ref["shapleyBruteForce"] = brute_force_shapley(paths)
    ref["totals"] = {
        "conversions": float(sum(c for _, c, _, _ in paths)),
        "value": float(sum(v for _, _, v, _ in paths)),
        "nulls": float(sum(n for _, _, _, n in paths)),
    }
    return ref


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)

    cases = []
    for name, seed, n_ch, rows, max_len in [("small6", 11, 6, 120, 6), ("medium10", 12, 10, 400, 8), ("wide12", 13, 12, 600, 7)]:
        paths = synthetic(seed, n_ch, rows, max_len)
        ref = reference(paths, orders=[1, 2, 3], sim_orders=[1, 2], shapley=True)
        ref["name"] = name
        ref["paths"] = [{"path": ch, "conversions": c, "value": v, "nulls": n} for ch, c, v, n in paths]
        cases.append(ref)
        print(f"{name}: {len(paths)} paths, {n_ch} channels", file=sys.stderr)
    meta = {"generator": "Scripts/make_attribution_reference.py", "channelAttribution": "2.2.5",
            "simulationSeeds": SIM_SEEDS, "numpy": np.__version__}
    with open(os.path.join(OUT, "attribution_synthetic.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, indent=1, sort_keys=True)

    source = os.path.join(args.shared, "datasets", "channelattribution_paths.csv")
    if os.path.exists(source):
        df = pd.read_csv(source, sep=";")
        paths = [([c.strip() for c in p.split(">") if c.strip()], float(c), float(v), float(n))
                 for p, c, v, n in zip(df["path"], df["total_conversions"], df["total_conversion_value"], df["total_null"])]
        ref = reference(paths, orders=[1, 2, 3], sim_orders=[1, 2], shapley=False)
        ref["name"] = "channelattribution_example"
        ref["source"] = "shared/datasets/channelattribution_paths.csv (ChannelAttribution example Data.csv, GPL-3); outputs only"
        ref["rows"] = len(paths)
        with open(os.path.join(OUT, "attribution_channelattribution_example.json"), "w") as f:
            json.dump({"meta": meta, "cases": [ref]}, f, indent=1, sort_keys=True)
        print("example: written", file=sys.stderr)
    else:
        print(f"skipping the example: {source} not found", file=sys.stderr)


if __name__ == "__main__":
    main()
