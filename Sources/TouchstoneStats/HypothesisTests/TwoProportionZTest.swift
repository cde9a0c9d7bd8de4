/// Two-proportion z test of a 0/1 metric (conversion, retention, activation).
///
/// With conversion rates p̂_c = x_c / n_c and p̂_t = x_t / n_t, the statistic uses the pooled
/// standard error under H₀: p_t = p_c, and the interval the unpooled (Wald) one, as
/// statsmodels' `proportions_ztest` and `confint_proportions_2indep(method="wald")` do:
/// ```
/// p̄ = (x_c + x_t) / (n_c + n_t)
/// z = (p̂_t − p̂_c) / √(p̄(1 − p̄)(1/n_c + 1/n_t))
/// CI = p̂_t − p̂_c ± z_{1−α/2} · √(p̂_c(1 − p̂_c)/n_c + p̂_t(1 − p̂_t)/n_t)
/// ```
/// The relative lift's interval comes from the delta method on the same unpooled variances.
public enum TwoProportionZTest {
    /// Compares conversion counts.
    public static func compare(
        control: (units: Int, conversions: Int),
        treatment: (units: Int, conversions: Int),
        settings: TestSettings = TestSettings()
    ) -> Comparison {
        guard control.conversions >= 0, treatment.conversions >= 0,
            control.conversions <= control.units, treatment.conversions <= treatment.units
        else {
            return .undefined(Diagnostic(.invalidInput, "conversions must lie between 0 and the number of units"))
        }
        return compare(
            control: .proportion(units: control.units, conversions: control.conversions),
            treatment: .proportion(units: treatment.units, conversions: treatment.conversions),
            settings: settings)
    }

    /// Compares two arms whose statistics aggregate a 0/1 metric (the mean is the rate).
    public static func compare(
        control: SufficientStatistics, treatment: SufficientStatistics,
        settings: TestSettings = TestSettings()
    ) -> Comparison {
        guard settings.alpha > 0, settings.alpha < 1 else {
            return .undefined(Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        guard control.count > 0, treatment.count > 0 else {
            return .undefined(Diagnostic(.emptyArm, control.count > 0 ? "the treatment arm has no units" : "the control arm has no units"))
        }
        let nc = Double(control.count), nt = Double(treatment.count)
        let pc = control.mean, pt = treatment.mean
        let difference = pt - pc
        var diagnostics: [Diagnostic] = []

        let pooled = (pc * nc + pt * nt) / (nc + nt)
        let pooledSE = (pooled * (1 - pooled) * (1 / nc + 1 / nt)).squareRoot()
        let varianceC = pc * (1 - pc) / nc, varianceT = pt * (1 - pt) / nt
        let unpooledSE = (varianceC + varianceT).squareRoot()

        var z = Double.nan, p = Double.nan
        if pooledSE > 0 {
            z = difference / pooledSE
            p = settings.alternative.pValue(statistic: z, upperTail: Normal.survival)
        } else {
            diagnostics.append(Diagnostic(
                .zeroVariance, "every unit in both arms has the same outcome (rate \(pc)): no test is possible"))
        }

        var absoluteCI = Interval.undefined
        var relative = (effect: Double.nan, standardError: Double.nan)
        var relativeCI = Interval.undefined
        if unpooledSE > 0 {
            absoluteCI = settings.alternative.interval(
                estimate: difference, standardError: unpooledSE, alpha: settings.alpha,
                upperQuantile: Normal.upperQuantile)
        } else if pooledSE > 0 {
            diagnostics.append(Diagnostic(
                .zeroVariance, "each arm's outcome is constant (0% or 100%): the Wald interval is undefined"))
        }
        if pc > 0 {
            relative = DeltaMethod.relative(
                treatmentMean: pt, treatmentMeanVariance: varianceT, controlMean: pc, controlMeanVariance: varianceC)
            if relative.standardError > 0 {
                relativeCI = settings.alternative.interval(
                    estimate: relative.effect, standardError: relative.standardError, alpha: settings.alpha,
                    upperQuantile: Normal.upperQuantile)
            } else if let collapsed = DeltaMethod.collapsedInterval(standardError: relative.standardError, absoluteStandardError: unpooledSE) {
                diagnostics.append(collapsed)
            }
        } else {
            diagnostics.append(Diagnostic(.zeroControlMean, "the control converted no units: relative lift is undefined"))
        }
        return Comparison(
            statistic: z, degreesOfFreedom: .infinity, pValue: p,
            absoluteEffect: difference, absoluteCI: absoluteCI, standardError: unpooledSE,
            relativeEffect: relative.effect, relativeCI: relativeCI, relativeStandardError: relative.standardError,
            diagnostics: diagnostics)
    }
}
