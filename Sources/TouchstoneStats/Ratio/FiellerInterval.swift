/// How the interval of the relative effect μ_t / μ_c − 1 is formed (`--relative-ci`).
public enum RelativeInterval: String, Sendable, Hashable, Codable, CaseIterable {
    /// First-order Taylor expansion of the ratio: r̂ ± c·SE(r̂) (see ``EffectMoments``).
    case delta
    /// Fieller's (1954) exact interval for a ratio of normally distributed estimates
    /// (``FiellerInterval``).
    case fieller
}

/// Fieller's confidence interval for the ratio of two normally distributed estimates, reported
/// as a relative effect a/b − 1 (Fieller, "Some problems in interval estimation", JRSS B 16,
/// 1954; the closed form as in Franz, "Ratios: a short guide to confidence limits and proper use",
/// arXiv:0710.2024, eq. 4–6).
///
/// With a = treatment estimate, b = control estimate, v₁₁ = Var(a), v₂₂ = Var(b), v₁₂ = Cov(a, b)
/// (0 for independent arms) and c the critical value of the test (z, or t on the comparison's
/// degrees of freedom), the interval is the set of ρ for which a − ρb is not rejected:
/// ```
/// g = c² v₂₂ / b²
/// ρ̂ = a / b
/// ρ± = [ ρ̂ − g v₁₂/v₂₂ ± (c/|b|) √( v₁₁ − 2ρ̂ v₁₂ + ρ̂² v₂₂ − g (v₁₁ − v₁₂²/v₂₂) ) ] / (1 − g)
/// ```
/// The set is a bounded interval exactly when g < 1, i.e. when b is significantly different
/// from zero at the same level (|b| / √v₂₂ > c). Otherwise it is unbounded (the whole line, or
/// the complement of an interval) and no finite interval exists: the result is undefined.
/// Unlike the delta method, the interval is asymmetric around ρ̂ and keeps its coverage when the
/// control estimate is small relative to its standard error.
public enum FiellerInterval {
    /// The interval of a/b − 1 and Fieller's g.
    public struct Result: Sendable, Hashable {
        /// The interval of the relative effect; undefined (NaN ends) when `g ≥ 1`.
        public var relativeCI: Interval
        /// g = c² v₂₂ / b²; the interval is bounded only for g < 1.
        public var g: Double
        /// Whether a bounded interval exists (g < 1).
        public var isBounded: Bool { g < 1 }
    }

    /// Fieller's interval of `treatment / control − 1` at level 1 − α under `alternative`.
    ///
    /// - Parameters:
    ///   - treatment: a, the treatment arm's estimate (mean, rate, ratio or quantile).
    ///   - treatmentVariance: Var(a) (the variance of the estimate, not per unit).
    ///   - control: b, the control arm's estimate.
    ///   - controlVariance: Var(b).
    ///   - covariance: Cov(a, b); 0 for independently sampled arms.
    ///   - alpha: α; two-sided intervals use c = upperQuantile(α/2), one-sided c = upperQuantile(α).
    ///   - alternative: which ends are finite.
    ///   - upperQuantile: the critical-value function of the test's reference distribution.
    public static func relative(
        treatment a: Double, treatmentVariance v11: Double, control b: Double, controlVariance v22: Double,
        covariance v12: Double = 0, alpha: Double, alternative: Alternative = .twoSided,
        upperQuantile: (Double) -> Double = Normal.upperQuantile
    ) -> Result {
        guard a.isFinite, b.isFinite, v11.isFinite, v22.isFinite, v12.isFinite, v11 >= 0, v22 >= 0, alpha > 0, alpha < 1
        else { return Result(relativeCI: .undefined, g: .nan) }
        let c = upperQuantile(alternative == .twoSided ? alpha / 2 : alpha)
        guard b != 0 else { return Result(relativeCI: .undefined, g: .infinity) }
        let g = c * c * v22 / (b * b)
        guard g < 1, c.isFinite else { return Result(relativeCI: .undefined, g: g) }
        let rho = a / b
        // v₁₂/v₂₂ and v₁₂²/v₂₂ vanish with v₁₂; a control known exactly (v₂₂ = 0) leaves a/b ± c√v₁₁/|b|.
        let slope = v12 == 0 ? 0 : v12 / v22
        let discriminant = v11 - 2 * rho * v12 + rho * rho * v22 - g * (v11 - v12 * slope)
        guard discriminant >= 0 else { return Result(relativeCI: .undefined, g: g) }
        let half = c / abs(b) * discriminant.squareRoot()
        let centre = rho - g * slope
        let lower = (centre - half) / (1 - g) - 1
        let upper = (centre + half) / (1 - g) - 1
        let interval: Interval = switch alternative {
        case .twoSided: Interval(lower, upper)
        case .greater: Interval(lower, .infinity)
        case .less: Interval(-.infinity, upper)
        }
        return Result(relativeCI: interval, g: g)
    }

    /// Fieller's interval of m_t / m_c − 1 from effect moments (the arms' estimates and per-unit
    /// variances; CUPED-adjusted estimates use their adjusted variances), independent arms.
    public static func relative(
        _ moments: EffectMoments, alpha: Double, alternative: Alternative = .twoSided,
        upperQuantile: (Double) -> Double = Normal.upperQuantile
    ) -> Result {
        relative(
            treatment: moments.treatmentEstimate, treatmentVariance: moments.treatmentVariance / moments.nt,
            control: moments.controlEstimate, controlVariance: moments.controlVariance / moments.nc,
            alpha: alpha, alternative: alternative, upperQuantile: upperQuantile)
    }
}
