import Foundation

/// Text renderings of attribution results: aligned tables, CSV and Markdown.
public enum AttributionRendering {
    public enum Style: Sendable { case table, csv, markdown }

    static func number(_ x: Double, _ digits: Int = 2) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.\(digits)f", x)
    }

    /// Renders rows of cells as an aligned table, CSV or a Markdown table.
    public static func grid(_ header: [String], _ rows: [[String]], style: Style, numericFrom: Int = 1) -> String {
        switch style {
        case .csv:
            func quote(_ s: String) -> String {
                s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .markdown:
            let align = header.indices.map { $0 >= numericFrom ? "---:" : "---" }
            return ([header, align] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n") + "\n"
        case .table:
            var widths = header.map(\.count)
            for row in rows { for (k, cell) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], cell.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { k, cell in
                    let pad = String(repeating: " ", count: max(0, widths[k] - cell.count))
                    return k >= numericFrom ? pad + cell : cell + pad
                }.joined(separator: "  ")
            }
            return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + rows.map(line)).joined(separator: "\n") + "\n"
        }
    }

    /// One model: a row per channel.
    public static func render(_ result: AttributionResult, style: Style) -> String {
        let hasEffect = result.channels.contains { $0.removalEffect != nil }
        let hasCI = result.channels.contains { $0.conversionsCI != nil }
        var header = ["channel", "conversions", "value", "share"]
        if hasEffect { header.append("removalEffect") }
        if hasCI { header += ["conversionsLow", "conversionsHigh"] }
        let rows = result.channels.map { c -> [String] in
            var row = [c.channel, number(c.conversions, 4), number(c.value, 4), number(c.share, 4)]
            if hasEffect { row.append(c.removalEffect.map { number($0, 6) } ?? "") }
            if hasCI { row += [c.conversionsCI.map { number($0[0], 4) } ?? "", c.conversionsCI.map { number($0[1], 4) } ?? ""] }
            return row
        }
        var text = grid(header, rows, style: style)
        if style == .table {
            text = "model \(result.model): \(number(result.totalConversions, 2)) conversions, value \(number(result.totalValue, 2))\n" + text
        }
        return text
    }

    /// Several models side by side: conversions credited per channel and model.
    public static func renderComparison(_ results: [AttributionResult], style: Style) -> String {
        var channels: [String] = []
        for result in results { for c in result.channels where !channels.contains(c.channel) { channels.append(c.channel) } }
        let header = ["channel"] + results.map(\.model)
        let rows = channels.map { name in
            [name] + results.map { result in result.credit(for: name).map { number($0.conversions, 2) } ?? "" }
        }
        return grid(header, rows, style: style)
    }

    public static func render(_ report: JourneyReport, style: Style) -> String {
        func groups(_ title: String, _ list: [JourneyReport.Group]) -> String {
            let rows = list.map { [$0.key, number($0.journeys, 0), number($0.conversions, 0), number($0.conversionRate, 4)] }
            let body = grid([title, "journeys", "conversions", "conversionRate"], rows, style: style)
            return style == .markdown ? "### \(title)\n\n" + body : body
        }
        let mixRows = report.channelMix.map {
            [$0.channel, number($0.touchShare, 4), number($0.journeyShare, 4), number($0.conversionRate, 4)]
        }
        let parts = [
            "Journeys: \(number(report.journeys, 0)), conversions: \(number(report.conversions, 0)), conversion rate \(number(report.conversionRate, 4))\nNote: \(report.note)\n",
            groups("path", report.topPaths),
            groups("pathLength", report.byLength),
            groups("distinctChannels", report.byDistinctChannels),
            grid(["channel", "touchShare", "journeyShare", "conversionRate"], mixRows, style: style),
            groups("productMix", report.productMix),
        ]
        return parts.joined(separator: "\n")
    }

    public static func render(_ report: CalibrationReport, style: Style) -> String {
        let rows = report.channels.map {
            [$0.channel, number($0.attributedConversions), $0.measuredIncrementalConversions.map { number($0) } ?? "",
             number($0.factor, 4), number($0.calibratedConversions), $0.basis]
        }
        let body = grid(["channel", "attributed", "measured", "factor", "calibrated", "basis"], rows, style: style)
        return style == .table ? "calibration of \(report.model) (pooled factor \(number(report.pooledFactor, 4))): \(report.note)\n" + body : body
    }
}
