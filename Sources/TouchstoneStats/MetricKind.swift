/// How a metric is analysed: a 0/1 outcome by the two-proportion z test, a mean by Welch's
/// t test, a ratio of per-unit sums (Σnumerator / Σdenominator) by Welch's test on the
/// delta-method variance of ``RatioStatistics``.
public enum MetricKind: String, Sendable, Hashable, Codable, CaseIterable {
    case proportion
    case mean
    /// Statistics hold the numerator as the metric and the denominator as the covariate.
    case ratio
    /// A quantile (median, p90…) of a per-unit value: compared from the raw values by
    /// ``QuantileTest``, never from sufficient statistics.
    case quantile

    /// Runs the fixed-horizon comparison this kind calls for.
    public func compare(
        control: SufficientStatistics, treatment: SufficientStatistics, settings: TestSettings
    ) -> Comparison {
        switch self {
        case .proportion: TwoProportionZTest.compare(control: control, treatment: treatment, settings: settings)
        case .mean: WelchTTest.compare(control: control, treatment: treatment, settings: settings)
        case .ratio:
            WelchTTest.compare(
                EffectMoments(control: RatioStatistics(joint: control), treatment: RatioStatistics(joint: treatment)),
                settings: settings)
        case .quantile:
            .undefined(Diagnostic(.invalidInput, "a quantile is compared from raw values (QuantileTest), not from sums"))
        }
    }

    /// The effect moments of plain (unadjusted) arms of this kind.
    public func moments(control: SufficientStatistics, treatment: SufficientStatistics) -> EffectMoments {
        switch self {
        case .proportion, .mean, .quantile: EffectMoments(control: control, treatment: treatment, kind: self)
        case .ratio: EffectMoments(control: RatioStatistics(joint: control), treatment: RatioStatistics(joint: treatment))
        }
    }
}
