#!/usr/bin/env python3
"""Reference values for the guardrail non-inferiority test of `touchstone analyze --guardrail`.

The decision rule (docs/decisions.md) checks a guardrail's relative effect against its margin
with the two-sided interval at level 1 - 2*alpha (90% at alpha = 0.05): its lower end for an
`increase` metric, its upper end for a `decrease` one. This script computes those interval ends
independently of the Swift code, with scipy:

  - proportions: relative effect p_t/p_c - 1 with the delta-method standard error on the
    unpooled binomial variances, sqrt(v_t/p_c^2 + p_t^2 v_c/p_c^4), and the normal quantile;
  - means: the same delta method on the sample variances of the means, with the Student t
    quantile at the Welch-Satterthwaite degrees of freedom (as scipy's ttest_ind(equal_var=False)).

Writes Tests/TouchstoneCLITests/Fixtures/decision_guardrails.json:
  { "alpha": 0.05, "level": 0.9, "cases": [ { "dataset", "variantColumn", "control", "metric",
    "variant", "lower", "upper" } ] }

    pip install scipy numpy pandas
    python3 Scripts/make_decision_reference.py
"""
import json
import math
import os

import numpy as np
import pandas as pd
import scipy
from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALPHA = 0.05
LEVEL = 1 - 2 * ALPHA


def proportion_interval(c, t):
    pc, pt = c.mean(), t.mean()
    vc, vt = pc * (1 - pc) / len(c), pt * (1 - pt) / len(t)
    se = math.sqrt(vt / pc**2 + pt**2 * vc / pc**4)
    z = stats.norm.ppf(1 - (1 - LEVEL) / 2)
    effect = pt / pc - 1
    return effect - z * se, effect + z * se


def mean_interval(c, t):
    mc, mt = c.mean(), t.mean()
    vc, vt = c.var(ddof=1) / len(c), t.var(ddof=1) / len(t)
    df = (vc + vt) ** 2 / (vc**2 / (len(c) - 1) + vt**2 / (len(t) - 1))
    se = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
    q = stats.t.ppf(1 - (1 - LEVEL) / 2, df)
    effect = mt / mc - 1
    return effect - q * se, effect + q * se


def main():
    cases = []
    specs = [
        ("Datasets/hillstrom.csv", "segment", "No E-Mail", "visit", proportion_interval),
        ("Datasets/hillstrom.csv", "segment", "No E-Mail", "spend", mean_interval),
        ("Datasets/cookie_cats.csv", "version", "gate_30", "retention_7", proportion_interval),
    ]
    for path, column, control, metric, interval in specs:
        data = pd.read_csv(os.path.join(ROOT, path))
        values = data[metric].astype(float)
        c = values[data[column] == control].to_numpy()
        for variant in sorted(v for v in data[column].unique() if v != control):
            t = values[data[column] == variant].to_numpy()
            lower, upper = interval(c, t)
            cases.append({
                "dataset": path, "variantColumn": column, "control": control, "metric": metric,
                "variant": variant, "lower": lower, "upper": upper,
            })
    out = os.path.join(ROOT, "Tests/TouchstoneCLITests/Fixtures/decision_guardrails.json")
    with open(out, "w") as f:
        json.dump({"generator": f"scipy {scipy.__version__}, numpy {np.__version__}", "alpha": ALPHA, "level": LEVEL,
                   "cases": cases}, f, indent=2)
        f.write("\n")
    for case in cases:
        print(f"{case['metric']:12s} {case['variant']:14s} [{case['lower']:+.6f}, {case['upper']:+.6f}]")


if __name__ == "__main__":
    main()
