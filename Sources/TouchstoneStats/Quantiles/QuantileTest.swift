/// Compares one quantile (median, p90, p99…) of a metric between two independent arms by the
/// asymptotic method of ``SampleQuantile``: a z test on the difference of the two sample quantiles.
///
/// With Q̂_c, Q̂_t the arms' type-7 sample quantiles and s_c, s_t their order-statistic standard
/// errors (Deng, Knoblich & Lu 2018, §4.3):
/// ```
/// Δ = Q̂_t − Q̂_c                 SE(Δ) = √(s_t² + s_c²)             z = Δ / SE(Δ)
/// r = Q̂_t / Q̂_c − 1            SE(r) = √(s_t² / Q̂_c² + Q̂_t² s_c² / Q̂_c⁴)   (delta method)
/// ```
/// Intervals are Δ ± z_{1−α/2}·SE(Δ) and r ± z_{1−α/2}·SE(r) (one-sided for one-sided
/// alternatives). The reference distribution is the standard normal: the result is asymptotic
/// in both arms' sizes. Heavy ties at either quantile (``SampleQuantile/isTied``) leave the
/// test, p-value and intervals undefined with a `TIED_QUANTILE` diagnostic.
public enum QuantileTest {
    /// The comparison and both arms' sample quantiles.
    public struct Result: Sendable, Hashable {
        public var comparison: Comparison
        public var control: SampleQuantile
        public var treatment: SampleQuantile
    }

    /// Compares the level-`q` quantiles of two samples, each sorted ascending.
    public static func compare(
        controlSorted: [Double], treatmentSorted: [Double], quantile q: Double, settings: TestSettings = TestSettings()
    ) -> Result {
        let c = SampleQuantile(sorted: controlSorted, level: q, alpha: settings.alpha)
        let t = SampleQuantile(sorted: treatmentSorted, level: q, alpha: settings.alpha)
        return Result(comparison: compare(control: c, treatment: t, settings: settings), control: c, treatment: t)
    }

    /// The comparison of two arms' sample quantiles.
    public static func compare(control c: SampleQuantile, treatment t: SampleQuantile, settings: TestSettings) -> Comparison {
        guard settings.alpha > 0, settings.alpha < 1 else {
            return .undefined(Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        guard c.level > 0, c.level < 1 else {
            return .undefined(Diagnostic(.invalidInput, "the quantile level must lie strictly between 0 and 1"))
        }
        let difference = t.value - c.value
        let relative = c.value != 0 ? t.value / c.value - 1 : .nan
        func undefined(_ diagnostic: Diagnostic) -> Comparison {
            var result = Comparison.undefined(diagnostic)
            result.absoluteEffect = difference
            result.relativeEffect = relative
            result.degreesOfFreedom = .infinity
            return result
        }
        if c.count < 1 || t.count < 1 { return undefined(Diagnostic(.emptyArm, "an arm has no values")) }
        if c.count < 2 || t.count < 2 {
            return undefined(Diagnostic(.insufficientData, "an arm has fewer than 2 values: its quantile has no standard error"))
        }
        let tied = [("control", c), ("treatment", t)].filter { $0.1.isTied }
        if !tied.isEmpty {
            let text = tied.map { name, s in
                "\(name) value \(s.tiedValue) is held by \(s.tieCount) of \(s.count) units, "
                    + "\(s.upperRank - s.lowerRank + 1) ranks in the interval of the quantile's rank"
            }.joined(separator: "; ")
            return undefined(Diagnostic(
                .tiedQuantile,
                "the data are too discrete at quantile \(c.level) (\(text)): the sample quantile sticks to one value or jumps a whole step, so no normal interval would hold its level; compare a threshold share (COL > x as a proportion) or the mean instead"))
        }
        let se = (c.standardError * c.standardError + t.standardError * t.standardError).squareRoot()
        guard se > 0, se.isFinite else {
            return undefined(Diagnostic(.zeroVariance, "both arms' order-statistic intervals have zero width: no test is possible"))
        }
        let statistic = difference / se
        var diagnostics: [Diagnostic] = []
        var relativeSE = Double.nan
        var relativeCI = Interval.undefined
        if c.value != 0 {
            let c2 = c.value * c.value
            relativeSE = (t.standardError * t.standardError / c2 + t.value * t.value * c.standardError * c.standardError / (c2 * c2))
                .squareRoot()
            relativeCI = settings.alternative.interval(
                estimate: relative, standardError: relativeSE, alpha: settings.alpha, upperQuantile: Normal.upperQuantile)
        } else {
            diagnostics.append(Diagnostic(.zeroControlMean, "the control quantile is 0: relative lift is undefined"))
        }
        return Comparison(
            statistic: statistic, degreesOfFreedom: .infinity,
            pValue: settings.alternative.pValue(statistic: statistic, upperTail: Normal.survival),
            absoluteEffect: difference,
            absoluteCI: settings.alternative.interval(
                estimate: difference, standardError: se, alpha: settings.alpha, upperQuantile: Normal.upperQuantile),
            standardError: se, relativeEffect: relative, relativeCI: relativeCI, relativeStandardError: relativeSE,
            diagnostics: diagnostics)
    }
}
