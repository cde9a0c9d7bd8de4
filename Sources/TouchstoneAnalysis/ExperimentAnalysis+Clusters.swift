import TouchstoneData
import TouchstoneStats

// MARK: - Cluster-randomised comparisons

extension ExperimentAnalysis {
    /// A comparison of a cluster-randomised metric by ``ClusterRobustTest`` (statsmodels' OLS with
    /// `cov_type="cluster"`: CR1 correction, t on G − 1 degrees of freedom), with Fieller's
    /// relative interval on the same variances when asked. Only the fixed-horizon frequentist
    /// method has a cluster-robust version here; the request refuses the others, and a library
    /// caller asking anyway gets an undefined comparison with a diagnostic.
    static func clusterComparison(
        metric: ArmTable.Metric, clusters: [ByteKey: ClusterStatistics], variant: String, settings: AnalysisSettings
    ) -> AnalysisResult.ComparisonResult {
        let control = clusters[ByteKey(settings.control)] ?? ClusterStatistics()
        let treatment = clusters[ByteKey(variant)] ?? ClusterStatistics()
        var comparison = ClusterRobustTest.compare(control: control, treatment: treatment, settings: settings.test)
        if settings.method != .frequentist {
            comparison = Comparison(
                statistic: .nan, degreesOfFreedom: .nan, pValue: .nan, absoluteEffect: comparison.absoluteEffect,
                absoluteCI: .undefined, standardError: .nan, relativeEffect: comparison.relativeEffect, relativeCI: .undefined,
                relativeStandardError: .nan,
                diagnostics: [Diagnostic(.invalidInput, "cluster-robust intervals exist for the frequentist method only")])
        }
        var result = AnalysisResult.ComparisonResult(
            variant: variant, control: settings.control, absoluteEffect: comparison.absoluteEffect,
            absoluteCI: comparison.absoluteCI, relativeEffect: comparison.relativeEffect, relativeCI: comparison.relativeCI,
            pValue: comparison.pValue, adjustedPValue: comparison.pValue, significant: false, statistic: comparison.statistic,
            standardError: comparison.standardError,
            diagnostics: comparison.diagnostics.isEmpty ? nil : comparison.diagnostics)
        if settings.relativeInterval == .fieller, settings.method == .frequentist, comparison.standardError.isFinite {
            let moments = ClusterRobustTest.moments(control: control, treatment: treatment)
            applyFieller(
                &result, treatment: moments.treatmentEstimate, treatmentVariance: moments.treatmentVariance / Double(moments.treatmentCount),
                control: moments.controlEstimate, controlVariance: moments.controlVariance / Double(moments.controlCount),
                degreesOfFreedom: comparison.degreesOfFreedom, metric: metric.name, settings: settings)
        }
        return result
    }
}
