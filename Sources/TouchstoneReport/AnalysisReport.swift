import TouchstoneAnalysis
import TouchstoneStats

/// Renders an ``AnalysisResult`` in the formats of `touchstone analyze`.
public enum AnalysisReport {
    public static func json(_ result: AnalysisResult) throws -> String {
        try JSONOutput.encode(result)
    }

    /// One row per comparison, full precision, for spreadsheets and scripts.
    public static func csv(_ result: AnalysisResult) -> String {
        var lines = [CSVWriting.line([
            "metric", "kind", "variant", "control", "units", "mean", "control_units", "control_mean",
            "absolute_effect", "absolute_ci_lower", "absolute_ci_upper", "relative_effect",
            "relative_ci_lower", "relative_ci_upper", "p_value", "adjusted_p_value", "significant",
        ])]
        for metric in result.metrics {
            let control = metric.arms.first { $0.variant == result.control }
            for comparison in metric.comparisons {
                let arm = metric.arms.first { $0.variant == comparison.variant }
                lines.append(CSVWriting.line([
                    metric.name, metric.kind.rawValue, comparison.variant, comparison.control,
                    arm.map { "\($0.units)" } ?? "", NumberFormatting.exact(arm?.mean ?? .nan),
                    control.map { "\($0.units)" } ?? "", NumberFormatting.exact(control?.mean ?? .nan),
                    NumberFormatting.exact(comparison.absoluteEffect),
                    NumberFormatting.exact(comparison.absoluteCI.lower), NumberFormatting.exact(comparison.absoluteCI.upper),
                    NumberFormatting.exact(comparison.relativeEffect),
                    NumberFormatting.exact(comparison.relativeCI.lower), NumberFormatting.exact(comparison.relativeCI.upper),
                    NumberFormatting.exact(comparison.pValue), NumberFormatting.exact(comparison.adjustedPValue),
                    comparison.significant ? "true" : "false",
                ]))
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func table(_ result: AnalysisResult) -> String {
        render(result, markdown: false)
    }

    public static func markdown(_ result: AnalysisResult) -> String {
        render(result, markdown: true)
    }

    private static func render(_ result: AnalysisResult, markdown: Bool) -> String {
        var sections: [String] = []
        let confidence = Int(((1 - result.alpha) * 100).rounded())
        var heading = "Experiment \(result.experiment ?? "analysis") — control '\(result.control)', \(result.method), "
        heading += "α = \(result.alpha) (\(result.alternative.rawValue)), correction: \(result.correction.rawValue)"
        sections.append(markdown ? "## \(heading)" : heading)
        for warning in result.warnings {
            sections.append(markdown ? "> **Warning:** \(warning)" : "WARNING: \(warning)")
        }
        if let srm = result.srm {
            let verdict = srm.mismatch ? "MISMATCH" : "ok"
            sections.append("Sample ratio check: χ² = \(NumberFormatting.significant(srm.chiSquare)), p = \(NumberFormatting.pValue(srm.pValue)) → \(verdict)")
        }
        for metric in result.metrics {
            let unit = metric.kind == .proportion ? "pp" : ""
            var table = TextTable([
                "variant", "units", metric.kind == .proportion ? "rate" : "mean",
                "abs. effect", "\(confidence)% CI", "lift", "\(confidence)% CI", "p", "adj. p", "",
            ])
            let ordered = metric.arms.filter { $0.variant == result.control } + metric.arms.filter { $0.variant != result.control }
            for arm in ordered {
                let comparison = metric.comparisons.first { $0.variant == arm.variant }
                let rate = metric.kind == .proportion
                    ? String(format: "%.4f%%", arm.mean * 100) : NumberFormatting.significant(arm.mean, digits: 6)
                guard let comparison else {
                    table.append([arm.variant + " (control)", NumberFormatting.count(arm.units), rate, "", "", "", "", "", "", ""])
                    continue
                }
                let scale = metric.kind == .proportion ? 100.0 : 1.0
                func effect(_ value: Double) -> String {
                    metric.kind == .proportion
                        ? (value.isNaN ? "—" : String(format: "%+.4f", value * scale) + unit)
                        : NumberFormatting.significant(value, digits: 5)
                }
                let absoluteCI = "[\(effect(comparison.absoluteCI.lower)), \(effect(comparison.absoluteCI.upper))]"
                let relativeCI = "[\(NumberFormatting.percent(comparison.relativeCI.lower)), \(NumberFormatting.percent(comparison.relativeCI.upper))]"
                table.append([
                    arm.variant, NumberFormatting.count(arm.units), rate,
                    effect(comparison.absoluteEffect), absoluteCI,
                    NumberFormatting.percent(comparison.relativeEffect), relativeCI,
                    NumberFormatting.pValue(comparison.pValue), NumberFormatting.pValue(comparison.adjustedPValue),
                    comparison.significant ? "*" : "",
                ])
            }
            let title = "Metric '\(metric.name)' (\(metric.kind.rawValue))"
            sections.append((markdown ? "### \(title)\n\n" : "\(title)\n") + (markdown ? table.renderMarkdown() : table.renderText()))
            let notes = metric.comparisons.flatMap { comparison in
                (comparison.diagnostics ?? []).map { "  note (\(comparison.variant)): \($0.message)" }
            }
            if !notes.isEmpty { sections.append(notes.joined(separator: "\n")) }
        }
        sections.append("* significant after correction at α = \(result.alpha)")
        return sections.joined(separator: "\n\n")
    }
}
