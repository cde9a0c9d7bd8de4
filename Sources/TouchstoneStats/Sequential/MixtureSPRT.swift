import CGSL

/// Always-valid inference by the mixture sequential probability ratio test with a normal
/// mixture (Robbins 1970; Johari, Koomen, Pekelis & Walsh, "Always Valid Inference", OR 2022),
/// in the asymptotic confidence-sequence form of Waudby-Smith et al. (arXiv:2103.06476v7) that
/// GrowthBook (`SequentialTwoSidedTTest`) and Eppo use. The p-value and interval may be looked
/// at after every unit without inflating the error rate.
///
/// With N = n_c + n_t units so far, the effect estimate Δ̂ and its variance v (absolute or
/// relative, delta method), s² = v·N and the mixture scale ρ:
/// ```
/// ρ²  = (−2 log α + log(−2 log α + 1)) / N₀              (eq. 161; N₀ = tuning, the planned N)
/// CI  = Δ̂ ± √s² · √( 2(Nρ² + 1) / (N²ρ²) · log(√(Nρ² + 1) / α) )          (eq. 9)
/// p   = min(1, 1 / E),  E = exp(ρ² · Δ̂² N / v / (2(Nρ² + 1))) / √(Nρ² + 1)  (eq. 155)
/// ```
/// ρ is chosen so the boundary is tightest at N₀: set the tuning parameter to the sample size
/// you plan to reach (GrowthBook's default is 5,000). Two-sided only, as in GrowthBook.
public enum MixtureSPRT {
    public static func rho(alpha: Double, tuning: Double) -> Double {
        let l = -2 * log(alpha)
        return ((l + log(l + 1)) / tuning).squareRoot()
    }

    /// Half-width multiplier: the interval is Δ̂ ± multiplier · √v.
    public static func widthMultiplier(totalUnits n: Double, alpha: Double, tuning: Double) -> Double {
        let r = rho(alpha: alpha, tuning: tuning)
        let r2 = r * r
        // √s² = √(vN), so the N inside the square root cancels one N of the denominator.
        let logTerm: Double = log((n * r2 + 1).squareRoot() / alpha)
        let numerator: Double = n * 2 * (n * r2 + 1) * logTerm
        return (numerator / (n * n * r2)).squareRoot()
    }

    /// The always-valid p-value of an estimate with variance v after N units.
    public static func pValue(estimate: Double, variance: Double, totalUnits n: Double, alpha: Double, tuning: Double) -> Double {
        guard variance > 0, variance.isFinite, estimate.isFinite else { return .nan }
        let r = rho(alpha: alpha, tuning: tuning)
        let r2 = r * r
        let st2 = estimate * estimate * n / variance
        let tr2p1 = n * r2 + 1
        let logE = r2 * st2 / (2 * tr2p1) - 0.5 * log(tr2p1)
        return min(1, exp(-logE))
    }

    public static func compare(_ moments: EffectMoments, alpha: Double = 0.05, tuning: Double = 5_000) -> Comparison {
        guard alpha > 0, alpha < 1 else {
            return .undefined(Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        guard tuning > 0, tuning.isFinite else {
            return .undefined(Diagnostic(.invalidInput, "the sequential tuning parameter must be positive"))
        }
        if let problem = moments.problem {
            var result = Comparison.undefined(problem)
            result.absoluteEffect = moments.absoluteEffect
            result.relativeEffect = moments.relativeEffect
            return result
        }
        let n = Double(moments.controlCount + moments.treatmentCount)
        let multiplier = widthMultiplier(totalUnits: n, alpha: alpha, tuning: tuning)
        let v = moments.absoluteVariance, se = v.squareRoot()
        let d = moments.absoluteEffect
        var result = Comparison(
            statistic: d / se, degreesOfFreedom: .infinity,
            pValue: pValue(estimate: d, variance: v, totalUnits: n, alpha: alpha, tuning: tuning),
            absoluteEffect: d, absoluteCI: Interval(d - multiplier * se, d + multiplier * se), standardError: se,
            relativeEffect: moments.relativeEffect, relativeCI: .undefined,
            relativeStandardError: moments.relativeVariance.squareRoot())
        if let collapsed = DeltaMethod.collapsedInterval(standardError: result.relativeStandardError, absoluteStandardError: se),
            moments.controlMean != 0
        {
            result.diagnostics.append(collapsed)
        } else if moments.controlMean != 0 {
            let r = moments.relativeEffect, rse = result.relativeStandardError
            result.relativeCI = Interval(r - multiplier * rse, r + multiplier * rse)
        } else {
            result.diagnostics.append(Diagnostic(.zeroControlMean, "the control mean is 0: relative lift is undefined"))
        }
        return result
    }

    /// Units per arm an always-valid test needs for `power` at effect δ with per-arm unit
    /// variances summing to `varianceSum` (σ²_c + σ²_t), tuned to `tuning` total units.
    ///
    /// The test rejects at N = 2n when |Δ̂| exceeds the half-width, so the power at that
    /// horizon is at least Φ((δ − w)/se) + Φ((−δ − w)/se); the returned n solves that bound for
    /// `power` (stopping earlier only adds power, so the answer is conservative).
    public static func samplePerArm(effect delta: Double, varianceSum: Double, alpha: Double, power: Double, tuning: Double) -> Double? {
        guard delta != 0, varianceSum > 0, alpha > 0, alpha < 1, power > 0, power < 1 else { return nil }
        func achieved(_ n: Double) -> Double {
            let se = (varianceSum / n).squareRoot()
            let w = widthMultiplier(totalUnits: 2 * n, alpha: alpha, tuning: tuning) * se
            return Normal.cdf((abs(delta) - w) / se) + Normal.cdf((-abs(delta) - w) / se)
        }
        var upper = 16.0
        while achieved(upper) < power {
            upper *= 2
            if upper > 1e15 { return nil }
        }
        return RootFinding.brent(lower: 2, upper: upper, tolerance: 1e-12) { achieved($0) - power }
    }
}
