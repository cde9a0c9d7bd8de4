import TouchstoneData
import TouchstoneStats

/// CUPED with several covariates for one comparison: the bridge between an ``ArmTable`` metric
/// that carries joint moments (``ArmTable/Metric/jointArms``) and
/// ``MultipleRegressionAdjustment``.
///
/// θ is pooled over the two arms compared (control and this treatment), as the one-covariate
/// CUPED does, so each comparison equals the OLS fit `y ~ treatment + x₁ + … + x_k` on those two
/// arms' units.
enum CovariateAdjustment {
    struct Several {
        var moments: EffectMoments
        var cuped: AnalysisResult.CUPED
        var diagnostics: [Diagnostic]
    }

    /// The adjustment of `variant` against `control`, or nil when the metric has fewer than two
    /// covariates or is a ratio.
    static func several(metric: ArmTable.Metric, control: String, variant: String) -> Several? {
        guard metric.covariates.count >= 2, metric.kind != .ratio else { return nil }
        let d = 1 + metric.covariates.count
        let c = metric.jointArms[ByteKey(control)] ?? JointMoments(dimension: d)
        let t = metric.jointArms[ByteKey(variant)] ?? JointMoments(dimension: d)
        let fit = MultipleRegressionAdjustment(control: c, treatment: t, kind: metric.kind, names: metric.covariates)
        let names = metric.covariates
        let used = fit.used.compactMap { names.indices.contains($0) ? names[$0] : nil }
        let dropped = fit.dropped.compactMap { names.indices.contains($0) ? names[$0] : nil }
        return Several(
            moments: fit.adjusted,
            cuped: AnalysisResult.CUPED(
                covariate: names.joined(separator: " + "), theta: .nan, varianceReduction: fit.varianceReduction,
                covariates: used, coefficients: fit.theta, dropped: dropped.isEmpty ? nil : dropped),
            diagnostics: fit.diagnostics)
    }
}
