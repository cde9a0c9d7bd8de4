// MARK: - Welch test from effect moments

extension WelchTTest {
    /// Welch's t test on precomputed effect moments (CUPED-adjusted or ratio metrics), as
    /// gbstats' `TwoSidedTTest` and its one-sided variants: t = Δ / √Var(Δ) on the
    /// Welch–Satterthwaite degrees of freedom, relative interval from the delta method on the
    /// same degrees of freedom.
    public static func compare(_ moments: EffectMoments, settings: TestSettings = TestSettings()) -> Comparison {
        guard settings.alpha > 0, settings.alpha < 1 else {
            return .undefined(Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        if let problem = moments.problem {
            var result = Comparison.undefined(problem)
            result.absoluteEffect = moments.absoluteEffect
            result.relativeEffect = moments.relativeEffect
            return result
        }
        let se = moments.absoluteVariance.squareRoot()
        let df = moments.degreesOfFreedom
        let distribution = StudentT(degreesOfFreedom: df)
        let statistic = moments.absoluteEffect / se
        var diagnostics: [Diagnostic] = []
        var relativeCI = Interval.undefined
        let relativeSE = moments.relativeVariance.squareRoot()
        if let collapsed = DeltaMethod.collapsedInterval(standardError: relativeSE, absoluteStandardError: se), moments.controlMean != 0 {
            diagnostics.append(collapsed)
        } else if moments.controlMean != 0 {
            relativeCI = settings.alternative.interval(
                estimate: moments.relativeEffect, standardError: relativeSE, alpha: settings.alpha,
                upperQuantile: distribution.upperQuantile)
        } else {
            diagnostics.append(Diagnostic(.zeroControlMean, "the control mean is 0: relative lift is undefined"))
        }
        return Comparison(
            statistic: statistic, degreesOfFreedom: df,
            pValue: settings.alternative.pValue(statistic: statistic, upperTail: distribution.survival),
            absoluteEffect: moments.absoluteEffect,
            absoluteCI: settings.alternative.interval(
                estimate: moments.absoluteEffect, standardError: se, alpha: settings.alpha,
                upperQuantile: distribution.upperQuantile),
            standardError: se, relativeEffect: moments.relativeEffect, relativeCI: relativeCI,
            relativeStandardError: relativeSE, diagnostics: diagnostics)
    }
}
