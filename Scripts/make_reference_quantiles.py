#!/usr/bin/env python3
"""Reference values for quantile metrics, Fieller's interval and cluster-robust comparisons
(issue 17), from independent implementations.

Writes Tests/TouchstoneStatsTests/Fixtures/quantiles.json:
  quantiles   per case two seeded samples (log-normal, negative-binomial counts with ties),
              numpy's default sample quantiles (method="linear", Hyndman & Fan type 7) of each,
              and a 20,000-replicate percentile bootstrap of the difference of quantiles
              (arms resampled independently): the Swift asymptotic interval's width must agree
              with the bootstrap's
  fieller     Fieller (1954) intervals of a/b - 1: the set {rho : (a - rho b)^2 <= c^2 (v11 -
              2 rho v12 + rho^2 v22)} solved as a quadratic with numpy.roots (not the closed
              form the Swift code uses), bounded exactly when the leading coefficient
              b^2 - c^2 v22 > 0; c from scipy.stats (normal or t)
  clusters    statsmodels OLS y ~ treatment with cov_type="cluster" (use_correction=True,
              use_t=True: CR1 factor G/(G-1)(N-1)/(N-K), t on G - 1 df) on seeded unit data
              clustered with intra-cluster correlation; continuous and 0/1 outcomes

    pip install numpy scipy statsmodels pandas
    python3 Scripts/make_reference_quantiles.py
"""
import json
import math
import os

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.formula.api as smf
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "TouchstoneStatsTests", "Fixtures", "quantiles.json")


def num(x):
    x = float(x)
    return None if not math.isfinite(x) else x


# ---------------------------------------------------------------- quantiles
def bootstrap_difference(c, t, q, reps, rng, alpha=0.05):
    c = np.asarray(c)
    t = np.asarray(t)
    ic = rng.integers(0, len(c), size=(reps, len(c)))
    it = rng.integers(0, len(t), size=(reps, len(t)))
    d = np.quantile(t[it], q, axis=1) - np.quantile(c[ic], q, axis=1)
    lo, hi = np.quantile(d, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def tied(x, q, alpha=0.05):
    """The tie rule of docs/statistics.md: the largest tie block at the type-7 estimate's two
    order statistics holds at least a quarter of the whole ranks floor(nq - zs)..ceil(nq + zs)."""
    x = np.sort(np.asarray(x))
    n = len(x)
    z = stats.norm.isf(alpha / 2)
    s = z * math.sqrt(n * q * (1 - q))
    lower = min(max(math.floor(n * q - s), 1), n)
    upper = min(max(math.ceil(n * q + s), 1), n)
    h = math.floor((n - 1) * q)
    block = max(int(np.sum(x == x[h])), int(np.sum(x == x[min(h + 1, n - 1)])))
    return block > 1 and 4 * block >= upper - lower + 1


def quantile_cases():
    rng = np.random.default_rng(20261202)
    cases = []
    # (label, control, treatment, levels). An extreme quantile needs a large sample for any
    # asymptotic (or bootstrap) interval: n(1 - q) units lie beyond p99.
    samples = [
        ("lognormal", np.round(rng.lognormal(3.0, 1.0, 600), 6), np.round(rng.lognormal(3.1, 1.0, 700), 6), (0.5, 0.9)),
        ("lognormal large", np.round(rng.lognormal(3.0, 1.0, 4000), 6), np.round(rng.lognormal(3.1, 1.0, 4000), 6), (0.99,)),
        # Counts with ties: negative binomial, mean 50 (size 3), as the simulation test's discrete case.
        ("counts", rng.negative_binomial(3, 3 / 53, 800).astype(float), rng.negative_binomial(3, 3 / 56, 800).astype(float), (0.5, 0.9)),
    ]
    for label, c, t, levels in samples:
        for q in levels:
            lo, hi = bootstrap_difference(c, t, q, 20000, rng)
            cases.append({
                "label": f"{label} q={q}", "quantile": q, "alpha": 0.05,
                "control": c.tolist(), "treatment": t.tolist(),
                "controlQuantile": float(np.quantile(c, q)), "treatmentQuantile": float(np.quantile(t, q)),
                "bootstrapCI": [lo, hi],
                "tied": bool(tied(c, q) or tied(t, q)),
            })
    return cases


# ---------------------------------------------------------------- Fieller
def fieller(a, v11, b, v22, v12, alpha, alternative, df):
    dist = stats.norm if df is None else stats.t(df)
    c = dist.isf(alpha / 2 if alternative == "two-sided" else alpha)
    # (a - rho b)^2 - c^2 (v11 - 2 rho v12 + rho^2 v22) <= 0, a quadratic A rho^2 + B rho + C.
    A = b * b - c * c * v22
    B = -2 * a * b + 2 * c * c * v12
    C = a * a - c * c * v11
    if A <= 0:
        return None, c
    roots = np.sort(np.roots([A, B, C]).real)
    lo, hi = roots[0] - 1, roots[1] - 1
    if alternative == "greater":
        hi = math.inf
    if alternative == "less":
        lo = -math.inf
    return [num(lo), num(hi)], c


def fieller_cases():
    raw = [
        # label, a, v11, b, v22, v12, alpha, alternative, df
        ("well determined", 10.4, 0.09, 10.0, 0.08, 0.0, 0.05, "two-sided", None),
        ("small control mean", 0.6, 0.04, 0.5, 0.03, 0.0, 0.05, "two-sided", None),
        ("t reference", 2.2, 0.16, 2.0, 0.12, 0.0, 0.05, "two-sided", 18.0),
        ("correlated", 5.5, 0.5, 5.0, 0.4, 0.2, 0.10, "two-sided", None),
        ("negative control mean", -3.0, 0.2, -4.0, 0.3, 0.0, 0.05, "two-sided", None),
        ("one-sided greater", 1.3, 0.01, 1.0, 0.01, 0.0, 0.05, "greater", None),
        ("one-sided less", 1.3, 0.01, 1.0, 0.01, 0.0, 0.05, "less", 40.0),
        ("control not significant", 1.0, 0.1, 0.3, 0.04, 0.0, 0.05, "two-sided", None),
        ("control at the boundary", 1.0, 0.1, 0.39, 0.04, 0.0, 0.05, "two-sided", None),
        ("control just significant", 1.0, 0.1, 0.40, 0.04, 0.0, 0.05, "two-sided", None),
    ]
    cases = []
    for label, a, v11, b, v22, v12, alpha, alternative, df in raw:
        interval, c = fieller(a, v11, b, v22, v12, alpha, alternative, df)
        cases.append({
            "label": label, "treatment": a, "treatmentVariance": v11, "control": b, "controlVariance": v22,
            "covariance": v12, "alpha": alpha, "alternative": alternative, "degreesOfFreedom": df,
            "bounded": interval is not None, "g": c * c * v22 / (b * b), "relativeCI": interval,
        })
    return cases


# ---------------------------------------------------------------- clusters
def cluster_cases():
    rng = np.random.default_rng(17)
    cases = []
    for label, binary in (("continuous", False), ("conversion", True)):
        rows = []
        for g in range(60):
            arm = g % 2
            size = int(rng.integers(1, 12))
            u = rng.normal(0, 1)
            for _ in range(size):
                if binary:
                    p = 1 / (1 + math.exp(-(-1.0 + 0.2 * arm + 0.8 * u)))
                    y = float(rng.random() < p)
                else:
                    y = round(5 + 0.4 * arm + u * 1.2 + rng.normal(0, 1.5), 6)
                rows.append((f"c{g}", arm, y))
        d = pd.DataFrame(rows, columns=["cluster", "treatment", "y"])
        fit = smf.ols("y ~ treatment", d).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(d.cluster)[0], "use_correction": True}, use_t=True)
        lo, hi = fit.conf_int(alpha=0.05).loc["treatment"]
        cases.append({
            "label": label, "alpha": 0.05,
            "cluster": d.cluster.tolist(), "treatment": d.treatment.tolist(), "y": d.y.tolist(),
            "expected": {
                "absoluteEffect": float(fit.params["treatment"]), "standardError": float(fit.bse["treatment"]),
                "absoluteCI": [float(lo), float(hi)], "pValue": float(fit.pvalues["treatment"]),
                "statistic": float(fit.tvalues["treatment"]), "degreesOfFreedom": float(fit.df_resid_inference),
            },
        })
    return cases


def main():
    out = {
        "generator": f"numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, pandas {pd.__version__}",
        "quantiles": quantile_cases(),
        "fieller": fieller_cases(),
        "clusters": cluster_cases(),
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
