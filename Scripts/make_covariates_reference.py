#!/usr/bin/env python3
"""Reference values for CUPED with several covariates (MultipleRegressionAdjustment).

Each case holds its raw rows, so the Swift test aggregates exactly the same data, and the
expected values from two independent routes that must agree with each other to 1e-11:
  * statsmodels OLS  y ~ 1 + treatment + x1 + ... + xk  (the treatment coefficient);
  * the closed form Δȳ − θ'Δx̄ with θ = S_xx⁻¹ S_xy over the within-arm co-moments (numpy).
A duplicated or constant covariate is expected to be left out: the reference is then the fit
without it (statsmodels on the kept columns), and its index is listed under "dropped".
The standard error is the Welch form of the within-arm residual variances (as the one-covariate
CUPED); its p-value uses scipy's Student t with Welch–Satterthwaite degrees of freedom.

Writes Tests/TouchstoneStatsTests/Fixtures/multiple_covariates.json.
"""
import json
import os

import numpy as np
import statsmodels.api as sm
from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TouchstoneStatsTests", "Fixtures", "multiple_covariates.json")


def reference(label, kind, t, y, X, names, dropped):
    kept = [j for j in range(X.shape[1]) if j not in dropped]
    Xk = X[:, kept]
    design = sm.add_constant(np.column_stack([t, Xk]), has_constant="add")
    ols = sm.OLS(y, design).fit()
    effect_ols = float(ols.params[1])
    theta_ols = [float(v) for v in ols.params[2:]]

    # Closed form from within-arm centring (Frisch–Waugh–Lovell).
    arms = [t == 0, t == 1]
    yc = np.concatenate([y[a] - y[a].mean() for a in arms])
    Xc = np.vstack([Xk[a] - Xk[a].mean(axis=0) for a in arms])
    theta = np.linalg.solve(Xc.T @ Xc, Xc.T @ yc)
    dy = y[arms[1]].mean() - y[arms[0]].mean()
    dx = Xk[arms[1]].mean(axis=0) - Xk[arms[0]].mean(axis=0)
    effect = float(dy - theta @ dx)
    assert abs(effect - effect_ols) <= 1e-11 * max(1.0, abs(effect)), (label, effect, effect_ols)
    assert np.allclose(theta, theta_ols, rtol=1e-10, atol=1e-12), label

    def residual_variance(a):
        n = a.sum()
        ya, Xa = y[a], Xk[a]
        r = (ya - ya.mean()) - (Xa - Xa.mean(axis=0)) @ theta
        if kind == "proportion":
            # The metric's own term is p(1 − p) (n denominator), the rest n − 1, as gbstats.
            vy = ya.var(ddof=0)
            return vy + (np.sum(r * r) - np.sum((ya - ya.mean()) ** 2)) / (n - 1)
        return np.sum(r * r) / (n - 1)

    def plain_variance(a):
        return y[a].var(ddof=0 if kind == "proportion" else 1)

    nc, nt = arms[0].sum(), arms[1].sum()
    vc, vt = residual_variance(arms[0]) / nc, residual_variance(arms[1]) / nt
    se = float(np.sqrt(vc + vt))
    df = (vc + vt) ** 2 / (vc**2 / (nc - 1) + vt**2 / (nt - 1))
    p = float(2 * stats.t.sf(abs(effect / se), df))
    before = plain_variance(arms[0]) / nc + plain_variance(arms[1]) / nt
    return {
        "label": label,
        "kind": kind,
        "names": names,
        "rows": [{"arm": int(ti), "y": float(yi), "x": [float(v) for v in xi]} for ti, yi, xi in zip(t, y, X)],
        "expected": {
            "effect": effect_ols,
            "closedFormEffect": effect,
            "theta": theta_ols,
            "used": kept,
            "dropped": sorted(dropped),
            "standardError": se,
            "degreesOfFreedom": float(df),
            "pValue": p,
            "varianceReduction": float(1 - (vc + vt) / before),
        },
    }


def main():
    rng = np.random.default_rng(20261202)
    cases = []

    def arms(nc, nt):
        return np.concatenate([np.zeros(nc, dtype=int), np.ones(nt, dtype=int)])

    t = arms(80, 95)
    x1 = rng.normal(10, 2, t.size)
    x2 = 0.5 * x1 + rng.normal(0, 1, t.size)
    y = 3 + 0.3 * t + 0.8 * x1 - 0.5 * x2 + rng.normal(0, 1, t.size)
    cases.append(reference("two correlated covariates", "mean", t, y, np.column_stack([x1, x2]), ["x1", "x2"], []))

    t = arms(120, 110)
    x1 = rng.normal(100, 5, t.size)
    x2 = rng.exponential(3, t.size)
    x3 = rng.poisson(4, t.size).astype(float)
    y = 50 + 1.5 * t + 0.4 * x1 + 2 * x2 - 0.7 * x3 + rng.standard_t(5, t.size) * 3
    cases.append(reference("three covariates, heavy-tailed noise", "mean", t, y, np.column_stack([x1, x2, x3]),
                           ["x1", "x2", "x3"], []))

    t = arms(60, 70)
    x1 = rng.normal(0, 1, t.size)
    x2 = rng.normal(5, 2, t.size)
    x3 = 2 * x1 + 1  # an exact linear combination of x1: left out
    y = 1 + 0.2 * t + x1 + 0.3 * x2 + rng.normal(0, 1, t.size)
    cases.append(reference("duplicated covariate dropped", "mean", t, y, np.column_stack([x1, x2, x3]),
                           ["x1", "x2", "x1_doubled"], [2]))

    t = arms(50, 55)
    x1 = rng.normal(0, 1, t.size)
    x2 = np.full(t.size, 7.0)  # constant: left out
    y = 2 + 0.5 * t + 0.9 * x1 + rng.normal(0, 1, t.size)
    cases.append(reference("constant covariate dropped", "mean", t, y, np.column_stack([x1, x2]),
                           ["x1", "constant"], [1]))

    t = arms(300, 320)
    activity = rng.gamma(0.7, 1 / 0.7, t.size)
    x1 = rng.poisson(3 * activity).astype(float)
    x2 = (rng.random(t.size) < np.minimum(1, 0.1 * activity)).astype(float)
    y = (rng.random(t.size) < np.minimum(1, (0.1 + 0.02 * t) * activity)).astype(float)
    cases.append(reference("conversion with session and conversion pre-periods", "proportion", t, y,
                           np.column_stack([x1, x2]), ["session", "purchase"], []))

    with open(OUT, "w") as f:
        json.dump({"generator": "Scripts/make_covariates_reference.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
