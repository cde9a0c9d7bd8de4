import TouchstoneAttribution

/// Renders a ``JourneyReport`` for `touchstone journeys`: the same table renderer, words and
/// number formats as the other reports (rates and shares in percent; CSV at full precision).
public enum JourneysReport {
    public static func json(_ report: JourneyReport) throws -> JSONOutput.Encoded {
        try JSONOutput.encodeCounting(report)
    }

    public static func text(_ report: JourneyReport, style: TextTable.Style) -> String {
        let csv = style == .csv
        func count(_ value: Double) -> String {
            csv ? NumberFormatting.exact(value) : (value.isFinite && value.magnitude < 1e15 ? NumberFormatting.count(Int(value.rounded())) : NumberFormatting.significant(value))
        }
        func rate(_ value: Double) -> String { csv ? NumberFormatting.exact(value) : AttributionReport.share(value) }
        func section(_ title: String, _ table: TextTable) -> String {
            switch style {
            case .csv: table.renderCSV()
            case .markdown: "### \(title)\n\n" + table.renderMarkdown()
            case .table: title + "\n" + table.renderText()
            }
        }
        func groups(_ title: String, _ key: String, _ list: [JourneyReport.Group]) -> String {
            var table = TextTable([key, "journeys", "conversions", csv ? "conversion_rate" : "conversion rate"])
            for group in list { table.append([group.key, count(group.journeys), count(group.conversions), rate(group.conversionRate)]) }
            return section(title, table)
        }
        var mix = TextTable(csv ? ["channel", "touch_share", "journey_share", "conversion_rate"]
                                : ["channel", "share of touches", "share of journeys", "conversion rate"])
        for channel in report.channelMix {
            mix.append([channel.channel, rate(channel.touchShare), rate(channel.journeyShare), rate(channel.conversionRate)])
        }
        var parts: [String] = []
        if !csv {
            let summary = "Journeys: \(count(report.journeys)), conversions: \(count(report.conversions)), "
                + "conversion rate \(rate(report.conversionRate))\n" + timeToConversionLine(report)
                + "\nNote: \(AnalysisReport.name(report.note))"
            parts.append(style == .markdown ? "## Journeys\n\n" + summary : summary)
        }
        parts += [
            groups("Most common paths", "path", report.topPaths),
            groups("By path length", csv ? "path_length" : "path length", report.byLength),
            groups("By number of distinct channels", csv ? "distinct_channels" : "distinct channels", report.byDistinctChannels),
            section("Channel mix", mix),
            groups("Product mix", csv ? "product_mix" : "product mix", report.productMix),
        ]
        if let transitions = transitionTable(report, csv: csv, count: count) {
            parts.append(section(csv ? "Transitions" : "Transitions (journeys stepping from row to column)", transitions))
        }
        let text = parts.joined(separator: "\n\n") + "\n"
        return csv ? text : TerminalText.sanitizeReport(text, allowingColor: false)
    }

    /// One line: the quantiles of days from first touch to conversion.
    static func timeToConversionLine(_ report: JourneyReport) -> String {
        guard let t = report.timeToConversion else {
            return "Time to conversion: not available (no converting journey with touch times; aggregated paths carry none)"
        }
        func days(_ x: Double) -> String { NumberFormatting.significant(x, digits: 3) }
        return "Time to conversion (days from first touch): p25 \(days(t.p25)), median \(days(t.p50)), "
            + "p75 \(days(t.p75)), p90 \(days(t.p90))"
    }

    /// The transition counts as a matrix (rows: from, columns: to), or long form in CSV.
    static func transitionTable(_ report: JourneyReport, csv: Bool, count: (Double) -> String) -> TextTable? {
        guard !report.transitions.isEmpty else { return nil }
        if csv {
            var table = TextTable(["from", "to", "count"])
            for step in report.transitions { table.append([step.from, step.to, count(step.count)]) }
            return table
        }
        let (rows, columns, counts) = transitionMatrix(report)
        var table = TextTable(["from / to"] + columns)
        for (r, row) in rows.enumerated() {
            table.append([row] + counts[r].map { $0 > 0 ? count($0) : "·" })
        }
        return table
    }

    /// The transitions as a dense matrix: rows `(start)` then channels, columns the same
    /// channels then `(conversion)`, `(null)`, so the diagonal is a channel repeating.
    static func transitionMatrix(_ report: JourneyReport) -> (rows: [String], columns: [String], counts: [[Double]]) {
        var rows: [String] = [], seen: [String] = []
        for step in report.transitions {
            if !rows.contains(step.from) { rows.append(step.from) }
            if !seen.contains(step.to) { seen.append(step.to) }
        }
        let ends = [JourneyStatistics.conversion, JourneyStatistics.null]
        let columns = rows.filter { $0 != JourneyStatistics.start && seen.contains($0) }
            + seen.filter { !rows.contains($0) && !ends.contains($0) } + ends.filter { seen.contains($0) }
        var counts = rows.map { _ in [Double](repeating: 0, count: columns.count) }
        for step in report.transitions {
            if let r = rows.firstIndex(of: step.from), let c = columns.firstIndex(of: step.to) { counts[r][c] = step.count }
        }
        return (rows, columns, counts)
    }
}
