#!/usr/bin/env python3
"""Reference values for classical factorial effects, the additive model, its lack-of-fit test,
CUPED-adjusted factorial effects and the Bayesian probability that each arm is best.

Writes Tests/TouchstoneStatsTests/Fixtures/factorial.json. Every number comes from statsmodels /
scipy run on per-unit data (the Swift side only ever sees per-cell sufficient statistics):

- saturated: statsmodels OLS of y on ±1-coded factors and all their interactions,
  fit(cov_type=HC1|HC3, use_t=True); Touchstone's effects are 2 × the coefficients (and 2 × the
  interval ends). Relative main effect (b0 + bj)/(b0 − bj) − 1, which is the ratio of the average
  cell mean with channel j to the average without, by the delta method on statsmodels' cov_params.
- additive: OLS y ~ email + push + in_app (0/1), same covariance choices; relative effect from the
  fitted cell means averaged over the full grid, delta method on cov_params. Lack of fit:
  statsmodels wald_test(use_f=True) of all interaction coefficients of the ±1 saturated fit; with
  a missing cell, of the restriction N'Mβ = 0 on the 0/1 saturated fit of the cells present
  (N spans the orthogonal complement of the additive design, scipy.linalg.null_space).
- CUPED: θ = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)² pooled over all units, then the saturated ±1 OLS of
  z = y − θ(x − x̄) (θ held fixed, as CUPED does).
- probabilityBest: P(arm i has the highest mean) by scipy.integrate.quad of f_i Π_{j≠i} F_j, for
  Beta(1 + c, 1 + n − c) posteriors and for normal N(ȳ, s²/n) ones; cross-checked here by 4M
  Monte Carlo draws.

Run: python3 Scripts/make_factorial_reference.py   (needs numpy, scipy, statsmodels)
"""
import itertools
import json
import math
import os

import numpy as np
import statsmodels.api as sm
from scipy import integrate, linalg, stats

CHANNELS = ["email", "push", "in_app"]
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "TouchstoneStatsTests", "Fixtures", "factorial.json")


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def variant(mask):
    on = [c for j, c in enumerate(CHANNELS) if mask & (1 << j)]
    return "+".join(on) if on else "control"


def term_masks(k):
    # Main effects in channel order, then two-way, then three-way (by mask within an order).
    return sorted(range(1, 1 << k), key=lambda m: (bin(m).count("1"), m))


def term_name(mask):
    return ":".join(c for j, c in enumerate(CHANNELS) if mask & (1 << j))


def simulate(kind, sizes, rng, covariate=False):
    """Per-unit data for the cells with a positive size; returns rows (mask, y, x)."""
    rows = []
    for mask, n in enumerate(sizes):
        if n == 0:
            continue
        e, p, a = (mask >> 0) & 1, (mask >> 1) & 1, (mask >> 2) & 1
        x = rng.gamma(2.0, 5.0, n) if covariate else np.zeros(n)
        if kind == "proportion":
            rate = 0.08 + 0.012 * e + 0.009 * p + 0.006 * a - 0.005 * e * p + 0.002 * e * p * a
            y = (rng.random(n) < rate).astype(float)
        else:
            mu = 20 + 2.0 * e + 1.0 * p - 0.5 * a + 1.5 * e * p - 0.7 * p * a
            y = rng.gamma(2.0, mu / 2.0, n) * (1 + 0.4 * (e + p + a))  # heteroscedastic by cell
            if covariate:
                y = y + 0.8 * (x - 10)
        rows.append((mask, y, x))
    return rows


def cells_json(kind, rows, covariate=False):
    out = []
    for mask, y, x in rows:
        cell = {"variant": variant(mask), "count": int(len(y)), "mean": float(y.mean()),
                "sumOfSquaredDeviations": float(((y - y.mean()) ** 2).sum())}
        if kind == "proportion":
            cell["conversions"] = int(y.sum())
        if covariate:
            cell["covariateMean"] = float(x.mean())
            cell["covariateSumOfSquaredDeviations"] = float(((x - x.mean()) ** 2).sum())
            cell["coMoment"] = float(((x - x.mean()) * (y - y.mean())).sum())
        out.append(cell)
    return out


def stack(rows, columns):
    X = np.vstack([np.tile(columns(mask), (len(y), 1)) for mask, y, _ in rows])
    Y = np.concatenate([y for _, y, _ in rows])
    return X, Y


def pm(mask, j):
    return 1.0 if mask & (1 << j) else -1.0


def saturated_columns(k):
    masks = term_masks(k)
    return lambda c: np.array([1.0] + [np.prod([pm(c, j) for j in range(k) if t & (1 << j)]) for t in masks])


def ratio_ci(c_with, c_without, beta, V, crit):
    a, b = c_with @ beta, c_without @ beta
    r = a / b - 1
    g = c_with / b - a * c_without / b**2
    se = math.sqrt(g @ V @ g)
    return r, [r - crit * se, r + crit * se]


def saturated_reference(rows, k, Y=None):
    X, Yrows = stack(rows, saturated_columns(k))
    Y = Yrows if Y is None else Y
    out = {"terms": [term_name(m) for m in term_masks(k)]}
    for cov in ["HC1", "HC3"]:
        fit = sm.OLS(Y, X).fit(cov_type=cov, use_t=True)
        ci = fit.conf_int(0.05)
        crit = stats.t.isf(0.025, fit.df_resid)
        rel, relci = [], []
        for j in range(k):
            cw = np.zeros(len(fit.params)); cw[0] = 1; cw[1 + j] = 1
            cwo = np.zeros(len(fit.params)); cwo[0] = 1; cwo[1 + j] = -1
            r, rci = ratio_ci(cw, cwo, fit.params, fit.cov_params(), crit)
            rel.append(num(r)); relci.append([num(v) for v in rci])
        out[cov] = {"estimate": [num(2 * v) for v in fit.params[1:]], "standardError": [num(2 * v) for v in fit.bse[1:]],
                    "pValue": [num(v) for v in fit.pvalues[1:]], "ci": [[num(2 * a), num(2 * b)] for a, b in ci[1:]],
                    "df": num(fit.df_resid), "relativeEffect": rel, "relativeCI": relci}
        # Lack of fit of the additive model: all interaction coefficients are zero.
        R = np.zeros((len(fit.params) - 1 - k, len(fit.params)))
        for i in range(R.shape[0]):
            R[i, 1 + k + i] = 1
        w = fit.wald_test(R, use_f=True, scalar=True)
        out[cov]["lackOfFit"] = {"statistic": num(w.statistic), "df": int(w.df_num), "denominatorDF": num(w.df_denom),
                                 "pValue": num(w.pvalue)}
    return out


def additive_reference(rows, k):
    X, Y = stack(rows, lambda c: np.array([1.0] + [1.0 if c & (1 << j) else 0.0 for j in range(k)]))
    masks = [m for m, _, _ in rows]
    out = {"terms": CHANNELS[:k]}
    for cov in ["HC1", "HC3"]:
        fit = sm.OLS(Y, X).fit(cov_type=cov, use_t=True)
        ci = fit.conf_int(0.05)
        crit = stats.t.isf(0.025, fit.df_resid)
        rel, relci = [], []
        for j in range(k):
            # Averages over the full 2^k grid of the fitted cell means with / without channel j.
            cwo = np.array([1.0] + [0.5 if i != j else 0.0 for i in range(k)])
            cw = cwo.copy(); cw[1 + j] = 1.0
            r, rci = ratio_ci(cw, cwo, fit.params, fit.cov_params(), crit)
            rel.append(num(r)); relci.append([num(v) for v in rci])
        out[cov] = {"estimate": [num(v) for v in fit.params[1:]], "standardError": [num(v) for v in fit.bse[1:]],
                    "pValue": [num(v) for v in fit.pvalues[1:]], "ci": [[num(a), num(b)] for a, b in ci[1:]],
                    "df": num(fit.df_resid), "relativeEffect": rel, "relativeCI": relci}
        # Lack of fit on the cell-means (0/1 saturated over the cells present) model.
        present = sorted(masks)
        sat_terms = [m for m in present if m != 0]

        def sat_cols(c):
            return np.array([1.0] + [1.0 if (c & t) == t else 0.0 for t in sat_terms])
        Xs, Ys = stack(rows, sat_cols)
        sfit = sm.OLS(Ys, Xs).fit(cov_type=cov, use_t=True)
        M = np.array([sat_cols(c) for c in present])
        A = np.array([[1.0] + [1.0 if c & (1 << j) else 0.0 for j in range(k)] for c in present])
        N = linalg.null_space(A.T)
        if N.shape[1] > 0:
            w = sfit.wald_test(N.T @ M, use_f=True, scalar=True)
            out[cov]["lackOfFit"] = {"statistic": num(w.statistic), "df": int(w.df_num), "denominatorDF": num(w.df_denom),
                                     "pValue": num(w.pvalue)}
    return out


def factorial_cases():
    rng = np.random.default_rng(15)
    cases = []
    designs = [
        ("2^3 revenue, unequal cells", "mean", [420, 380, 350, 300, 330, 290, 260, 240], False),
        ("2^3 conversion, unequal cells", "proportion", [5200, 4700, 4400, 4100, 3900, 3600, 3300, 3000], False),
        ("2^3 revenue, no email+push+in_app cell", "mean", [400, 360, 340, 310, 300, 280, 270, 0], False),
        ("2^3 revenue with covariate (CUPED)", "mean", [300, 280, 260, 240, 250, 230, 220, 210], True),
    ]
    for label, kind, sizes, covariate in designs:
        rows = simulate(kind, sizes, rng, covariate)
        case = {"label": label, "kind": kind, "cells": cells_json(kind, rows, covariate)}
        full = all(n > 0 for n in sizes)
        if covariate:
            x = np.concatenate([r[2] for r in rows]); y = np.concatenate([r[1] for r in rows])
            theta = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
            z = y - theta * (x - x.mean())
            case["cupedTheta"] = float(theta)
            case["saturated"] = saturated_reference(rows, 3, Y=z)
            # The adjusted cell means, for the relative effects' levels.
            case["adjustedMeans"] = [float(z[sum(len(r[1]) for r in rows[:i]):sum(len(r[1]) for r in rows[:i + 1])].mean())
                                     for i in range(len(rows))]
        else:
            if full:
                case["saturated"] = saturated_reference(rows, 3)
            case["additive"] = additive_reference(rows, 3)
        cases.append(case)
    return cases


def probability_best_cases():
    cases = []
    rng = np.random.default_rng(7)
    for label, arms in [
        ("four conversion arms", [(10000, 500), (10000, 540), (10000, 530), (10000, 470)]),
        ("three small arms", [(200, 20), (180, 25), (220, 24)]),
    ]:
        posts = [stats.beta(1 + c, 1 + n - c) for n, c in arms]
        exact = []
        for i, post in enumerate(posts):
            lo, hi = post.ppf(1e-15), post.isf(1e-15)
            f = lambda u: post.pdf(u) * np.prod([q.cdf(u) for j, q in enumerate(posts) if j != i])
            val, _ = integrate.quad(f, lo, hi, points=[post.mean()], epsabs=0, epsrel=1e-11, limit=500)
            exact.append(val)
        draws = np.column_stack([post.rvs(size=4_000_000, random_state=rng) for post in posts])
        mc = np.bincount(draws.argmax(axis=1), minlength=len(arms)) / draws.shape[0]
        assert np.allclose(exact, mc, atol=3e-3), (exact, mc)
        cases.append({"label": label, "model": "beta", "arms": [{"units": n, "conversions": c} for n, c in arms],
                      "probabilityBest": exact})
    for label, arms in [("three revenue arms", [(5000, 10.0, 25.0), (5000, 10.6, 26.0), (4800, 10.4, 24.0)])]:
        posts = [stats.norm(m, s / math.sqrt(n)) for n, m, s in arms]
        exact = []
        for i, post in enumerate(posts):
            f = lambda u: post.pdf(u) * np.prod([q.cdf(u) for j, q in enumerate(posts) if j != i])
            val, _ = integrate.quad(f, post.ppf(1e-15), post.isf(1e-15), points=[post.mean()], epsabs=0, epsrel=1e-11, limit=500)
            exact.append(val)
        draws = np.column_stack([post.rvs(size=4_000_000, random_state=rng) for post in posts])
        mc = np.bincount(draws.argmax(axis=1), minlength=len(arms)) / draws.shape[0]
        assert np.allclose(exact, mc, atol=3e-3), (exact, mc)
        cases.append({"label": label, "model": "normal",
                      "arms": [{"units": n, "mean": m, "stdDev": s} for n, m, s in arms], "probabilityBest": exact})
    return cases


def main():
    out = {"factorial": factorial_cases(), "probabilityBest": probability_best_cases()}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
