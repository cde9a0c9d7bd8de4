#!/usr/bin/env python3
"""Reference values for segment read-outs (`touchstone analyze --by COL`), from statsmodels and scipy.

Writes
  Tests/TouchstoneStatsTests/Fixtures/cochran_q.json
      Cochran's Q, its p-value, I² and the fixed-effect pooled estimate for seeded sets of
      estimates and standard errors: statsmodels.stats.meta_analysis.combine_effects.
  Tests/TouchstoneCLITests/Fixtures/hillstrom_segments.json
      The Hillstrom e-mail experiment split by zip_code (Rural, Surburban, Urban): per segment
      and arm the units and means; per comparison (Mens/Womens E-Mail vs No E-Mail) the absolute
      effect, its Wald interval and p-value — statsmodels proportions_ztest (pooled z) with
      confint_proportions_2indep (Wald) for visit and conversion, scipy Welch t test for spend —
      then Holm over the whole segment family (statsmodels multipletests) and Cochran's Q per
      metric and treatment over the three segments.

    pip install scipy statsmodels numpy pandas
    python3 Scripts/make_segment_reference.py
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def q_test(effects, ses):
    effects, ses = np.asarray(effects, float), np.asarray(ses, float)
    res = combine_effects(effects, ses ** 2, method_re="chi2")
    k = len(effects)
    q = float(res.q)
    return {
        "q": q, "degreesOfFreedom": k - 1, "pValue": float(stats.chi2.sf(q, k - 1)),
        # statsmodels reports (Q − df) / Q unclamped; I² is defined clamped at 0 (Higgins &
        # Thompson 2002), as Touchstone reports it.
        "iSquared": max(0.0, float(res.i2)), "pooledEstimate": float(res.mean_effect_fe),
        "pooledStandardError": float(res.sd_eff_w_fe),
    }


def cochran_cases():
    rng = np.random.default_rng(20261123)
    cases = []
    for k in [2, 3, 5, 8, 20]:
        for heterogeneous in [False, True]:
            ses = rng.uniform(0.005, 0.05, size=k)
            truth = rng.normal(0.02, 0.03 if heterogeneous else 0.0, size=k)
            effects = rng.normal(truth, ses)
            cases.append({"estimates": effects.tolist(), "standardErrors": ses.tolist(), **q_test(effects, ses)})
    # Tiny and huge scales: Q is scale-free.
    effects, ses = np.array([1e-9, 3e-9, -2e-9]), np.array([1e-9, 2e-9, 1.5e-9])
    cases.append({"estimates": effects.tolist(), "standardErrors": ses.tolist(), **q_test(effects, ses)})
    effects, ses = np.array([1e6, 1.2e6, 0.7e6, 1.05e6]), np.array([1e5, 5e4, 2e5, 1e5])
    cases.append({"estimates": effects.tolist(), "standardErrors": ses.tolist(), **q_test(effects, ses)})
    return cases


def hillstrom():
    df = pd.read_csv(os.path.join(ROOT, "Datasets", "hillstrom.csv"))
    control = "No E-Mail"
    treatments = sorted(v for v in df["segment"].unique() if v != control)
    metrics = [("visit", "proportion"), ("conversion", "proportion"), ("spend", "mean")]
    zips = sorted(df["zip_code"].unique(), key=lambda s: s.encode())
    segments, pvalues = [], []
    for z in zips:
        part = df[df["zip_code"] == z]
        c = part[part["segment"] == control]
        seg = {"segment": z, "units": int(len(part)), "metrics": []}
        for name, kind in metrics:
            arms = [{"variant": v, "units": int((part["segment"] == v).sum()),
                     "mean": float(part.loc[part["segment"] == v, name].mean())} for v in [control] + treatments]
            comparisons = []
            for v in treatments:
                t = part[part["segment"] == v]
                if kind == "proportion":
                    xt, nt, xc, nc = int(t[name].sum()), len(t), int(c[name].sum()), len(c)
                    _, p = proportions_ztest([xt, xc], [nt, nc])
                    lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff")
                    pt, pc = xt / nt, xc / nc
                    effect, se = pt - pc, math.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
                else:
                    r = stats.ttest_ind(t[name], c[name], equal_var=False)
                    p = r.pvalue
                    effect = float(t[name].mean() - c[name].mean())
                    se = math.sqrt(t[name].var(ddof=1) / len(t) + c[name].var(ddof=1) / len(c))
                    ci = r.confidence_interval(0.95)
                    lo, hi = ci.low, ci.high
                comparisons.append({"variant": v, "absoluteEffect": float(effect), "standardError": se,
                                    "absoluteCI": [float(lo), float(hi)], "pValue": float(p)})
                pvalues.append(float(p))
            seg["metrics"].append({"name": name, "kind": kind, "arms": arms, "comparisons": comparisons})
        segments.append(seg)
    adjusted = multipletests(pvalues, method="holm")[1].tolist()
    i = 0
    for seg in segments:
        for m in seg["metrics"]:
            for comp in m["comparisons"]:
                comp["adjustedPValue"] = adjusted[i]
                i += 1
    heterogeneity = []
    for mi, (name, _) in enumerate(metrics):
        for ti, v in enumerate(treatments):
            comps = [seg["metrics"][mi]["comparisons"][ti] for seg in segments]
            heterogeneity.append({"metric": name, "variant": v, **q_test(
                [c["absoluteEffect"] for c in comps], [c["standardError"] for c in comps])})
    return {"by": "zip_code", "control": control, "family": len(pvalues), "segments": segments,
            "heterogeneity": heterogeneity}


def write(path, payload):
    payload = {"generator": "Scripts/make_segment_reference.py",
               "versions": {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
               **payload}
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    write(os.path.join(ROOT, "Tests", "TouchstoneStatsTests", "Fixtures", "cochran_q.json"), {"cases": cochran_cases()})
    write(os.path.join(ROOT, "Tests", "TouchstoneCLITests", "Fixtures", "hillstrom_segments.json"), hillstrom())
    print("wrote cochran_q.json and hillstrom_segments.json")
