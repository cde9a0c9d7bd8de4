import TouchstoneData
import TouchstoneStats

extension ExperimentAnalysis {
    /// The overall analysis of `segments.overall` (exactly what ``analyze(_:settings:)`` gives
    /// without segments) plus a read-out per segment in ``AnalysisResult/segments``.
    ///
    /// Each segment lists every arm of the experiment, with zero units where the segment has
    /// none — a segment missing an arm is itself a sample-ratio problem worth seeing. Segment
    /// p-values are corrected as one family over all segments (see ``AnalysisResult/Segments``);
    /// a group-sequential design splits α over that family too.
    public static func analyze(_ segments: SegmentedArmTable, settings: AnalysisSettings) throws -> AnalysisResult {
        let overallTable = segments.overall
        var result = try analyze(overallTable, settings: settings)

        let treatments = max(0, overallTable.variants.count - 1)
        let family = segments.segments.count * treatments * overallTable.metrics.count
        var segmentSettings = settings
        // A group-sequential design splits α over the whole segment family; otherwise the
        // p-values are corrected together once every segment is analysed.
        segmentSettings.comparisonFamily = family
        if settings.plannedLooks == nil { segmentSettings.correction = .none }

        var readouts: [AnalysisResult.SegmentResult] = []
        for segment in segments.segments {
            var table = segment.table
            table.variants = overallTable.variants
            for variant in overallTable.variants where table.units[variant] == nil { table.units[variant] = 0 }
            let analysed = try analyze(table, settings: segmentSettings)
            readouts.append(.init(
                segment: segment.value, units: table.units.values.reduce(0, +), srm: analysed.srm,
                metrics: analysed.metrics, factorial: analysed.factorial, warnings: analysed.warnings))
            if let srm = analysed.srm, srm.mismatch {
                result.warnings.append(
                    "Sample ratio mismatch in segment \(segments.column) = '\(segment.value)' (p = \(srm.pValue)): check assignment and logging for these units.")
            }
        }

        if settings.plannedLooks == nil {
            // One family over every segment's comparisons: flatten, correct, put back.
            var flat = readouts.flatMap(\.metrics)
            correct(&flat, settings: settings)
            var remaining = flat[...]
            for r in readouts.indices {
                for m in readouts[r].metrics.indices {
                    if let corrected = remaining.popFirst() { readouts[r].metrics[m] = corrected }
                }
            }
        }

        result.segments = .init(
            by: segments.column, family: family, results: readouts,
            heterogeneity: settings.method == .frequentist ? heterogeneity(readouts) : [])
        return result
    }

    /// Cochran's Q per metric and treatment over the segments' absolute effects.
    static func heterogeneity(_ readouts: [AnalysisResult.SegmentResult]) -> [AnalysisResult.Heterogeneity] {
        guard readouts.count >= 2, let first = readouts.first else { return [] }
        var tests: [AnalysisResult.Heterogeneity] = []
        for (m, metric) in first.metrics.enumerated() {
            for (c, comparison) in metric.comparisons.enumerated() {
                let estimates = readouts.compactMap { readout -> (estimate: Double, standardError: Double)? in
                    guard m < readout.metrics.count, c < readout.metrics[m].comparisons.count else { return nil }
                    let other = readout.metrics[m].comparisons[c]
                    return (other.absoluteEffect, other.standardError)
                }
                let q = CochranQ.test(estimates)
                tests.append(.init(
                    metric: metric.name, variant: comparison.variant, q: q.q, degreesOfFreedom: q.degreesOfFreedom,
                    pValue: q.pValue, iSquared: q.iSquared, segments: q.estimates,
                    diagnostics: q.diagnostics.isEmpty ? nil : q.diagnostics))
            }
        }
        return tests
    }
}
