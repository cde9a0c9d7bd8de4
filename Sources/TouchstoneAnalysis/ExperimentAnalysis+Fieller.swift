import TouchstoneStats

// MARK: - Fieller's interval for the relative effect

extension ExperimentAnalysis {
    /// Replaces a comparison's delta-method relative interval by Fieller's (``FiellerInterval``),
    /// at the comparison's own level and reference distribution (z, or t on its degrees of
    /// freedom). Where the control estimate is not significantly different from zero (g ≥ 1) the
    /// interval is unbounded: `relativeCI` becomes undefined (null) and a diagnostic names the
    /// metric and arm.
    static func applyFieller(
        _ result: inout AnalysisResult.ComparisonResult, treatment: Double, treatmentVariance: Double, control: Double,
        controlVariance: Double, degreesOfFreedom: Double, metric: String, settings: AnalysisSettings
    ) {
        guard result.relativeCI.isDefined || control != 0 else { return }
        let distribution = StudentT(degreesOfFreedom: degreesOfFreedom.isNaN ? .infinity : degreesOfFreedom)
        let fieller = FiellerInterval.relative(
            treatment: treatment, treatmentVariance: treatmentVariance, control: control, controlVariance: controlVariance,
            alpha: settings.test.alpha, alternative: settings.test.alternative, upperQuantile: distribution.upperQuantile)
        result.relativeCI = fieller.relativeCI
        if !fieller.isBounded, fieller.g.isFinite || control == 0 {
            var diagnostics = result.diagnostics ?? []
            let g = fieller.g.isFinite ? " (g = \(fieller.g))" : ""
            diagnostics.append(Diagnostic(
                .unboundedInterval,
                "metric '\(metric)', variant '\(result.variant)': the control estimate \(control) is not significantly different from 0 at α = \(settings.test.alpha)\(g), so Fieller's interval for the relative effect is unbounded; relativeCI is null (the absolute effect's interval stands)"))
            result.diagnostics = diagnostics
        }
    }
}
