/// The comparison of two arms of a cluster-randomised experiment by cluster-robust standard
/// errors: what statsmodels reports for OLS `y ~ 1 + treatment` fitted to the two arms' units
/// with `cov_type="cluster"` (`use_correction=True`, `use_t=True`).
///
/// With clusters nested in arms, the OLS slope is Δ = ȳ_t − ȳ_c and its CR1 sandwich variance
/// is the sum of the arms' ``ClusterStatistics/meanVariance`` scaled by the small-sample
/// correction of Stata and statsmodels (Cameron & Miller, "A Practitioner's Guide to
/// Cluster-Robust Inference", J. Human Resources 50(2), 2015, §VI.B):
/// ```
/// c = G/(G − 1) · (N − 1)/(N − K),   K = 2 parameters, G = G_c + G_t clusters, N = N_c + N_t units
/// Var(Δ) = c · (V(ȳ_t) + V(ȳ_c))          t = Δ / √Var(Δ) on G − 1 degrees of freedom
/// Var(r) = c · (V(ȳ_t)/ȳ_c² + ȳ_t² V(ȳ_c)/ȳ_c⁴)    (relative effect r = ȳ_t/ȳ_c − 1, delta method)
/// ```
/// Units within a cluster may be correlated arbitrarily; only the clusters are independent, so
/// the inference is about as good as the number of clusters (G − 1 degrees of freedom).
public enum ClusterRobustTest {
    /// The small-sample factor c = G/(G − 1) · (N − 1)/(N − 2).
    public static func correction(control: ClusterStatistics, treatment: ClusterStatistics) -> Double {
        let g = Double(control.clusters + treatment.clusters), n = Double(control.units + treatment.units)
        return g / (g - 1) * (n - 1) / (n - 2)
    }

    /// The effect moments whose per-unit variances reproduce the cluster-robust variances
    /// (σ²/n = c·V(ȳ)), for Fieller's interval and reports.
    public static func moments(control: ClusterStatistics, treatment: ClusterStatistics) -> EffectMoments {
        let c = correction(control: control, treatment: treatment)
        return EffectMoments(
            controlCount: control.units, treatmentCount: treatment.units, controlEstimate: control.mean,
            treatmentEstimate: treatment.mean, controlMean: control.mean, treatmentMean: treatment.mean,
            controlVariance: c * control.meanVariance * Double(control.units),
            treatmentVariance: c * treatment.meanVariance * Double(treatment.units))
    }

    /// Compares the arms' means with cluster-robust intervals (t on G − 1 degrees of freedom).
    public static func compare(control: ClusterStatistics, treatment: ClusterStatistics, settings: TestSettings = TestSettings()) -> Comparison {
        guard settings.alpha > 0, settings.alpha < 1 else {
            return .undefined(Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        let difference = treatment.mean - control.mean
        let relative = control.mean != 0 ? treatment.mean / control.mean - 1 : .nan
        func undefined(_ diagnostic: Diagnostic) -> Comparison {
            var result = Comparison.undefined(diagnostic)
            result.absoluteEffect = difference
            result.relativeEffect = relative
            return result
        }
        if control.units < 1 || treatment.units < 1 {
            return undefined(Diagnostic(.emptyArm, control.units < 1 ? "the control arm has no units" : "the treatment arm has no units"))
        }
        if control.clusters + treatment.clusters < 3 {
            return undefined(Diagnostic(.insufficientData, "fewer than 3 clusters: cluster-robust errors need more clusters than parameters"))
        }
        let moments = moments(control: control, treatment: treatment)
        let variance = moments.absoluteVariance
        guard variance > 0, variance.isFinite else {
            return undefined(Diagnostic(.zeroVariance, "every cluster total sits at its arm's mean: the effect's variance is zero"))
        }
        let se = variance.squareRoot()
        let df = Double(control.clusters + treatment.clusters - 1)
        let distribution = StudentT(degreesOfFreedom: df)
        let statistic = difference / se
        var diagnostics: [Diagnostic] = []
        var relativeCI = Interval.undefined
        let relativeSE = moments.relativeVariance.squareRoot()
        if let collapsed = DeltaMethod.collapsedInterval(standardError: relativeSE, absoluteStandardError: se), control.mean != 0 {
            diagnostics.append(collapsed)
        } else if control.mean != 0 {
            relativeCI = settings.alternative.interval(
                estimate: relative, standardError: relativeSE, alpha: settings.alpha, upperQuantile: distribution.upperQuantile)
        } else {
            diagnostics.append(Diagnostic(.zeroControlMean, "the control mean is 0: relative lift is undefined"))
        }
        return Comparison(
            statistic: statistic, degreesOfFreedom: df,
            pValue: settings.alternative.pValue(statistic: statistic, upperTail: distribution.survival),
            absoluteEffect: difference,
            absoluteCI: settings.alternative.interval(
                estimate: difference, standardError: se, alpha: settings.alpha, upperQuantile: distribution.upperQuantile),
            standardError: se, relativeEffect: relative, relativeCI: relativeCI, relativeStandardError: relativeSE,
            diagnostics: diagnostics)
    }
}
