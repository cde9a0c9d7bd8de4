import TouchstoneAttribution

/// Renders ``AttributionResult``s (one model, or `--model all`) for `touchstone attribute` and
/// `touchstone report`, in the words, units and number formats of `analyze`: headings in words,
/// shares and removal effects in percent, counts with two decimals; CSV columns in snake_case
/// at full precision (shares as fractions). HTML is in `AttributionReport+HTML.swift`.
public enum AttributionReport {
    /// Tables for terminals, Markdown or CSV: one model's credit, or the models side by side,
    /// followed by any calibration.
    public static func text(_ results: [AttributionResult], style: TextTable.Style) -> String {
        var parts = results.count == 1 ? [render(results[0], style: style)] : [comparison(results, style: style)]
        if style != .csv, let line = orderSelectionLine(results) { parts.append(line) }
        for result in results { if let report = result.calibration { parts.append(render(report, style: style)) } }
        let text = parts.joined(separator: "\n\n") + "\n"
        return style == .csv ? text : TerminalText.sanitizeReport(text, allowingColor: false)
    }

    /// The JSON contract: the result itself, or `{ "models": [...] }` for several.
    public static func json(_ results: [AttributionResult]) throws -> JSONOutput.Encoded {
        if results.count == 1 { return try JSONOutput.encodeCounting(results[0]) }
        return try JSONOutput.encodeCounting(["models": results])
    }

    static func decimals(_ value: Double, _ digits: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : NumberFormatting.significant(value)
    }

    /// A share in percent (not a signed change, so no `+`).
    static func share(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f%%", value * 100) : NumberFormatting.significant(value)
    }

    /// One model: a row per channel.
    static func render(_ result: AttributionResult, style: TextTable.Style) -> String {
        let hasEffect = result.channels.contains { $0.removalEffect != nil }
        let intervals = result.channels.contains { $0.conversionsCI != nil }
        let level = result.bootstrap.map { NumberFormatting.confidence(alpha: 1 - $0.level) } ?? 95
        let csv = style == .csv
        var header = ["channel", "conversions", "value", "share"]
        if hasEffect { header.append(csv ? "removal_effect" : "removal effect") }
        if intervals { header += csv ? ["conversions_ci_lower", "conversions_ci_upper"] : ["conversions \(level)% CI"] }
        var table = TextTable(header)
        for credit in result.channels {
            let ci = credit.conversionsCI.flatMap { $0.count == 2 ? $0 : nil }
            var row: [String]
            if csv {
                row = [credit.channel, NumberFormatting.exact(credit.conversions), NumberFormatting.exact(credit.value),
                       NumberFormatting.exact(credit.share)]
                if hasEffect { row.append(credit.removalEffect.map(NumberFormatting.exact) ?? "") }
                if intervals { row += [ci.map { NumberFormatting.exact($0[0]) } ?? "", ci.map { NumberFormatting.exact($0[1]) } ?? ""] }
            } else {
                row = [credit.channel, decimals(credit.conversions), decimals(credit.value), share(credit.share)]
                if hasEffect { row.append(credit.removalEffect.map(share) ?? "") }
                if intervals { row.append(ci.map { "[\(decimals($0[0])), \(decimals($0[1]))]" } ?? "") }
            }
            table.append(row)
        }
        let body = table.render(style)
        switch style {
        case .csv: return body
        case .markdown: return "### Model '\(AnalysisReport.name(result.model))'\n\n" + body
        case .table:
            return "Model '\(AnalysisReport.name(result.model))': \(decimals(result.totalConversions)) conversions, "
                + "value \(decimals(result.totalValue))\n" + body
        }
    }

    /// Several models side by side: conversions credited per channel and model, channels by
    /// mean credit across the models (``AttributionResult/channelOrder(_:)``).
    static func comparison(_ results: [AttributionResult], style: TextTable.Style) -> String {
        let channels = AttributionResult.channelOrder(results)
        let credits = results.map { result in
            Dictionary(result.channels.map { ($0.channel, $0.conversions) }, uniquingKeysWith: { first, _ in first })
        }
        var table = TextTable(["channel"] + results.map(\.model))
        for channel in channels {
            let cells: [String] = credits.map { credit in
                guard let conversions = credit[channel] else { return "" }
                return style == .csv ? NumberFormatting.exact(conversions) : decimals(conversions)
            }
            table.append([channel] + cells)
        }
        return table.render(style)
    }

    /// Attributed credit next to experiment-measured incrementality.
    static func render(_ report: CalibrationReport, style: TextTable.Style) -> String {
        let csv = style == .csv
        func number(_ value: Double) -> String { csv ? NumberFormatting.exact(value) : decimals(value) }
        var table = TextTable(
            ["channel", "attributed", "measured", "factor", "calibrated", "basis"],
            alignments: [.left, .right, .right, .right, .right, .left])
        for channel in report.channels {
            table.append([
                channel.channel, number(channel.attributedConversions), channel.measuredIncrementalConversions.map(number) ?? "",
                csv ? NumberFormatting.exact(channel.factor) : decimals(channel.factor, 4), number(channel.calibratedConversions),
                channel.basis,
            ])
        }
        let body = table.render(style)
        let title = "Calibration of '\(AnalysisReport.name(report.model))' (pooled factor \(decimals(report.pooledFactor, 4))): "
            + AnalysisReport.name(report.note)
        switch style {
        case .csv: return body
        case .markdown: return "### \(title)\n\n" + body
        case .table: return title + "\n" + body
        }
    }
}
