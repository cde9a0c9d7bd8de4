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
                + "conversion rate \(rate(report.conversionRate))\nNote: \(AnalysisReport.name(report.note))"
            parts.append(style == .markdown ? "## Journeys\n\n" + summary : summary)
        }
        parts += [
            groups("Most common paths", "path", report.topPaths),
            groups("By path length", csv ? "path_length" : "path length", report.byLength),
            groups("By number of distinct channels", csv ? "distinct_channels" : "distinct channels", report.byDistinctChannels),
            section("Channel mix", mix),
            groups("Product mix", csv ? "product_mix" : "product mix", report.productMix),
        ]
        let text = parts.joined(separator: "\n\n") + "\n"
        return csv ? text : TerminalText.sanitizeReport(text, allowingColor: false)
    }
}
