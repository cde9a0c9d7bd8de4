import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

/// Renders an ``AnalysisResult`` in the formats of `touchstone analyze`.
public enum AnalysisReport {
    public static func json(_ result: AnalysisResult) throws -> String {
        try JSONOutput.encode(result)
    }

    /// One row per comparison, full precision, for spreadsheets and scripts. With segments, their
    /// comparisons follow the overall ones, told apart by a last `segment` column (empty overall).
    public static func csv(_ result: AnalysisResult) -> String {
        var header = [
            "metric", "kind", "variant", "control", "units", "mean", "control_units", "control_mean",
            "absolute_effect", "absolute_ci_lower", "absolute_ci_upper", "relative_effect",
            "relative_ci_lower", "relative_ci_upper", "p_value", "adjusted_p_value", "significant",
            "probability_to_beat_control", "expected_loss", "cuped_theta", "cuped_variance_reduction",
        ]
        var rows = comparisonCSVRows(result.metrics)
        if let segments = result.segments {
            header.append("segment")
            rows = rows.map { $0 + [""] } + segmentCSVRows(segments, result: result)
        }
        return ([header] + rows).map(CSVWriting.line).joined(separator: "\n")
    }

    static func comparisonCSVRows(_ metrics: [AnalysisResult.MetricResult]) -> [[String]] {
        var rows: [[String]] = []
        for metric in metrics {
            let arms = metric.armsByVariant
            let control = metric.comparisons.first.flatMap { arms[$0.control] }
            for comparison in metric.comparisons {
                let arm = arms[comparison.variant]
                rows.append([
                    metric.name, metric.kind.rawValue, comparison.variant, comparison.control,
                    arm.map { "\($0.units)" } ?? "", NumberFormatting.exact(arm?.mean ?? .nan),
                    control.map { "\($0.units)" } ?? "", NumberFormatting.exact(control?.mean ?? .nan),
                    NumberFormatting.exact(comparison.absoluteEffect),
                    NumberFormatting.exact(comparison.absoluteCI.lower), NumberFormatting.exact(comparison.absoluteCI.upper),
                    NumberFormatting.exact(comparison.relativeEffect),
                    NumberFormatting.exact(comparison.relativeCI.lower), NumberFormatting.exact(comparison.relativeCI.upper),
                    NumberFormatting.exact(comparison.pValue), NumberFormatting.exact(comparison.adjustedPValue),
                    comparison.significant ? "true" : "false",
                    NumberFormatting.exact(comparison.probabilityToBeatControl ?? .nan),
                    NumberFormatting.exact(comparison.expectedLoss ?? .nan),
                    NumberFormatting.exact(comparison.cuped?.theta ?? .nan),
                    NumberFormatting.exact(comparison.cuped?.varianceReduction ?? .nan),
                ])
            }
        }
        return rows
    }

    /// The terminal read-out; `color` highlights significant rows and the SRM verdict (ANSI).
    public static func table(_ result: AnalysisResult, color: Bool = false) -> String {
        TerminalText.sanitizeReport(render(result, markdown: false, color: color), allowingColor: color)
    }

    public static func markdown(_ result: AnalysisResult) -> String {
        TerminalText.sanitizeReport(render(result, markdown: true), allowingColor: false)
    }

    /// A name from data inside running text: unsafe characters (line breaks included) escaped.
    static func name(_ text: String) -> String { TerminalText.sanitize(text) }

    /// Column headings of a metric's arm table (before any leading columns a caller adds).
    static func metricHeader(_ metric: AnalysisResult.MetricResult, result: AnalysisResult, confidence: Int) -> [String] {
        let bayesian = result.method == "bayesian"
        return [
            "variant", "units", valueHeading(metric),
            "abs. effect", "\(confidence)% CI", "lift", "\(confidence)% CI" + relativeIntervalNote(result),
            bayesian ? "P(beat ctrl)" : "p", bayesian ? "exp. loss" : "adj. p", "",
        ]
    }

    /// One row per arm of a metric, control first: the cells under ``metricHeader(_:result:confidence:)``.
    static func armRows(_ metric: AnalysisResult.MetricResult, result: AnalysisResult) -> [(cells: [String], significant: Bool)] {
        let unit = metric.kind == .proportion ? "pp" : ""
        let bayesian = result.method == "bayesian"
        let ordered = metric.arms.filter { $0.variant.bytewiseEquals(result.control) }
            + metric.arms.filter { !$0.variant.bytewiseEquals(result.control) }
        let comparisons = metric.comparisonsByVariant
        return ordered.map { arm in
            let comparison = comparisons[arm.variant]
            let rate = armValue(arm, metric: metric, percentDigits: 4)
            guard let comparison else {
                return ([arm.variant + " (control)", NumberFormatting.count(arm.units), rate, "", "", "", "", "", "", ""], false)
            }
            let scale = metric.kind == .proportion ? 100.0 : 1.0
            func effect(_ value: Double) -> String {
                metric.kind == .proportion
                    ? (value.isNaN ? "—" : String(format: "%+.4f", value * scale) + unit)
                    : NumberFormatting.significant(value, digits: 5)
            }
            let absoluteCI = "[\(effect(comparison.absoluteCI.lower)), \(effect(comparison.absoluteCI.upper))]"
            let relativeCI = "[\(NumberFormatting.percent(comparison.relativeCI.lower)), \(NumberFormatting.percent(comparison.relativeCI.upper))]"
            return ([
                arm.variant, NumberFormatting.count(arm.units), rate,
                effect(comparison.absoluteEffect), absoluteCI,
                NumberFormatting.percent(comparison.relativeEffect), relativeCI,
                bayesian ? String(format: "%.2f%%", (comparison.probabilityToBeatControl ?? .nan) * 100)
                    : NumberFormatting.pValue(comparison.pValue),
                bayesian ? effect(comparison.expectedLoss ?? .nan) : NumberFormatting.pValue(comparison.adjustedPValue),
                comparison.significant ? "*" : "",
            ], comparison.significant)
        }
    }

    /// Bayesian: "P(best of all arms): control 4.7%, email 59.5%, …", when computed.
    static func probabilityBestLine(_ metric: AnalysisResult.MetricResult) -> String? {
        let parts = metric.arms.compactMap { arm in
            arm.probabilityBest.map { "\(arm.variant) \(String(format: "%.1f%%", $0 * 100))" }
        }
        return parts.isEmpty ? nil : "P(best of all arms): " + parts.joined(separator: ", ")
    }

    private static func render(_ result: AnalysisResult, markdown: Bool, color: Bool = false) -> String {
        var sections: [String] = []
        let confidence = NumberFormatting.confidence(alpha: result.alpha)
        var heading = "Experiment \(name(result.experiment ?? "analysis")) — control '\(name(result.control))', \(name(result.method)), "
        heading += "α = \(result.alpha) (\(result.alternative.rawValue))"
        if result.method != "bayesian" { heading += ", correction: \(result.correction.rawValue)" }
        if let plan = result.groupSequential {
            heading += ", group-sequential look \(plan.look) of \(plan.looks) (O'Brien–Fleming |z| ≥ \(String(format: "%.3f", plan.boundary)))"
        } else if let tuning = result.tuning {
            heading += ", mSPRT tuning \(NumberFormatting.wholeNumber(tuning))"
        }
        if let prior = result.prior { heading += ", prior N(\(prior.mean), \(prior.stdDev)²) on the lift" }
        sections.append(markdown ? "## \(heading)" : heading)
        for warning in result.warnings {
            sections.append(markdown ? "> **Warning:** \(name(warning))" : "WARNING: \(name(warning))")
        }
        if let srm = result.srm {
            var verdict = srm.mismatch ? "MISMATCH" : "ok"
            if color { verdict = (srm.mismatch ? "\u{1B}[1;31m" : "\u{1B}[32m") + verdict + "\u{1B}[0m" }
            let check = "Sample ratio check: χ² = \(NumberFormatting.significant(srm.chiSquare)), p = \(NumberFormatting.pValue(srm.pValue)) → \(verdict)"
            sections.append(markdown && srm.mismatch ? "> **Sample ratio mismatch:** \(check). The arms did not get the intended traffic; do not trust the effects until the cause is found." : check)
        }
        if let balance = balanceLine(result) { sections.append(balance) }
        for metric in result.metrics {
            var table = TextTable(metricHeader(metric, result: result, confidence: confidence))
            for row in armRows(metric, result: result) { table.append(row.cells, highlight: row.significant) }
            let title = metricTitle(metric, name: name(metric.name))
            sections.append((markdown ? "### \(title)\n\n" : "\(title)\n") + (markdown ? table.renderMarkdown() : table.renderText(color: color)))
            var notes = cupedLine(metric).map { ["  " + $0] } ?? []
            notes += diagnosticLines(metric).map { "  " + $0 }
            if let best = probabilityBestLine(metric) { notes.append("  " + best) }
            if let clusters = clusterLine(metric, result: result) { notes.append("  " + name(clusters)) }
            if !notes.isEmpty { sections.append(notes.joined(separator: "\n")) }
        }
        if let factorial = result.factorial {
            sections.append(factorialText(factorial, result: result, markdown: markdown, confidence: confidence))
        }
        if let bootstrap = result.bootstrap, !bootstrap.isEmpty {
            var table = TextTable(["metric", "variant", "quantile", "difference", "\(confidence)% CI", "lift", "\(confidence)% CI"])
            for b in bootstrap {
                table.append([
                    b.metric, b.variant, "\(b.quantile)", NumberFormatting.significant(b.estimate, digits: 5),
                    "[\(NumberFormatting.significant(b.ci.lower, digits: 5)), \(NumberFormatting.significant(b.ci.upper, digits: 5))]",
                    NumberFormatting.percent(b.relativeEstimate),
                    "[\(NumberFormatting.percent(b.relativeCI.lower)), \(NumberFormatting.percent(b.relativeCI.upper))]",
                ])
            }
            let title = "Bootstrap (\(bootstrap.first?.replicates ?? 0) replicates, seed \(bootstrap.first?.seed ?? 0))"
            sections.append((markdown ? "### \(title)\n\n" : "\(title)\n") + (markdown ? table.renderMarkdown() : table.renderText()))
        }
        if let segments = result.segments {
            sections += segmentSections(segments, result: result, markdown: markdown, color: color, confidence: confidence)
        }
        sections += timelineSections(result, markdown: markdown, confidence: confidence)
        sections.append(result.method == "bayesian"
            ? "* the posterior puts more than \(String(format: "%.1f%%", (1 - result.alpha / 2) * 100)) on one side of zero"
            : "* significant after correction at α = \(result.alpha)" + (result.method == "sequential" ? " (always-valid p-values)" : ""))
        return sections.joined(separator: "\n\n")
    }
}
