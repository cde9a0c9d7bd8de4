#!/usr/bin/env python3
"""Reference values for TouchstoneStats (Bayesian, sequential, CUPED, ratio, factorial, quantile methods), from independent implementations.

Writes Tests/TouchstoneStatsTests/Fixtures/methods.json:
  betaBinomial   exact P(p_t > p_c), expected losses and credible intervals of independent Beta
                 posteriors: mpmath (50 digits) on Evan Miller's closed form where it applies,
                 scipy.integrate.quad on scipy's (Boost) Beta functions otherwise
  gaussianBayes  gbstats EffectBayesianABTest (flat and proper priors, relative and absolute)
  sequential     gbstats SequentialTwoSidedTTest (mixture SPRT)
  cuped          gbstats TwoSidedTTest on RegressionAdjustedStatistic (pooled theta)
  ratio          gbstats TwoSidedTTest on RatioStatistic, cross-checked against the variance of
                 the linearised values (mᵢ − R dᵢ)/d̄ computed on the raw data
  factorial      statsmodels OLS with HC1/HC3 on raw unit data (seeded), and a Poisson log-link
                 GLM with HC0 for multiplicative effects; only per-cell sufficient statistics are
                 committed, after asserting the statsmodels fit equals what they imply
  groupSequential  Lan–DeMets O'Brien–Fleming boundaries solved with scipy's multivariate
                 normal CDF (Genz), independent of the recursive integration in Swift
  quantiles      numpy's default (type 7) quantiles and percentile intervals on fixed data

    pip install scipy statsmodels gbstats mpmath
    python3 Scripts/make_reference_methods.py
"""
import json
import math
import os
import sys
import warnings

import mpmath
import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import integrate, optimize, stats

import gbstats
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig, GaussianPrior
from gbstats.frequentist.tests import FrequentistConfig, SequentialConfig, SequentialTwoSidedTTest, TwoSidedTTest
from gbstats.models.statistics import (
    ProportionStatistic, RatioStatistic, RegressionAdjustedStatistic, SampleMeanStatistic,
)

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "TouchstoneStatsTests", "Fixtures", "methods.json")
mpmath.mp.dps = 50


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


# ---------------------------------------------------------------- beta-binomial
def miller(a1, b1, a2, b2):
    """P(X2 > X1), X_i ~ Beta(a_i, b_i), a2 integer: Evan Miller's sum in 50-digit arithmetic."""
    total = mpmath.mpf(0)
    lb = mpmath.log(mpmath.beta(a1, b1))
    for i in range(int(a2)):
        total += mpmath.exp(mpmath.log(mpmath.beta(a1 + i, b1 + b2)) - mpmath.log(b2 + i)
                            - mpmath.log(mpmath.beta(1 + i, b2)) - lb)
    return total


def window(*dists):
    lo = max(0.0, min(d.mean() - 40 * d.std() for d in dists))
    hi = min(1.0, max(d.mean() + 40 * d.std() for d in dists))
    return lo, hi


def quad(f, lo, hi, pts):
    val, _ = integrate.quad(f, lo, hi, points=pts, epsabs=0, epsrel=1e-13, limit=2000)
    return val


def p_greater(x, y):
    """P(X > Y) by quadrature with scipy's Beta (Boost ibeta)."""
    lo, hi = window(x, y)
    return quad(lambda u: y.pdf(u) * x.sf(u), lo, hi, [x.mean(), y.mean()])


def beta_binomial():
    specs = [
        # control units, conversions, treatment units, conversions, alpha, use closed form reference
        (100, 10, 100, 15, 0.05, True),
        (1000, 50, 1000, 65, 0.05, True),
        (5000, 210, 5000, 180, 0.10, True),
        (20, 0, 20, 3, 0.05, True),
        (44700, 8502, 45489, 8279, 0.05, False),
        (1_000_000, 50_000, 1_000_000, 50_400, 0.05, False),
        (20_000_000, 1_000_000, 20_000_000, 1_003_000, 0.05, False),
    ]
    cases = []
    for nc, xc, nt, xt, alpha, closed in specs:
        # Float parameters: scipy's moment formulas overflow int64 at counts of 10⁷.
        c = stats.beta(1.0 + xc, 1.0 + nc - xc)
        t = stats.beta(1.0 + xt, 1.0 + nt - xt)
        ac, bc, at, bt = 1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt
        if closed:
            p = miller(ac, bc, at, bt)
            # Loss of choosing t: E[max(p_c − p_t, 0)] = E[p_c]·P(c⁺ > t) − E[p_t]·P(c > t⁺)
            loss_t = (mpmath.mpf(ac) / (ac + bc) * miller(at, bt, ac + 1, bc)
                      - mpmath.mpf(at) / (at + bt) * miller(at + 1, bt, ac, bc))
            loss_c = (mpmath.mpf(at) / (at + bt) * miller(ac, bc, at + 1, bt)
                      - mpmath.mpf(ac) / (ac + bc) * miller(ac + 1, bc, at, bt))
            p, loss_t, loss_c = float(p), float(loss_t), float(loss_c)
        else:
            p = p_greater(t, c)
            lo, hi = window(c, t)
            # E[max(Y − X, 0)] = ∫ f_X(x) E[(Y − x)⁺] dx, E[(Y − x)⁺] = E[Y]·S_{Y⁺}(x) − x·S_Y(x)
            cp = stats.beta(ac + 1.0, bc)
            tp = stats.beta(at + 1.0, bt)
            loss_t = quad(lambda x: t.pdf(x) * (c.mean() * cp.sf(x) - x * c.sf(x)), lo, hi, [c.mean(), t.mean()])
            loss_c = quad(lambda x: c.pdf(x) * (t.mean() * tp.sf(x) - x * t.sf(x)), lo, hi, [c.mean(), t.mean()])
        case = {"control": {"units": nc, "conversions": xc}, "treatment": {"units": nt, "conversions": xt},
                "alpha": alpha, "expected": {"probabilityToBeatControl": num(p), "expectedLoss": num(loss_t),
                                             "controlExpectedLoss": num(loss_c)}}
        if nc <= 100_000:
            lo, hi = window(c)
            def diff_cdf(d):
                return quad(lambda x: c.pdf(x) * t.cdf(x + d), lo, hi, [c.mean()])
            def ratio_cdf(r):
                return quad(lambda x: c.pdf(x) * t.cdf(x * (1 + r)), lo, hi, [c.mean()])
            sd = math.sqrt(c.var() + t.var())
            center = t.mean() - c.mean()
            q = [alpha / 2, 1 - alpha / 2]
            abs_ci = [optimize.brentq(lambda d: diff_cdf(d) - qq, center - 40 * sd, center + 40 * sd, xtol=1e-15) for qq in q]
            rc = t.mean() / c.mean() - 1
            upper = rc + 1
            while ratio_cdf(upper) < q[1]:
                upper = 2 * upper + 1
            rel_ci = [optimize.brentq(lambda r: ratio_cdf(r) - qq, -1 + 1e-12, upper, xtol=1e-15) for qq in q]
            case["expected"]["absoluteCI"] = [num(v) for v in abs_ci]
            case["expected"]["relativeCI"] = [num(v) for v in rel_ci]
        cases.append(case)
    return cases


# ---------------------------------------------------------------- gbstats helpers
def mean_stat(n, mean, sd):
    return SampleMeanStatistic(n=n, sum=mean * n, sum_squares=sd**2 * (n - 1) + mean**2 * n)


def gaussian_bayes():
    specs = [
        # kind, control, treatment, prior (mean, sd) or None, alpha
        ("mean", (1000, 10.0, 4.0), (1000, 10.4, 4.2), None, 0.05),
        ("mean", (1000, 10.0, 4.0), (1000, 10.4, 4.2), (0.0, 0.1), 0.05),
        ("mean", (250, 52.0, 80.0), (260, 49.0, 75.0), (0.02, 0.05), 0.1),
        ("proportion", (10000, 500), (10000, 560), None, 0.05),
        ("proportion", (10000, 500), (10000, 560), (0.0, 0.3), 0.05),
        ("mean", (50, -3.0, 2.0), (55, -2.5, 2.2), None, 0.05),
    ]
    cases = []
    for kind, c, t, prior, alpha in specs:
        if kind == "mean":
            a, b = mean_stat(*c), mean_stat(*t)
            cj = {"count": c[0], "mean": c[1], "stdDev": c[2]}
            tj = {"count": t[0], "mean": t[1], "stdDev": t[2]}
        else:
            a, b = ProportionStatistic(n=c[0], sum=c[1]), ProportionStatistic(n=t[0], sum=t[1])
            cj = {"units": c[0], "conversions": c[1]}
            tj = {"units": t[0], "conversions": t[1]}
        gp = GaussianPrior() if prior is None else GaussianPrior(mean=prior[0], variance=prior[1] ** 2, proper=True)
        out = {}
        for diff in ["relative", "absolute"]:
            r = EffectBayesianABTest(a, b, EffectBayesianConfig(difference_type=diff, alpha=alpha, prior_effect=gp)).compute_result()
            out[diff] = {"chanceToWin": num(r.chance_to_win), "expected": num(r.expected),
                         "ci": [num(r.ci[0]), num(r.ci[1])], "risk": [num(r.risk[0]), num(r.risk[1])]}
        cases.append({"kind": kind, "control": cj, "treatment": tj,
                      "prior": None if prior is None else {"mean": prior[0], "stdDev": prior[1]},
                      "alpha": alpha, "expected": out})
    return cases


def sequential():
    specs = [
        ("mean", (1000, 10.0, 4.0), (1000, 10.4, 4.2), 5000, 0.05),
        ("mean", (1000, 10.0, 4.0), (1000, 10.4, 4.2), 2000, 0.05),
        ("mean", (20000, 10.0, 4.0), (20000, 10.1, 4.0), 40000, 0.1),
        ("proportion", (10000, 500), (10000, 560), 20000, 0.05),
        ("proportion", (300, 30), (310, 29), 5000, 0.05),
    ]
    cases = []
    for kind, c, t, tuning, alpha in specs:
        if kind == "mean":
            a, b = mean_stat(*c), mean_stat(*t)
            cj = {"count": c[0], "mean": c[1], "stdDev": c[2]}
            tj = {"count": t[0], "mean": t[1], "stdDev": t[2]}
        else:
            a, b = ProportionStatistic(n=c[0], sum=c[1]), ProportionStatistic(n=t[0], sum=t[1])
            cj = {"units": c[0], "conversions": c[1]}
            tj = {"units": t[0], "conversions": t[1]}
        out = {}
        for diff in ["relative", "absolute"]:
            r = SequentialTwoSidedTTest(a, b, SequentialConfig(difference_type=diff, alpha=alpha,
                                                               sequential_tuning_parameter=tuning)).compute_result()
            out[diff] = {"pValue": num(r.p_value), "expected": num(r.expected), "ci": [num(r.ci[0]), num(r.ci[1])]}
        cases.append({"kind": kind, "control": cj, "treatment": tj, "tuning": tuning, "alpha": alpha, "expected": out})
    return cases


# ---------------------------------------------------------------- CUPED and ratio (raw data, seeded)
def moments(y, x):
    return {"count": int(len(y)), "mean": float(np.mean(y)), "stdDev": float(np.std(y, ddof=1)),
            "covariateMean": float(np.mean(x)), "covariateStdDev": float(np.std(x, ddof=1)),
            "covariance": float(np.cov(x, y, ddof=1)[0, 1])}


def cuped():
    rng = np.random.default_rng(20260401)
    cases = []
    for label, n, rho, lift in [("rho 0.7", 4000, 0.7, 0.05), ("rho 0.3", 3000, 0.3, 0.0), ("rho 0.95", 500, 0.95, 0.1)]:
        arms = []
        for effect in [0.0, lift]:
            x = rng.normal(10, 3, n)
            y = 10 + effect + rho * (x - 10) + math.sqrt(1 - rho**2) * 3 * rng.standard_normal(n)
            arms.append((y, x))
        stats_ = []
        for y, x in arms:
            post = SampleMeanStatistic(n=len(y), sum=float(y.sum()), sum_squares=float((y**2).sum()))
            pre = SampleMeanStatistic(n=len(x), sum=float(x.sum()), sum_squares=float((x**2).sum()))
            stats_.append(RegressionAdjustedStatistic(n=len(y), post_statistic=post, pre_statistic=pre,
                                                      post_pre_sum_of_products=float((x * y).sum()), theta=0))
        out = {}
        for diff in ["absolute", "relative"]:
            a = RegressionAdjustedStatistic(**{k: getattr(stats_[0], k) for k in ["n", "post_statistic", "pre_statistic", "post_pre_sum_of_products", "theta"]})
            b = RegressionAdjustedStatistic(**{k: getattr(stats_[1], k) for k in ["n", "post_statistic", "pre_statistic", "post_pre_sum_of_products", "theta"]})
            test = TwoSidedTTest(a, b, FrequentistConfig(difference_type=diff))
            r = test.compute_result()
            out[diff] = {"pValue": num(r.p_value), "expected": num(r.expected), "ci": [num(r.ci[0]), num(r.ci[1])]}
            out["theta"] = num(a.theta)
        # Theta independently: OLS slope of y on x pooled over both arms.
        yy = np.concatenate([arms[0][0], arms[1][0]])
        xx = np.concatenate([arms[0][1], arms[1][1]])
        slope = np.polyfit(xx, yy, 1)[0]
        assert abs(slope - out["theta"]) < 1e-9 * abs(slope), (slope, out["theta"])
        cases.append({"label": label, "rho": rho, "control": moments(*arms[0]), "treatment": moments(*arms[1]),
                      "expected": out})
    return cases


def ratio():
    rng = np.random.default_rng(7)
    cases = []
    for label, n, lift in [("revenue per session", 3000, 0.04), ("clicks per view", 800, 0.0)]:
        arms = []
        for effect in [0.0, lift]:
            d = rng.poisson(4, n) + 1.0
            m = d * (2.5 * (1 + effect)) + rng.normal(0, 2, n) * np.sqrt(d)
            arms.append((m, d))
        gbs = []
        for m, d in arms:
            ms = SampleMeanStatistic(n=n, sum=float(m.sum()), sum_squares=float((m**2).sum()))
            ds = SampleMeanStatistic(n=n, sum=float(d.sum()), sum_squares=float((d**2).sum()))
            gbs.append(RatioStatistic(n=n, m_statistic=ms, d_statistic=ds, m_d_sum_of_products=float((m * d).sum())))
            # Independent check: variance of the linearised values (m − R d)/d̄.
            R = m.sum() / d.sum()
            lin = (m - R * d) / d.mean()
            assert abs(np.var(lin, ddof=1) - gbs[-1].variance) < 1e-9 * gbs[-1].variance
        out = {}
        for diff in ["absolute", "relative"]:
            r = TwoSidedTTest(gbs[0], gbs[1], FrequentistConfig(difference_type=diff)).compute_result()
            out[diff] = {"pValue": num(r.p_value), "expected": num(r.expected), "ci": [num(r.ci[0]), num(r.ci[1])]}
        out["unitVariance"] = [num(gbs[0].variance), num(gbs[1].variance)]
        cases.append({"label": label,
                      "control": {"count": n, "numeratorMean": float(arms[0][0].mean()), "numeratorStdDev": float(arms[0][0].std(ddof=1)),
                                  "denominatorMean": float(arms[0][1].mean()), "denominatorStdDev": float(arms[0][1].std(ddof=1)),
                                  "covariance": float(np.cov(arms[0][0], arms[0][1], ddof=1)[0, 1])},
                      "treatment": {"count": n, "numeratorMean": float(arms[1][0].mean()), "numeratorStdDev": float(arms[1][0].std(ddof=1)),
                                    "denominatorMean": float(arms[1][1].mean()), "denominatorStdDev": float(arms[1][1].std(ddof=1)),
                                    "covariance": float(np.cov(arms[1][0], arms[1][1], ddof=1)[0, 1])},
                      "expected": out})
    return cases


# ---------------------------------------------------------------- factorial (statsmodels)
def factorial():
    rng = np.random.default_rng(4)
    cases = []
    designs = [
        ("2x2 conversion", "proportion", ["control", "email", "push", "email+push"],
         {"control": 0.05, "email": 0.06, "push": 0.055, "email+push": 0.07}, [4000, 3500, 3000, 2500]),
        ("2x2x2 revenue", "mean", ["control", "email", "push", "sms", "email+push", "email+sms", "push+sms", "email+push+sms"],
         None, [300, 250, 280, 260, 240, 230, 220, 210]),
    ]
    for label, kind, variants, rates, sizes in designs:
        ys, cells = [], []
        for v, n in zip(variants, sizes):
            ch = [] if v == "control" else v.split("+")
            if kind == "proportion":
                y = (rng.random(n) < rates[v]).astype(float)
            else:
                mu = 20 + 2 * ("email" in ch) + 1 * ("push" in ch) - 0.5 * ("sms" in ch) + 1.5 * ("email" in ch and "push" in ch)
                y = rng.gamma(2.0, mu / 2.0, n) * (1 + 0.5 * len(ch))  # heteroscedastic by cell
            ys.append((v, ch, y))
            cells.append({"variant": v, "count": int(n), "mean": float(y.mean()), "stdDev": float(y.std(ddof=1))})
        # Saturated design: one term per non-empty arm.
        terms = [v for v in variants if v != "control"]
        names = ["(intercept)"] + [t.replace("+", ":") for t in terms]
        X, Y = [], []
        for v, ch, y in ys:
            row = [1.0] + [1.0 if set(t.split("+")) <= set(ch) else 0.0 for t in terms]
            X += [row] * len(y)
            Y += list(y)
        X, Y = np.array(X), np.array(Y)
        out = {"terms": names}
        for cov in ["HC1", "HC3"]:
            fit = sm.OLS(Y, X).fit(cov_type=cov, use_t=True)
            ci = fit.conf_int(0.05)
            out[cov] = {"estimate": [num(v) for v in fit.params], "standardError": [num(v) for v in fit.bse],
                        "pValue": [num(v) for v in fit.pvalues], "ci": [[num(a), num(b)] for a, b in ci],
                        "df": num(fit.df_resid)}
        # Assert that the per-cell statistics reproduce the saturated fit (cell means ⇒ β).
        means = np.array([c["mean"] for c in cells])
        M = np.array([[1.0] + [1.0 if set(t.split("+")) <= set([] if v == "control" else v.split("+")) else 0.0 for t in terms] for v in variants])
        assert np.allclose(np.linalg.solve(M, means), sm.OLS(Y, X).fit().params, rtol=1e-10, atol=1e-12)
        if kind == "proportion":
            glm = sm.GLM(Y, X, family=sm.families.Poisson()).fit(cov_type="HC0")
            z = stats.norm.isf(0.025)
            out["relative"] = {"estimate": [num(math.expm1(b)) for b in glm.params[1:]],
                               "ci": [[num(math.expm1(b - z * s)), num(math.expm1(b + z * s))] for b, s in zip(glm.params[1:], glm.bse[1:])],
                               "pValue": [num(p) for p in glm.pvalues[1:]]}
        cases.append({"label": label, "kind": kind, "cells": cells, "expected": out})
    return cases


# ---------------------------------------------------------------- group sequential (scipy MVN)
def obf_spend(t, alpha):
    # Two-sided symmetric: each side spends α/2 by Lan & DeMets' one-sided O'Brien–Fleming
    # function 2 − 2Φ(z_{α/4}/√t) (gsDesign sfLDOF; the boundaries tabulated by Jennison & Turnbull).
    return 4 - 4 * stats.norm.cdf(stats.norm.isf(alpha / 4) / math.sqrt(t))


def group_sequential():
    cases = []
    for fractions, alpha in [([0.2, 0.4, 0.6, 0.8, 1.0], 0.05), ([0.3, 0.7, 1.0], 0.05), ([0.5, 1.0], 0.01)]:
        K = len(fractions)
        corr = np.array([[math.sqrt(min(a, b) / max(a, b)) for b in fractions] for a in fractions])
        bounds = []
        for k in range(K):
            target = obf_spend(fractions[k], alpha)  # cumulative α spent by look k
            def crossed(c):
                b = bounds + [c]
                cov = corr[: k + 1, : k + 1]
                mvn = stats.multivariate_normal(mean=np.zeros(k + 1), cov=cov, allow_singular=True, seed=1,
                                                maxpts=4_000_000, abseps=1e-11, releps=1e-11)
                inside = mvn.cdf(np.array(b), lower_limit=-np.array(b))
                return 1 - inside - target
            bounds.append(optimize.brentq(crossed, 0.5, 12, xtol=1e-8))
        if fractions == [0.2, 0.4, 0.6, 0.8, 1.0] and alpha == 0.05:
            # Published Lan–DeMets O'Brien–Fleming boundaries (Jennison & Turnbull 2000, ldbounds).
            assert np.allclose(bounds, [4.877, 3.357, 2.680, 2.290, 2.031], atol=1.5e-3), bounds
        cases.append({"informationFractions": fractions, "alpha": alpha, "expected": [num(b) for b in bounds],
                      "cumulativeAlpha": [num(obf_spend(t, alpha)) for t in fractions]})
    return cases


# ---------------------------------------------------------------- quantiles (numpy)
def quantiles():
    rng = np.random.default_rng(11)
    data = rng.lognormal(0, 1, 37)
    qs = [0.0, 0.05, 0.25, 0.5, 0.9, 0.99, 1.0]
    return {"data": [float(v) for v in data], "levels": qs,
            "expected": [num(np.quantile(data, q)) for q in qs]}


def main():
    doc = {
        "generator": "Scripts/make_reference_methods.py",
        "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                     "numpy": np.__version__, "mpmath": mpmath.__version__,
                     "gbstats": getattr(gbstats, "__version__", "unknown")},
        "betaBinomial": beta_binomial(),
        "gaussianBayes": gaussian_bayes(),
        "sequential": sequential(),
        "cuped": cuped(),
        "ratio": ratio(),
        "factorial": factorial(),
        "groupSequential": group_sequential(),
        "quantiles": quantiles(),
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
