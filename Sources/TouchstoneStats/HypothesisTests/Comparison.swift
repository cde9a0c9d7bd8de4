/// The result of comparing a treatment arm with the control arm on one metric.
///
/// Property names follow the JSON output contract (`absoluteEffect`, `absoluteCI`, `pValue`…),
/// so the report layer encodes them as they are. Numbers that the data cannot define are NaN
/// and ``diagnostics`` says why; nothing here is ever silently clamped.
public struct Comparison: Sendable, Hashable, Codable {
    /// The test statistic (z or t).
    public var statistic: Double
    /// Degrees of freedom of the reference distribution; `.infinity` for z tests.
    public var degreesOfFreedom: Double
    /// The p-value under the chosen alternative.
    public var pValue: Double
    /// Treatment mean minus control mean.
    public var absoluteEffect: Double
    /// Confidence interval of the absolute effect at level 1 − α.
    public var absoluteCI: Interval
    /// Standard error of the absolute effect used for the interval.
    public var standardError: Double
    /// Treatment mean / control mean − 1.
    public var relativeEffect: Double
    /// Confidence interval of the relative effect (delta method) at level 1 − α.
    public var relativeCI: Interval
    /// Delta-method standard error of the relative effect.
    public var relativeStandardError: Double
    /// Why any of the numbers above are undefined or to be read with care.
    public var diagnostics: [Diagnostic]

    public init(
        statistic: Double, degreesOfFreedom: Double, pValue: Double,
        absoluteEffect: Double, absoluteCI: Interval, standardError: Double,
        relativeEffect: Double, relativeCI: Interval, relativeStandardError: Double,
        diagnostics: [Diagnostic] = []
    ) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = pValue
        self.absoluteEffect = absoluteEffect
        self.absoluteCI = absoluteCI
        self.standardError = standardError
        self.relativeEffect = relativeEffect
        self.relativeCI = relativeCI
        self.relativeStandardError = relativeStandardError
        self.diagnostics = diagnostics
    }

    /// A result in which nothing could be computed.
    static func undefined(_ diagnostic: Diagnostic) -> Comparison {
        Comparison(
            statistic: .nan, degreesOfFreedom: .nan, pValue: .nan,
            absoluteEffect: .nan, absoluteCI: .undefined, standardError: .nan,
            relativeEffect: .nan, relativeCI: .undefined, relativeStandardError: .nan,
            diagnostics: [diagnostic])
    }
}

/// Settings shared by the frequentist comparisons.
public struct TestSettings: Sendable, Hashable, Codable {
    /// The significance level α; intervals have confidence 1 − α.
    public var alpha: Double
    public var alternative: Alternative

    public init(alpha: Double = 0.05, alternative: Alternative = .twoSided) {
        self.alpha = alpha
        self.alternative = alternative
    }

    /// Throws unless 0 < α < 1.
    public func validate() throws {
        guard alpha > 0, alpha < 1 else {
            throw StatsError("alpha must lie strictly between 0 and 1 (got \(alpha))")
        }
    }
}

// MARK: - Relative effect by the delta method

enum DeltaMethod {
    /// Relative effect r = μ_t / μ_c − 1 and its standard error.
    ///
    /// First-order Taylor expansion of the ratio of independent means (e.g. Deng, Knoblich &
    /// Lu, "Applying the Delta Method in Metric Analytics", KDD 2018, eq. 4):
    /// ```
    /// Var(r) ≈ Var(ȳ_t) / μ_c² + μ_t² · Var(ȳ_c) / μ_c⁴
    /// ```
    /// where Var(ȳ) is the variance of the mean (s² / n).
    static func relative(
        treatmentMean: Double, treatmentMeanVariance: Double,
        controlMean: Double, controlMeanVariance: Double
    ) -> (effect: Double, standardError: Double) {
        guard controlMean != 0, controlMean.isFinite else { return (.nan, .nan) }
        let c2 = controlMean * controlMean
        let variance = treatmentMeanVariance / c2
            + treatmentMean * treatmentMean * controlMeanVariance / (c2 * c2)
        return (treatmentMean / controlMean - 1, variance.squareRoot())
    }

    /// Why the relative interval is withheld although the control mean is not 0, or nil.
    ///
    /// The delta method's standard error is 0 when the treatment arm is constant at 0 (no
    /// conversions, no revenue) while the control varies: the interval would collapse to the
    /// single point −100%, a certainty the data do not carry (the absolute interval, which
    /// keeps the control's variance, still stands). Every method withholds it the same way.
    static func collapsedInterval(standardError: Double, absoluteStandardError: Double) -> Diagnostic? {
        guard standardError == 0, absoluteStandardError > 0 else { return nil }
        return Diagnostic(
            .zeroVariance,
            "the treatment arm is constant at 0: the delta-method interval of the relative lift would collapse to −100%, so it is left undefined")
    }
}
