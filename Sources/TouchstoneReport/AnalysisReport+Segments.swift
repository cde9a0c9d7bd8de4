import TouchstoneAnalysis
import TouchstoneStats

extension AnalysisReport {
    /// The name a segment is shown under: its value, or “(empty)” for units without one.
    static func segmentLabel(_ value: String) -> String {
        value.isEmpty ? "(empty)" : TerminalText.sanitize(value)
    }

    static func segmentHeading(_ segments: AnalysisResult.Segments, result: AnalysisResult) -> String {
        var heading = "Segments by '\(name(segments.by))' (\(segments.results.count) segments"
        if result.method != "bayesian", result.correction != .none {
            heading += "; \(result.correction.rawValue) correction over the \(segments.family) segment comparisons"
        }
        return heading + ")"
    }

    /// Terminal and Markdown sections: per metric one table of every segment's arms, then the
    /// heterogeneity tests.
    static func segmentSections(
        _ segments: AnalysisResult.Segments, result: AnalysisResult, markdown: Bool, color: Bool, confidence: Int, wide: Bool
    ) -> [String] {
        var sections = [markdown ? "## \(segmentHeading(segments, result: result))" : segmentHeading(segments, result: result)]
        for (index, metric) in result.metrics.enumerated() {
            let groups = segments.results.filter { index < $0.metrics.count }.map { segment in
                (leading: [segmentLabel(segment.segment)], metric: segment.metrics[index])
            }
            let table = ReadOutTable(
                metric, result: result, confidence: confidence, direction: metric.direction, leadingHeaders: ["segment"], metrics: groups
            ).rendered(wide: wide)
            let title = "Metric '\(name(metric.name))' by \(name(segments.by))"
            sections.append((markdown ? "### \(title)\n\n" : "\(title)\n") + (markdown ? table.renderMarkdown() : table.renderText(color: color)))
        }
        let srmProblems = segments.results.filter { $0.srm?.mismatch ?? false }
        if !srmProblems.isEmpty {
            let names = srmProblems.map { "'\(segmentLabel($0.segment))'" }.joined(separator: ", ")
            sections.append((markdown ? "> **Sample ratio mismatch** in segment(s) " : "WARNING: sample ratio mismatch in segment(s) ") + names)
        }
        if !segments.heterogeneity.isEmpty {
            var table = TextTable(heterogeneityHeader)
            for test in segments.heterogeneity { table.append(heterogeneityCells(test), highlight: test.pValue < result.alpha) }
            let title = "Does the effect differ between segments? (Cochran's Q on the absolute effects; uncorrected p)"
            sections.append((markdown ? "### \(title)\n\n" : "\(title)\n") + (markdown ? table.renderMarkdown() : table.renderText(color: color)))
        }
        return sections
    }

    static let heterogeneityHeader = ["metric", "variant", "Q", "df", "p", "I²", "segments"]

    /// One heterogeneity test under ``heterogeneityHeader``.
    static func heterogeneityCells(_ test: AnalysisResult.Heterogeneity) -> [String] {
        [
            test.metric, test.variant, NumberFormatting.significant(test.q, digits: 4), "\(test.degreesOfFreedom)",
            NumberFormatting.pValue(test.pValue), test.iSquared.isFinite ? String(format: "%.0f%%", test.iSquared * 100) : "—",
            "\(test.segments)",
        ]
    }

    /// CSV rows of the segment comparisons, in the columns of ``csv(_:)`` plus the segment.
    static func segmentCSVRows(_ segments: AnalysisResult.Segments, result: AnalysisResult) -> [[String]] {
        segments.results.flatMap { segment in
            comparisonCSVRows(segment.metrics).map { $0 + [segment.segment] }
        }
    }
}
