import TouchstoneData
import TouchstoneStats

// MARK: - Quantile metrics

extension ExperimentAnalysis {
    /// The results of the table's quantile metrics (`--quantile COL:Q`): per arm the sample
    /// quantile (numpy's default, type 7) beside the mean, per treatment the difference and
    /// ratio − 1 of the quantiles against control by ``QuantileTest`` (order-statistic standard
    /// errors, Deng, Knoblich & Lu 2018), or Fieller's relative interval with `--relative-ci
    /// fieller`. Only the fixed-horizon frequentist method has a quantile test; the request
    /// refuses the others, and a library caller that asks anyway gets undefined comparisons
    /// with a diagnostic, never another method's numbers.
    static func quantileMetrics(_ table: ArmTable, treatments: [String], settings: AnalysisSettings) -> [AnalysisResult.MetricResult] {
        table.quantiles.map { samples in
            let estimates = table.variants.map { variant in
                SampleQuantile(sorted: samples.arms[ByteKey(variant)] ?? [], level: samples.level, alpha: settings.test.alpha)
            }
            let arms = zip(table.variants, estimates).map { variant, estimate in
                var moments = SufficientStatistics()
                for value in samples.arms[ByteKey(variant)] ?? [] { moments.add(value) }
                var arm = AnalysisResult.Arm(variant: variant, units: estimate.count, mean: moments.mean, stdDev: moments.stdDev)
                arm.quantileValue = estimate.value
                return arm
            }
            let byVariant = Dictionary(zip(table.variants.map { ByteKey($0) }, estimates), uniquingKeysWith: { first, _ in first })
            let none = SampleQuantile(sorted: [], level: samples.level, alpha: settings.test.alpha)
            let control = byVariant[ByteKey(settings.control)] ?? none
            let comparisons = treatments.map { variant in
                quantileComparison(
                    control: control, treatment: byVariant[ByteKey(variant)] ?? none, variant: variant, metric: samples.name,
                    settings: settings)
            }
            var result = AnalysisResult.MetricResult(name: samples.name, kind: .quantile, arms: arms, comparisons: comparisons)
            result.quantile = samples.level
            return result
        }
    }

    static func quantileComparison(
        control: SampleQuantile, treatment: SampleQuantile, variant: String, metric: String, settings: AnalysisSettings
    ) -> AnalysisResult.ComparisonResult {
        let comparison = settings.method == .frequentist
            ? QuantileTest.compare(control: control, treatment: treatment, settings: settings.test)
            : Comparison(
                statistic: .nan, degreesOfFreedom: .nan, pValue: .nan, absoluteEffect: treatment.value - control.value,
                absoluteCI: .undefined, standardError: .nan, relativeEffect: .nan, relativeCI: .undefined, relativeStandardError: .nan,
                diagnostics: [Diagnostic(.invalidInput, "quantile metrics have a fixed-horizon frequentist test only")])
        var result = AnalysisResult.ComparisonResult(
            variant: variant, control: settings.control, absoluteEffect: comparison.absoluteEffect,
            absoluteCI: comparison.absoluteCI, relativeEffect: comparison.relativeEffect, relativeCI: comparison.relativeCI,
            pValue: comparison.pValue, adjustedPValue: comparison.pValue, significant: false, statistic: comparison.statistic,
            standardError: comparison.standardError,
            diagnostics: comparison.diagnostics.isEmpty ? nil : comparison.diagnostics)
        if settings.relativeInterval == .fieller, settings.method == .frequentist, comparison.standardError.isFinite {
            applyFieller(
                &result, treatment: treatment.value, treatmentVariance: treatment.standardError * treatment.standardError,
                control: control.value, controlVariance: control.standardError * control.standardError,
                degreesOfFreedom: .infinity, metric: metric, settings: settings)
        }
        return result
    }
}
