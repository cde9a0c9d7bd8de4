#!/usr/bin/env python3
"""Peers for the StatsBenchmarks: the same 1,000-arm comparisons in statsmodels, scipy and gbstats.

Times (median of repeated runs) the per-arm work that `StatsBenchmarks` measures in Swift:
1,000 two-proportion z tests with Wald CIs and delta-method lifts, 1,000 Welch tests from
summary statistics, and Holm over 2,000 p-values. Prints microseconds per 1,000 arms, to set
beside `cd Benchmarks && swift package benchmark --target StatsBenchmarks`.

    pip install scipy statsmodels gbstats numpy
    python3 Benchmarks/peers/stats_peer.py
"""
import math
import statistics
import time

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

ARMS = 1000
control = (100_000, 5_000)
treat = [(100_000, 5_000 + i) for i in range(1, ARMS + 1)]
mean_control = (50_000, 10.0, 25.0)
mean_treat = [(50_000, 10 + i * 1e-3, 25.0) for i in range(1, ARMS + 1)]


def z_tests_statsmodels():
    out = []
    for n, x in treat:
        z, p = proportions_ztest([x, control[1]], [n, control[0]])
        lo, hi = confint_proportions_2indep(x, n, control[1], control[0], method="wald")
        pc, pt = control[1] / control[0], x / n
        rse = math.sqrt(pt * (1 - pt) / n / pc**2 + pt**2 * pc * (1 - pc) / control[0] / pc**4)
        out.append((z, p, lo, hi, pt / pc - 1, rse))
    return out


def z_tests_numpy_vectorised():
    n = np.array([t[0] for t in treat], dtype=float)
    x = np.array([t[1] for t in treat], dtype=float)
    nc, xc = control
    pc, pt = xc / nc, x / n
    pooled = (xc + x) / (nc + n)
    z = (pt - pc) / np.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / n))
    p = 2 * stats.norm.sf(np.abs(z))
    se = np.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / n)
    q = stats.norm.isf(0.025)
    return z, p, pt - pc - q * se, pt - pc + q * se


def welch_scipy():
    nc, mc, sc = mean_control
    return [stats.ttest_ind_from_stats(m, s, n, mc, sc, nc, equal_var=False) for n, m, s in mean_treat]


def holm():
    return multipletests(np.linspace(1e-6, 0.5, 2 * ARMS), method="holm")


def timed(fn, repeats=15):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def main():
    print("| task (1,000 arms) | peer | median µs |")
    print("|---|---|---:|")
    for name, peer, fn in [
        ("z tests + Wald CI + delta-method lift", "statsmodels (per arm)", z_tests_statsmodels),
        ("z tests + Wald CI", "numpy/scipy vectorised", z_tests_numpy_vectorised),
        ("Welch tests from summary statistics", "scipy ttest_ind_from_stats", welch_scipy),
        ("Holm over 2,000 p-values", "statsmodels multipletests", holm),
    ]:
        print(f"| {name} | {peer} | {timed(fn):,.0f} |")


if __name__ == "__main__":
    main()
