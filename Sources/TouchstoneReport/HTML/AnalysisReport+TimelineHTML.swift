import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

// MARK: - Results over time (HTML)

extension AnalysisReport {
    /// One cumulative-effect chart per metric and treatment, with its interval band, and the
    /// table of the points under a disclosure.
    static func timelineSection(_ result: AnalysisResult, confidence: Int) -> String {
        guard let timeline = result.timeline, !timeline.isEmpty else { return "" }
        let e = HTMLEscaping.escape
        let daily = timeline.first?.date != nil
        let bayesian = result.method == "bayesian"
        let intervalName = bayesian ? "credible interval" : (result.method == "sequential" ? "always-valid interval" : "CI")
        let caveat: String? = daily ? (result.method == "sequential" ? "always valid: may be watched daily" : "not valid for peeking") : nil
        var html = "<section class=\"timeline\">\n<h2>\(e(daily ? "Results over time" : "Effect by day since exposure"))</h2>\n"
        if let note = result.timelineNote {
            let tone = daily && result.method != "sequential" ? "warn" : "ok"
            // The note opens with its verdict ("not valid for peeking: …"): set that part in bold.
            let parts = note.split(separator: ":", maxSplits: 1).map(String.init)
            let (verdict, reason) = parts.count == 2 && daily ? (parts[0], parts[1]) : ("Days since exposure", " " + note)
            html += "<div class=\"banner \(tone)\" role=\"note\"><strong>\(e(verdict.prefix(1).uppercased() + verdict.dropFirst())):</strong>\(e(reason))</div>\n"
        }
        for (index, metric) in result.metrics.enumerated() {
            for comparison in metric.comparisons {
                var chart = TimelineChart(
                    metric: metric.name, variant: comparison.variant,
                    axisLabel: "relative lift vs \(result.control) (\(confidence)% \(intervalName))", caveat: caveat,
                    tickFormat: { NumberFormatting.percent($0, digits: abs($0) < 0.1 && $0 != 0 ? 1 : 0) })
                var table = HTMLTable([daily ? "date" : "day", "units (treatment/control)", "lift [\(confidence)% \(bayesian ? "CrI" : "CI")]", bayesian ? "" : "p"])
                for entry in timeline {
                    guard index < entry.metrics.count,
                        let point = entry.metrics[index].comparisons.first(where: { $0.variant.bytewiseEquals(comparison.variant) })
                    else { continue }
                    let label = entry.date ?? entry.day.map { "day \($0)" } ?? ""
                    let lift = "\(NumberFormatting.percent(point.relativeEffect)) [\(NumberFormatting.percent(point.relativeCI.lower)), \(NumberFormatting.percent(point.relativeCI.upper))]"
                    let units = "\(NumberFormatting.count(point.units))/\(NumberFormatting.count(point.controlUnits))"
                    chart.points.append(.init(
                        label: label, estimate: point.relativeEffect, lower: point.relativeCI.lower, upper: point.relativeCI.upper,
                        significant: point.significant, valueText: "\(lift), \(units) units"))
                    table.append([label, units, lift, bayesian ? "" : NumberFormatting.pValue(point.pValue)],
                                 rowClass: point.significant ? "significant" : nil)
                }
                html += "<figure>\n<figcaption>“\(e(metric.name))”: \(e(comparison.variant)) vs “\(e(result.control))”\(daily ? ", cumulative" : ", each day after exposure alone")</figcaption>\n"
                html += chart.svg() + "\n</figure>\n"
                html += "<details><summary>Points</summary>\n\(table.render())\n</details>\n"
            }
        }
        return html + "</section>"
    }
}
