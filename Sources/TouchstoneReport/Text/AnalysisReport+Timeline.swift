import TouchstoneAnalysis
import TouchstoneStats

// MARK: - Results over time (text and Markdown)

extension AnalysisReport {
    /// The heading of the timeline: which view, and whether its points may be watched.
    static func timelineTitle(_ result: AnalysisResult) -> String {
        let daily = result.timeline?.first?.date != nil
        let view = daily ? "Timeline: the analysis as if run at the end of each day (UTC)" : "Timeline: effect on each day after exposure"
        guard daily else { return view }
        return view + (result.method == "sequential" ? " — always valid" : " — NOT VALID FOR PEEKING")
    }

    /// One compact table per metric: point, units, effect, interval, lift and p-value.
    static func timelineSections(_ result: AnalysisResult, markdown: Bool, confidence: Int) -> [String] {
        guard let timeline = result.timeline, !timeline.isEmpty else { return [] }
        var sections: [String] = []
        let title = timelineTitle(result)
        sections.append((markdown ? "### \(title)" : title) + (result.timelineNote.map { "\n" + (markdown ? "> " : "") + name($0) } ?? ""))
        let daily = timeline.first?.date != nil
        let bayesian = result.method == "bayesian"
        for (index, metric) in result.metrics.enumerated() {
            let several = metric.comparisons.count > 1
            var header = [daily ? "date" : "day"]
            if several { header.append("variant") }
            let interval = "\(confidence)% \(bayesian ? "credible interval" : "CI")"
            header += ["units (t/c)", "abs. effect [\(interval)]", "lift [\(interval)]", bayesian ? "" : "p", ""]
            var table = TextTable(header)
            for entry in timeline {
                guard index < entry.metrics.count else { continue }
                for comparison in entry.metrics[index].comparisons {
                    var row = [entry.date ?? entry.day.map { "\($0)" } ?? ""]
                    if several { row.append(comparison.variant) }
                    // The same formats and good/bad marks as the read-out's own tables.
                    let proportion = metric.kind == .proportion
                    let absolute = NumberFormatting.estimate(comparison.absoluteEffect, comparison.absoluteCI, scale: proportion ? 100 : 1)
                    let lift = NumberFormatting.lift(comparison.relativeEffect, comparison.relativeCI)
                    let tone = Tone(
                        significant: comparison.significant, absoluteEffect: comparison.absoluteEffect,
                        relativeEffect: comparison.relativeEffect, direction: metric.direction)
                    row += [
                        "\(NumberFormatting.count(comparison.units))/\(NumberFormatting.count(comparison.controlUnits))",
                        "\(absolute.value)\(proportion ? "pp" : "") \(absolute.interval)", "\(lift.value) \(lift.interval)",
                        bayesian ? "" : NumberFormatting.pValueShort(comparison.pValue), tone.mark,
                    ]
                    table.append(row, highlight: tone == .better, harmful: tone == .worse)
                }
            }
            let heading = "Over time: '\(name(metric.name))'"
            sections.append((markdown ? "#### \(heading)\n\n" : "\(heading)\n") + (markdown ? table.renderMarkdown() : table.renderText()))
        }
        return sections
    }
}
