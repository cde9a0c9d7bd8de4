/// Sample size, minimum detectable effect (MDE) and power of a fixed-horizon experiment that
/// compares each of k − 1 treatment arms with one control, n units per arm.
///
/// For an absolute effect δ and per-unit variances σ_c², σ_t², the standardised shift is
/// λ = δ / √((σ_c² + σ_t²) / n) and, with z = z_{1−α'/2} (two-sided) or z_{1−α'} (one-sided),
/// ```
/// power = Φ(λ − z) + Φ(−λ − z)      (two-sided: both rejection regions count)
/// power = Φ(λ − z)                  (one-sided, effect in the hypothesised direction)
/// ```
/// the normal-approximation power of statsmodels' `NormalIndPower` (Chow, Shao & Wang,
/// *Sample Size Calculations in Clinical Research*, 2nd ed., §4.2). Proportions use
/// σ² = p(1 − p) for each arm's own rate; means assume a common standard deviation.
/// With k > 2 arms the per-comparison level is Bonferroni-corrected, α' = α / (k − 1).
///
/// Sample size and MDE have no closed form once both tails count (and, for proportions,
/// the variance moves with the effect), so they are solved with Brent's method.
public struct PowerAnalysis: Sendable, Hashable {
    public enum Metric: Sendable, Hashable {
        /// A conversion rate with the given control baseline p ∈ (0, 1).
        case proportion(baseline: Double)
        /// A mean metric with the control's mean and the (common) per-unit standard deviation.
        case mean(mean: Double, stdDev: Double)
    }

    public var metric: Metric
    /// Whether effects are relative to the control (δ = mde · baseline) or absolute.
    public var relative: Bool
    public var alpha: Double
    public var power: Double
    public var arms: Int
    public var alternative: Alternative

    public init(
        metric: Metric, relative: Bool, alpha: Double = 0.05, power: Double = 0.8, arms: Int = 2,
        alternative: Alternative = .twoSided
    ) throws {
        guard alpha > 0, alpha < 1 else { throw StatsError("alpha must lie strictly between 0 and 1 (got \(alpha))") }
        guard power > 0, power < 1 else { throw StatsError("power must lie strictly between 0 and 1 (got \(power))") }
        guard arms >= 2 else { throw StatsError("an experiment needs at least 2 arms (got \(arms))") }
        switch metric {
        case .proportion(let baseline):
            guard baseline > 0, baseline < 1 else {
                throw StatsError("the baseline rate must lie strictly between 0 and 1 (got \(baseline))")
            }
        case .mean(let mean, let stdDev):
            guard mean.isFinite else { throw StatsError("the baseline mean must be finite") }
            guard stdDev > 0, stdDev.isFinite else { throw StatsError("the standard deviation must be positive (got \(stdDev))") }
            if relative, mean == 0 { throw StatsError("a relative effect needs a non-zero baseline mean") }
        }
        self.metric = metric
        self.relative = relative
        self.alpha = alpha
        self.power = power
        self.arms = arms
        self.alternative = alternative
    }

    /// The per-comparison significance level α / (k − 1).
    public var comparisonAlpha: Double { alpha / Double(arms - 1) }

    private var baseline: Double {
        switch metric {
        case .proportion(let p): return p
        case .mean(let mean, _): return mean
        }
    }

    /// The absolute effect δ for an effect given on the analysis' scale.
    public func absoluteEffect(_ effect: Double) -> Double {
        relative ? effect * abs(baseline) : effect
    }

    /// σ_c² + σ_t² for an absolute effect δ; NaN when the treated rate leaves (0, 1).
    public func unitVarianceSum(absoluteEffect delta: Double) -> Double {
        varianceSum(absoluteEffect: delta)
    }

    private func varianceSum(absoluteEffect delta: Double) -> Double {
        switch metric {
        case .proportion(let p):
            let treated = p + delta
            guard treated > 0, treated < 1 else { return .nan }
            return p * (1 - p) + treated * (1 - treated)
        case .mean(_, let sd):
            return 2 * sd * sd
        }
    }

    private func power(absoluteEffect delta: Double, samplePerArm n: Double) -> Double {
        let variance = varianceSum(absoluteEffect: delta)
        guard variance.isFinite, n > 0 else { return .nan }
        let lambda = abs(delta) / (variance / n).squareRoot()
        switch alternative {
        case .twoSided:
            let z = Normal.upperQuantile(comparisonAlpha / 2)
            return Normal.cdf(lambda - z) + Normal.cdf(-lambda - z)
        case .greater, .less:
            return Normal.cdf(lambda - Normal.upperQuantile(comparisonAlpha))
        }
    }

    /// The power to detect `effect` (on the analysis' scale) with `samplePerArm` units per arm.
    public func achievedPower(effect: Double, samplePerArm: Double) throws -> Double {
        guard samplePerArm > 0 else { throw StatsError("the sample per arm must be positive") }
        let delta = absoluteEffect(effect)
        guard delta != 0, delta.isFinite else { throw StatsError("the effect must be non-zero and finite") }
        let result = power(absoluteEffect: delta, samplePerArm: samplePerArm)
        guard result.isFinite else { throw StatsError("the treated rate p + δ must stay inside (0, 1)") }
        return result
    }

    /// The (real-valued) number of units per arm that reaches ``power`` for `effect`.
    public func samplePerArm(effect: Double) throws -> Double {
        let delta = absoluteEffect(effect)
        guard delta != 0, delta.isFinite else { throw StatsError("the minimum detectable effect must be non-zero and finite") }
        let variance = varianceSum(absoluteEffect: delta)
        guard variance.isFinite else {
            throw StatsError("the treated rate p + δ = \(baseline + delta) must stay inside (0, 1)")
        }
        // One-sided closed form as a scale for the bracket.
        let zSum = Normal.upperQuantile(comparisonAlpha / (alternative == .twoSided ? 2 : 1))
            + Normal.upperQuantile(1 - power)
        let guess = max(zSum * zSum * variance / (delta * delta), 1e-12)
        var upper = 4 * guess + 1
        while power(absoluteEffect: delta, samplePerArm: upper) < power {
            upper *= 4
            guard upper < 1e300 else { throw StatsError("no sample size reaches the requested power") }
        }
        let target = power
        guard let n = RootFinding.brent(lower: 1e-12 * guess, upper: upper, tolerance: 1e-14, {
            power(absoluteEffect: delta, samplePerArm: $0) - target
        }) else { throw StatsError("the sample-size solver did not converge") }
        return n
    }

    /// The smallest effect (on the analysis' scale, positive) detectable with ``power`` given
    /// `samplePerArm` units per arm.
    public func minimumDetectableEffect(samplePerArm n: Double) throws -> Double {
        guard n > 0, n.isFinite else { throw StatsError("the sample per arm must be positive and finite") }
        let upperDelta: Double
        switch metric {
        case .proportion(let p):
            upperDelta = 1 - p
        case .mean(_, let sd):
            upperDelta = 100 * sd * (2 / n).squareRoot() + sd
        }
        let target = power
        let highest = power(absoluteEffect: upperDelta * (1 - 1e-12), samplePerArm: n)
        guard highest >= target else {
            throw StatsError("no effect the metric allows reaches power \(target) with \(n) units per arm")
        }
        guard let delta = RootFinding.brent(lower: upperDelta * 1e-12, upper: upperDelta * (1 - 1e-12), tolerance: 1e-15, {
            power(absoluteEffect: $0, samplePerArm: n) - target
        }) else { throw StatsError("the MDE solver did not converge") }
        return relative ? delta / abs(baseline) : delta
    }
}
