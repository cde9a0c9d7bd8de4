#!/usr/bin/env python3
"""Reference values for Thompson-sampling allocation (ThompsonAllocation).

P(arm i is best) = ∫ f_i(u) Π_{j≠i} F_j(u) du by scipy.integrate.quad, for Beta(1 + c, 1 + n − c)
posteriors of conversion arms and N(mean, se²) posteriors of mean arms; then the weights floored
at a minimum share by water-filling (raise arms below the floor to it, rescale the rest in
proportion to P(best), repeat), implemented here independently of the Swift code.

Writes Tests/TouchstoneStatsTests/Fixtures/bandit.json.
"""
import json
import os

import numpy as np
from scipy import integrate, stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TouchstoneStatsTests", "Fixtures", "bandit.json")


def probability_best(dists, support):
    lo, hi = support
    result = []
    for i, d in enumerate(dists):
        def f(u):
            v = d.pdf(u)
            for j, o in enumerate(dists):
                if j != i:
                    v *= o.cdf(u)
            return v
        m, s = d.mean(), d.std()
        a, b = max(lo, m - 40 * s), min(hi, m + 40 * s)
        value, _ = integrate.quad(f, a, b, points=[m], epsabs=1e-13, epsrel=1e-11, limit=500)
        result.append(value)
    return result


def floored(p, floor):
    p = np.asarray(p, dtype=float)
    w = p / p.sum()
    pinned = np.zeros(len(p), dtype=bool)
    while True:
        new = (~pinned) & (w < floor)
        if not new.any():
            break
        pinned |= new
        free = ~pinned
        left = 1 - floor * pinned.sum()
        w = np.where(pinned, floor, left * p / p[free].sum() if free.any() else 0)
        if not free.any():
            break
    return [float(v) for v in w]


def main():
    cases = []
    conversion = [
        ("two arms", [(1000, 100), (1000, 120)], 0.01),
        ("three arms, one clearly worse", [(5000, 500), (5000, 560), (5000, 430)], 0.01),
        ("five arms, small samples", [(40, 3), (35, 5), (50, 4), (20, 2), (45, 9)], 0.05),
        ("equal arms", [(800, 80), (800, 80), (800, 80)], 0.01),
        ("zero conversions", [(100, 0), (120, 1)], 0.1),
    ]
    for label, arms, floor in conversion:
        dists = [stats.beta(1 + c, 1 + n - c) for n, c in arms]
        p = probability_best(dists, (0, 1))
        cases.append({"label": label, "model": "beta", "arms": [{"units": n, "conversions": c} for n, c in arms],
                      "minimumShare": floor, "probabilityBest": p, "weights": floored(p, floor)})
    means = [
        ("three means", [(10.0, 0.5), (10.8, 0.6), (9.5, 0.4)], 0.01),
        ("four close means", [(3.0, 0.1), (3.05, 0.1), (2.98, 0.12), (3.1, 0.2)], 0.02),
    ]
    for label, arms, floor in means:
        dists = [stats.norm(m, s) for m, s in arms]
        p = probability_best(dists, (-np.inf, np.inf))
        cases.append({"label": label, "model": "normal", "arms": [{"mean": m, "standardError": s} for m, s in arms],
                      "minimumShare": floor, "probabilityBest": p, "weights": floored(p, floor)})
    for c in cases:
        assert abs(sum(c["probabilityBest"]) - 1) < 1e-8, c["label"]
        assert abs(sum(c["weights"]) - 1) < 1e-12, c["label"]
    with open(OUT, "w") as f:
        json.dump({"generator": "Scripts/make_bandit_reference.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases")
    for c in cases:
        print(c["label"], [round(v, 5) for v in c["probabilityBest"]], [round(v, 5) for v in c["weights"]])


if __name__ == "__main__":
    main()
