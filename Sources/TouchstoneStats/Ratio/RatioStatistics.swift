/// Mergeable statistics of a ratio metric Σnumerator / Σdenominator over the units of an arm
/// (revenue per session, clicks per view), where each unit contributes a numerator mᵢ and a
/// denominator dᵢ.
///
/// The estimate R = m̄ / d̄ is not a mean of independent terms, so its variance comes from the
/// delta method with the numerator–denominator covariance (Deng, Knoblich & Lu, KDD 2018,
/// §3.3; gbstats `RatioStatistic`):
/// ```
/// n · Var(R) ≈ s²_m / d̄² − 2 s_md m̄ / d̄³ + m̄² s²_d / d̄⁴
/// ```
/// Stored as one ``SufficientStatistics`` whose metric is the numerator and whose covariate
/// is the denominator, so merging keeps the co-moment exact (Chan, Golub & LeVeque).
public struct RatioStatistics: Sendable, Hashable, Codable {
    public private(set) var joint: SufficientStatistics

    public init() { joint = SufficientStatistics() }

    /// Wraps statistics accumulated with the numerator as metric and the denominator as covariate.
    public init(joint: SufficientStatistics) { self.joint = joint }

    /// From sample moments: means, standard deviations (n − 1) and the covariance of m and d.
    public init(
        count: Int, numeratorMean: Double, numeratorStdDev: Double,
        denominatorMean: Double, denominatorStdDev: Double, covariance: Double
    ) {
        joint = SufficientStatistics(
            count: count, mean: numeratorMean, stdDev: numeratorStdDev,
            covariateMean: denominatorMean, covariateStdDev: denominatorStdDev, covariance: covariance)
    }

    public mutating func add(numerator: Double, denominator: Double) {
        joint.add(numerator, covariate: denominator)
    }

    public mutating func merge(_ other: RatioStatistics) { joint.merge(other.joint) }

    public var count: Int { joint.count }
    public var numeratorMean: Double { joint.mean }
    public var denominatorMean: Double { joint.covariateMean }

    /// R = Σm / Σd; NaN when Σd = 0.
    public var ratio: Double { denominatorMean != 0 ? numeratorMean / denominatorMean : .nan }

    /// The per-unit delta-method variance n · Var(R); NaN for n < 2 or d̄ = 0.
    public var unitVariance: Double {
        let d = denominatorMean, m = numeratorMean
        guard joint.count > 1, d != 0 else { return .nan }
        return joint.variance / (d * d) - 2 * joint.covariance * m / (d * d * d)
            + m * m * joint.covariateVariance / (d * d * d * d)
    }
}

extension EffectMoments {
    /// Moments of the ratio metric's effect; the relative effect is R_t / R_c − 1.
    public init(control: RatioStatistics, treatment: RatioStatistics) {
        self.init(
            controlCount: control.count, treatmentCount: treatment.count,
            controlEstimate: control.ratio, treatmentEstimate: treatment.ratio,
            controlMean: control.ratio, treatmentMean: treatment.ratio,
            controlVariance: control.unitVariance, treatmentVariance: treatment.unitVariance)
    }
}
