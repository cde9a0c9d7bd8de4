import Foundation
import TouchstoneAttribution

extension AttributionReport {
    /// A self-contained HTML read-out of one or several attribution models: conversions
    /// credited per channel, one bar per model (with bootstrap intervals when computed), and a
    /// table of shares and removal effects.
    public static func html(_ results: [AttributionResult]) -> String {
        let e = HTMLEscaping.escape
        let models = results.map(\.model)
        let first = results.first
        var subtitle = "\(models.count == 1 ? "Model" : "Models"): \(models.joined(separator: ", "))"
        if let first {
            subtitle += "; \(NumberFormatting.significant(first.totalConversions, digits: 8)) conversions"
            subtitle += ", value \(NumberFormatting.significant(first.totalValue, digits: 8))"
        }
        var document = HTMLDocument(title: "Attribution", subtitle: subtitle)
        if let unattributed = first?.unattributedConversions, unattributed > 0 {
            document.append("<div class=\"banner warn\" role=\"note\"><strong>Note:</strong> \(e(NumberFormatting.significant(unattributed, digits: 8))) conversions had no touch in the lookback window and are credited to no channel.</div>")
        }
        let channels = AttributionResult.channelOrder(results)
        var chart = BarChart(
            title: "Conversions credited per channel by model", axisLabel: "conversions credited",
            valueFormat: { NumberFormatting.significant($0, digits: 4) })
        for channel in channels {
            let bars = results.compactMap { result -> BarChart.Bar? in
                guard let credit = result.credit(for: channel) else { return nil }
                let interval = credit.conversionsCI.flatMap { $0.count == 2 ? (lower: $0[0], upper: $0[1]) : nil }
                return BarChart.Bar(series: result.model, value: credit.conversions, interval: interval)
            }
            chart.groups.append(.init(category: channel, bars: bars))
        }
        var body = chart.legend() + "\n<figure>\n" + chart.svg() + "\n<figcaption>Conversions credited to each channel"
        if let bootstrap = results.compactMap(\.bootstrap).first {
            body += "; black whiskers are \(NumberFormatting.confidence(alpha: 1 - bootstrap.level))% bootstrap percentile intervals (\(bootstrap.replicates) replicates over \(e(bootstrap.resampled)), seed \(bootstrap.seed))"
        }
        body += ". Each bar is labelled with its model and value.</figcaption>\n</figure>"
        document.section("Credit by channel", body)

        var table = HTMLTable(["channel"] + models.flatMap { ["\($0) conversions", "\($0) share"] })
        for channel in channels {
            table.append([channel] + results.flatMap { result -> [String] in
                guard let credit = result.credit(for: channel) else { return ["", ""] }
                var conversions = NumberFormatting.significant(credit.conversions, digits: 6)
                if let ci = credit.conversionsCI, ci.count == 2 {
                    conversions += " [\(NumberFormatting.significant(ci[0], digits: 5)), \(NumberFormatting.significant(ci[1], digits: 5))]"
                }
                return [conversions, String(format: "%.1f%%", credit.share * 100)]
            })
        }
        document.section("Table", table.render())
        if let line = orderSelectionLine(results) { document.append("<p class=\"note\">\(e(line))</p>") }
        let markov = results.filter { $0.channels.contains { $0.removalEffect != nil } }
        for result in markov {
            var effects = HTMLTable(["channel", "removal effect", "value removal effect"])
            for c in result.channels {
                effects.append([
                    c.channel, c.removalEffect.map { String(format: "%.2f%%", $0 * 100) } ?? "",
                    c.valueRemovalEffect.map { String(format: "%.2f%%", $0 * 100) } ?? "",
                ])
            }
            document.section("Removal effects (\(result.model))", "<p class=\"note\">The share of conversions lost if the channel were removed from every journey.</p>\n" + effects.render())
        }
        for result in results {
            guard let calibration = result.calibration else { continue }
            var rows = HTMLTable(["channel", "attributed", "measured incremental", "factor", "calibrated", "basis"])
            for c in calibration.channels {
                rows.append([
                    c.channel, NumberFormatting.significant(c.attributedConversions, digits: 6),
                    c.measuredIncrementalConversions.map { NumberFormatting.significant($0, digits: 6) } ?? "",
                    NumberFormatting.significant(c.factor, digits: 4), NumberFormatting.significant(c.calibratedConversions, digits: 6), c.basis,
                ])
            }
            let warnings = (calibration.warnings ?? []).map { "<div class=\"banner warn\" role=\"note\"><strong>Check:</strong> \(e($0))</div>\n" }.joined()
            document.section("Calibration of \(result.model) by measured lift", warnings + "<p class=\"note\">\(e(calibration.note))</p>\n" + rows.render())
        }
        if let settings = first?.settings, !settings.isEmpty {
            let items = settings.keys.sorted().map { "\($0) = \(settings[$0] ?? "")" }.joined(separator: "; ")
            document.append("<p class=\"note\">Settings: \(e(items))</p>")
        }
        document.append("<footer>Generated by touchstone; self-contained, no scripts.</footer>")
        return document.render()
    }
}
