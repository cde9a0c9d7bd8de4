/// Welch's unequal-variances t test of a difference in means (revenue, rounds played…).
///
/// With vᵢ = sᵢ² / nᵢ (Welch 1947; Satterthwaite 1946):
/// ```
/// t  = (ȳ_t − ȳ_c) / √(v_c + v_t)
/// ν  = (v_c + v_t)² / (v_c² / (n_c − 1) + v_t² / (n_t − 1))
/// CI = ȳ_t − ȳ_c ± t_{ν, 1−α/2} · √(v_c + v_t)
/// ```
/// matching scipy's `ttest_ind(equal_var=False)`. The relative lift uses the delta method with
/// the same ν, as gbstats does.
public enum WelchTTest {
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
        var result = Comparison.undefined(Diagnostic(
            .insufficientData, "an arm has fewer than 2 units: its variance is undefined"))
        result.absoluteEffect = treatment.mean - control.mean
        if control.mean != 0 { result.relativeEffect = treatment.mean / control.mean - 1 }
        guard control.count > 1, treatment.count > 1 else { return result }
        result.diagnostics = []

        let nc = Double(control.count), nt = Double(treatment.count)
        let vc = control.variance / nc, vt = treatment.variance / nt
        let se = (vc + vt).squareRoot()
        result.standardError = se
        guard se > 0, se.isFinite else {
            result.diagnostics.append(Diagnostic(
                .zeroVariance, "both arms have zero variance: no test is possible"))
            return result
        }
        let df = (vc + vt) * (vc + vt) / (vc * vc / (nc - 1) + vt * vt / (nt - 1))
        let distribution = StudentT(degreesOfFreedom: df)
        result.degreesOfFreedom = df
        result.statistic = result.absoluteEffect / se
        result.pValue = settings.alternative.pValue(statistic: result.statistic, upperTail: distribution.survival)
        result.absoluteCI = settings.alternative.interval(
            estimate: result.absoluteEffect, standardError: se, alpha: settings.alpha,
            upperQuantile: distribution.upperQuantile)

        if control.mean != 0 {
            let relative = DeltaMethod.relative(
                treatmentMean: treatment.mean, treatmentMeanVariance: vt,
                controlMean: control.mean, controlMeanVariance: vc)
            result.relativeEffect = relative.effect
            result.relativeStandardError = relative.standardError
            if let collapsed = DeltaMethod.collapsedInterval(standardError: relative.standardError, absoluteStandardError: se) {
                result.diagnostics.append(collapsed)
            } else {
                result.relativeCI = settings.alternative.interval(
                    estimate: relative.effect, standardError: relative.standardError, alpha: settings.alpha,
                    upperQuantile: distribution.upperQuantile)
            }
        } else {
            result.diagnostics.append(Diagnostic(.zeroControlMean, "the control mean is 0: relative lift is undefined"))
        }
        return result
    }
}
