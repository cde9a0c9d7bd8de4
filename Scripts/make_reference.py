#!/usr/bin/env python3
"""Reference values for TouchstoneStats' frequentist core, from independent implementations.

Writes Tests/TouchstoneStatsTests/Fixtures/reference.json. Every number comes from scipy,
statsmodels or gbstats (or from a formula evaluated with their distribution functions where
the library has no direct call, as noted per section). Non-finite values are written as the
strings "inf", "-inf" and "nan".

    pip install scipy statsmodels gbstats
    python3 Scripts/make_reference.py
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.multitest import multipletests

import gbstats
from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
from gbstats.models.statistics import SampleMeanStatistic

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "TouchstoneStatsTests", "Fixtures", "reference.json")


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


SM_ALT = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


# ---------------------------------------------------------------- distributions (scipy)
def distributions():
    cases = []
    for x in [-8.0, -1.96, 0.0, 0.5, 1.959963984540054, 5.0, 10.0, 20.0, 30.0, 37.0, 37.5]:
        cases.append({"function": "normal.survival", "x": x, "expected": num(stats.norm.sf(x))})
        cases.append({"function": "normal.cdf", "x": x, "expected": num(stats.norm.cdf(x))})
    for p in [1e-300, 1e-20, 1e-6, 0.025, 0.5, 0.975, 0.999999]:
        cases.append({"function": "normal.quantile", "x": p, "expected": num(stats.norm.ppf(p))})
        cases.append({"function": "normal.upperQuantile", "x": p, "expected": num(stats.norm.isf(p))})
    for df in [1.0, 2.5, 10.0, 97.3, 1e4]:
        for x in [-3.0, 0.0, 1.0, 2.5, 8.0]:
            cases.append({"function": "t.survival", "x": x, "df": df, "expected": num(stats.t.sf(x, df))})
        for p in [0.005, 0.025, 0.5, 0.95]:
            cases.append({"function": "t.quantile", "x": p, "df": df, "expected": num(stats.t.ppf(p, df))})
    for df in [1.0, 2.0, 5.0, 30.0]:
        for x in [0.5, 3.84, 20.0, 200.0]:
            cases.append({"function": "chisq.survival", "x": x, "df": df, "expected": num(stats.chi2.sf(x, df))})
    return cases


# ---------------------------------------------------------------- two-proportion z test (statsmodels)
def ztests():
    specs = [
        # control units, conversions, treatment units, conversions, alpha, alternative, label
        (21306, 122, 21307, 267, 0.05, "two-sided", "hillstrom mens conversion"),
        (21306, 2262, 21387, 3238, 0.05, "two-sided", "hillstrom womens visit"),
        (44700, 8502, 45489, 8279, 0.05, "two-sided", "cookie cats retention_7"),
        (44700, 20034, 45489, 20119, 0.05, "two-sided", "cookie cats retention_1"),
        (1000, 50, 1000, 65, 0.05, "greater", "one-sided greater"),
        (1000, 50, 1000, 65, 0.05, "less", "one-sided less"),
        (1000, 50, 1000, 65, 0.10, "two-sided", "alpha 0.10"),
        (1000, 50, 1000, 65, 0.01, "two-sided", "alpha 0.01"),
        (10, 1, 12, 4, 0.05, "two-sided", "tiny n"),
        (3, 0, 4, 1, 0.05, "two-sided", "tiny n, zero control conversions"),
        (500, 0, 500, 7, 0.05, "two-sided", "zero control conversions"),
        (500, 7, 500, 0, 0.05, "two-sided", "zero treatment conversions"),
        (500, 0, 500, 0, 0.05, "two-sided", "zero conversions in both"),
        (500, 500, 500, 500, 0.05, "two-sided", "100% in both"),
        (1_000_000_000, 50_000_000, 1_000_000_000, 50_010_000, 0.05, "two-sided", "n = 1e9 small lift"),
        (1_000_000_000, 50_000_000, 1_000_000_000, 52_000_000, 0.05, "two-sided", "n = 1e9 extreme tail"),
        (1_000_000, 100_000, 1_000_000, 116_000, 0.05, "two-sided", "p near 1e-290"),
        (1_000_000, 100_000, 1_000_000, 110_000, 0.05, "greater", "far tail greater"),
        (2, 1, 2, 2, 0.05, "two-sided", "n = 2"),
        (100000, 5000, 120000, 6100, 0.05, "two-sided", "unequal arms"),
    ]
    cases = []
    for nc, xc, nt, xt, alpha, alt, label in specs:
        z, p = proportions_ztest([xt, xc], [nt, nc], alternative=SM_ALT[alt])
        pc, pt = xc / nc, xt / nt
        diff = pt - pc
        se = math.sqrt(pc * (1 - pc) / nc + pt * (1 - pt) / nt)
        if alt == "two-sided":
            lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=alpha)
        elif alt == "greater":
            lo, hi = diff - stats.norm.isf(alpha) * se, math.inf
        else:
            lo, hi = -math.inf, diff + stats.norm.isf(alpha) * se
        if se == 0:
            lo = hi = math.nan
        # Relative lift by the delta method (no library call exists; formula with scipy quantiles).
        if pc > 0:
            rel = pt / pc - 1
            var_rel = (pt * (1 - pt) / nt) / pc**2 + pt**2 * (pc * (1 - pc) / nc) / pc**4
            rse = math.sqrt(var_rel)
            if rse == 0:
                rlo = rhi = math.nan
            elif alt == "two-sided":
                q = stats.norm.isf(alpha / 2)
                rlo, rhi = rel - q * rse, rel + q * rse
            elif alt == "greater":
                rlo, rhi = rel - stats.norm.isf(alpha) * rse, math.inf
            else:
                rlo, rhi = -math.inf, rel + stats.norm.isf(alpha) * rse
        else:
            rel = rlo = rhi = math.nan
        cases.append({
            "label": label, "control": {"units": nc, "conversions": xc},
            "treatment": {"units": nt, "conversions": xt}, "alpha": alpha, "alternative": alt,
            "expected": {"statistic": num(z), "pValue": num(p), "absoluteEffect": num(diff),
                         "absoluteCI": [num(lo), num(hi)], "relativeEffect": num(rel),
                         "relativeCI": [num(rlo), num(rhi)]},
        })
    return cases


# ---------------------------------------------------------------- Welch t test (scipy, gbstats)
def welch():
    specs = [
        # control (n, mean, sd), treatment (n, mean, sd), alpha, alternative, label
        ((21306, 0.652789, 11.0), (21307, 1.422617, 17.0), 0.05, "two-sided", "hillstrom-like spend"),
        ((185, 4554.8, 5483.84), (260, 6349.14, 7867.40), 0.05, "two-sided", "nsw-like earnings"),
        ((2, 1.0, 0.5), (3, 2.0, 1.5), 0.05, "two-sided", "tiny n"),
        ((50, 10.0, 2.0), (60, 10.5, 2.5), 0.05, "greater", "greater"),
        ((50, 10.0, 2.0), (60, 10.5, 2.5), 0.05, "less", "less"),
        ((50, 10.0, 2.0), (60, 10.5, 2.5), 0.2, "two-sided", "alpha 0.2"),
        ((1000, 100.0, 10.0), (1000, 100.0, 10.0), 0.05, "two-sided", "no difference"),
        ((1000, 100.0, 10.0), (1000, 103.0, 0.0), 0.05, "two-sided", "one arm zero variance"),
        ((1_000_000_000, 10.0, 25.0), (1_000_000_000, 10.01, 25.0), 0.05, "two-sided", "n = 1e9"),
        ((10_000, 10.0, 1.0), (10_000, 11.0, 1.0), 0.05, "two-sided", "far tail"),
        ((100, 1e15, 3.0), (100, 1e15 + 2.0, 3.0), 0.05, "two-sided", "mean near 1e15"),
        ((30, 5.0, 1.0), (5000, 5.2, 9.0), 0.05, "two-sided", "very unequal"),
        ((12, -3.0, 2.0), (14, -1.0, 2.0), 0.05, "two-sided", "negative control mean"),
    ]
    cases = []
    for (nc, mc, sc), (nt, mt, st), alpha, alt, label in specs:
        r = stats.ttest_ind_from_stats(mt, st, nt, mc, sc, nc, equal_var=False, alternative=alt)
        vc, vt = sc**2 / nc, st**2 / nt
        se = math.sqrt(vc + vt)
        df = (vc + vt) ** 2 / (vc**2 / (nc - 1) + vt**2 / (nt - 1))
        diff = mt - mc
        if alt == "two-sided":
            q = stats.t.isf(alpha / 2, df)
            ci = (diff - q * se, diff + q * se)
        elif alt == "greater":
            ci = (diff - stats.t.isf(alpha, df) * se, math.inf)
        else:
            ci = (-math.inf, diff + stats.t.isf(alpha, df) * se)
        rel = mt / mc - 1
        rse = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
        if alt == "two-sided":
            # gbstats' relative TwoSidedTTest: same delta method and Welch dof, independently coded.
            a = SampleMeanStatistic(n=nc, sum=mc * nc, sum_squares=(sc**2) * (nc - 1) + mc**2 * nc)
            b = SampleMeanStatistic(n=nt, sum=mt * nt, sum_squares=(st**2) * (nt - 1) + mt**2 * nt)
            gb = TwoSidedTTest(a, b, FrequentistConfig(alpha=alpha, difference_type="relative")).compute_result()
            q = stats.t.isf(alpha / 2, df)
            rci = (rel - q * rse, rel + q * rse)
            # gbstats declines (error_message) when an arm has zero variance, and its sum-of-squares
            # form cancels catastrophically at means near 1e15: compare only where it is meaningful.
            gb_ci = [num(gb.ci[0]), num(gb.ci[1])] if gb.error_message is None and abs(mc) < 1e6 else None
        elif alt == "greater":
            rci = (rel - stats.t.isf(alpha, df) * rse, math.inf)
            gb_ci = None
        else:
            rci = (-math.inf, rel + stats.t.isf(alpha, df) * rse)
            gb_ci = None
        cases.append({
            "label": label, "control": {"count": nc, "mean": mc, "stdDev": sc},
            "treatment": {"count": nt, "mean": mt, "stdDev": st}, "alpha": alpha, "alternative": alt,
            "expected": {"statistic": num(r.statistic), "pValue": num(r.pvalue), "degreesOfFreedom": num(df),
                         "absoluteEffect": num(diff), "absoluteCI": [num(ci[0]), num(ci[1])],
                         "relativeEffect": num(rel), "relativeCI": [num(rci[0]), num(rci[1])],
                         "gbstatsRelativeCI": gb_ci},
        })
    return cases


# ---------------------------------------------------------------- SRM (scipy chisquare)
def srm():
    specs = [
        ([44700, 45489], [1, 1], "cookie cats 50/50"),
        ([21306, 21307, 21387], [1, 1, 1], "hillstrom thirds"),
        ([5000, 5100], [1, 1], "mild imbalance"),
        ([100, 200], [1, 2], "weighted 1:2 exact"),
        ([9000, 1000], [0.5, 0.5], "gross mismatch"),
        ([250000, 250500, 249000, 250400], [1, 1, 1, 1], "four arms"),
        ([1, 0], [1, 1], "n = 1"),
        ([1_000_000_000, 1_000_100_000], [1, 1], "n = 1e9"),
        ([500_000, 600_000], [1, 1], "extreme tail"),
    ]
    cases = []
    for obs, w, label in specs:
        total = sum(obs)
        exp = [total * x / sum(w) for x in w]
        r = stats.chisquare(obs, f_exp=exp)
        cases.append({"label": label, "observed": obs, "weights": w,
                      "expected": {"chiSquare": num(r.statistic), "pValue": num(r.pvalue),
                                   "expectedCounts": [num(e) for e in exp]}})
    return cases


# ---------------------------------------------------------------- multiple testing (statsmodels)
def corrections():
    families = [
        [0.01, 0.04, 0.03, 0.20],
        [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216],
        [0.5],
        [1e-300, 0.049, 0.051, 1.0],
        [0.02, 0.02, 0.02],
    ]
    cases = []
    for family in families:
        for ours, theirs in [("bonferroni", "bonferroni"), ("holm", "holm"), ("bh", "fdr_bh")]:
            _, adj, _, _ = multipletests(family, alpha=0.05, method=theirs)
            cases.append({"method": ours, "pValues": family, "expected": [num(a) for a in adj]})
    return cases


# ---------------------------------------------------------------- power (statsmodels NormalIndPower)
def power():
    analysis = NormalIndPower()
    cases = []

    def prop_var(p, delta):
        return p * (1 - p) + (p + delta) * (1 - p - delta)

    def effect_size(kind, base, sd, delta):
        if kind == "proportion":
            return delta / math.sqrt(prop_var(base, delta) / 2)
        return delta / sd

    specs = [
        # kind, baseline, sd, mde, relative, alpha, power, arms, alternative
        ("proportion", 0.05, None, 0.1, True, 0.05, 0.8, 2, "two-sided"),
        ("proportion", 0.05, None, 0.005, False, 0.05, 0.8, 2, "two-sided"),
        ("proportion", 0.20, None, 0.05, True, 0.05, 0.9, 3, "two-sided"),
        ("proportion", 0.01, None, 0.2, True, 0.01, 0.8, 4, "two-sided"),
        ("proportion", 0.5, None, 0.01, False, 0.05, 0.8, 2, "greater"),
        ("proportion", 0.45, None, 0.02, True, 0.1, 0.95, 8, "two-sided"),
        ("mean", 10.0, 25.0, 0.5, False, 0.05, 0.8, 2, "two-sided"),
        ("mean", 10.0, 25.0, 0.05, True, 0.05, 0.8, 2, "two-sided"),
        ("mean", 52.0, 250.0, 2.0, False, 0.05, 0.9, 5, "two-sided"),
        ("mean", 1.0, 1.0, 1.5, False, 0.05, 0.8, 2, "two-sided"),  # tiny sample
        ("mean", 100.0, 10.0, 0.5, False, 0.05, 0.8, 2, "greater"),
    ]
    for kind, base, sd, mde, rel, alpha, pw, arms, alt in specs:
        a = alpha / (arms - 1)
        delta = mde * abs(base) if rel else mde
        es = effect_size(kind, base, sd, delta)
        smalt = "two-sided" if alt == "two-sided" else "larger"
        n = analysis.solve_power(effect_size=es, alpha=a, power=pw, ratio=1.0, alternative=smalt)
        # Refine the root with brentq on statsmodels' own power function (its default solver's tolerance is looser).
        f = lambda nn: analysis.power(es, nn, a, ratio=1.0, alternative=smalt) - pw
        n = optimize.brentq(f, n * 0.5, n * 2 + 10, xtol=1e-14, rtol=1e-15)
        cases.append({"solve": "sample", "kind": kind, "baseline": base, "stdDev": sd, "mde": mde, "relative": rel,
                      "alpha": alpha, "power": pw, "arms": arms, "alternative": alt, "expected": num(n)})
        # Achieved power at a round sample size.
        n_round = max(2.0, round(n / 2))
        achieved = analysis.power(es, n_round, a, ratio=1.0, alternative=smalt)
        cases.append({"solve": "power", "kind": kind, "baseline": base, "stdDev": sd, "mde": mde, "relative": rel,
                      "alpha": alpha, "power": pw, "arms": arms, "alternative": alt, "samplePerArm": n_round,
                      "expected": num(achieved)})
        # MDE for that sample size: solve power(δ) = target with statsmodels' power function.
        if kind == "proportion":
            hi = (1 - base) * (1 - 1e-12)
        else:
            hi = 100 * sd * math.sqrt(2 / n_round) + sd
        g = lambda d: analysis.power(effect_size(kind, base, sd, d), n_round, a, ratio=1.0, alternative=smalt) - pw
        d = optimize.brentq(g, hi * 1e-12, hi, xtol=1e-16, rtol=1e-15)
        cases.append({"solve": "mde", "kind": kind, "baseline": base, "stdDev": sd, "relative": rel,
                      "alpha": alpha, "power": pw, "arms": arms, "alternative": alt, "samplePerArm": n_round,
                      "expected": num(d / abs(base) if rel else d)})
    return cases


def main():
    doc = {
        "generator": "Scripts/make_reference.py",
        "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__, "numpy": np.__version__,
                     "gbstats": getattr(gbstats, "__version__", "unknown")},
        "distributions": distributions(),
        "zTests": ztests(),
        "welch": welch(),
        "srm": srm(),
        "corrections": corrections(),
        "power": power(),
    }
    total = sum(len(v) for k, v in doc.items() if isinstance(v, list))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {total} reference cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
