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

    /// The terminal read-out; `color` draws significant changes for the better in green and for
    /// the worse in red (by each metric's good direction) and colours the verdict; tables fit
    /// 100 columns unless `wide`.
    public static func table(_ result: AnalysisResult, color: Bool = false, wide: Bool = false) -> String {
        TerminalText.sanitizeReport(render(result, markdown: false, color: color, wide: wide), allowingColor: color)
    }

    public static func markdown(_ result: AnalysisResult) -> String {
        TerminalText.sanitizeReport(render(result, markdown: true, wide: true), allowingColor: false)
    }

    /// A name from data inside running text: unsafe characters (line breaks included) escaped.
    static func name(_ text: String) -> String { TerminalText.sanitize(text) }

    /// "goal", "guardrail, margin 1%", "secondary", with ", lower is better" for decrease metrics.
    static func roleText(_ metric: AnalysisResult.MetricResult) -> String? {
        guard let role = metric.role else { return nil }
        var text = role.rawValue
        if let margin = metric.margin, margin.isFinite { text += ", margin " + String(format: "%g%%", margin * 100) }
        if metric.direction == .decrease { text += ", lower is better" }
        return text
    }

    /// The read-out's title: the experiment, or what was compared when no experiment was named.
    static func title(_ result: AnalysisResult) -> String {
        result.experiment.map { "Experiment \(name($0))" } ?? "Analysis against control '\(name(result.control))'"
    }

    /// The legend under the tables.
    static func legend(_ result: AnalysisResult) -> String {
        if result.method == "bayesian" {
            let level = String(format: "%.1f%%", (1 - result.alpha / 2) * 100)
            return "▲ better / ▼ worse (in the metric's good direction): the posterior puts more than \(level) on that side of zero"
        }
        var text = "▲ significantly better / ▼ significantly worse, in the metric's good direction"
        text += result.correction == .none ? ", at α = \(result.alpha)" : ", after \(result.correction.rawValue) correction at α = \(result.alpha)"
        return text + (result.method == "sequential" ? " (always-valid p-values)" : "")
    }

    /// Bayesian: "P(best of all arms): control 4.7%, email 59.5%, …", when computed.
    static func probabilityBestLine(_ metric: AnalysisResult.MetricResult) -> String? {
        let parts = metric.arms.compactMap { arm in
            arm.probabilityBest.map { "\(arm.variant) \(String(format: "%.1f%%", $0 * 100))" }
        }
        return parts.isEmpty ? nil : "P(best of all arms): " + parts.joined(separator: ", ")
    }

    private static func render(_ result: AnalysisResult, markdown: Bool, color: Bool = false, wide: Bool) -> String {
        var sections: [String] = []
        let confidence = NumberFormatting.confidence(alpha: result.alpha)
        var heading = "\(title(result)) — " + (result.experiment == nil ? "" : "control '\(name(result.control))', ") + name(result.method)
        if result.method == "bayesian" {
            heading += ", \(ReadOutTable.intervalName(result, confidence: confidence))s"
        } else {
            heading += ", α = \(result.alpha) (\(result.alternative.rawValue)), correction: \(result.correction.rawValue)"
        }
        if let plan = result.groupSequential {
            heading += ", group-sequential look \(plan.look) of \(plan.looks) (O'Brien–Fleming |z| ≥ \(String(format: "%.3f", plan.boundary)))"
        } else if let tuning = result.tuning {
            heading += ", mSPRT tuning \(NumberFormatting.wholeNumber(tuning))"
        }
        if let prior = result.prior { heading += ", prior N(\(prior.mean), \(prior.stdDev)²) on the lift" }
        sections.append(markdown ? "## \(heading)" : prose(heading))
        if let decision = DecisionText.block(result, markdown: markdown, color: color) { sections.append(decision) }
        for warning in result.warnings {
            sections.append(markdown ? "> **Warning:** \(name(warning))" : prose("WARNING: \(name(warning))"))
        }
        if let srm = result.srm, result.decision == nil {
            var verdict = DecisionText.srm(srm)
            if color { verdict = (srm.mismatch ? "\u{1B}[1;31m" : "\u{1B}[32m") + verdict + "\u{1B}[0m" }
            sections.append("Sample ratio check: " + verdict)
        }
        if let balance = balanceLine(result) { sections.append(balance) }
        for metric in result.metrics {
            let table = ReadOutTable(metric, result: result, confidence: confidence, direction: metric.direction).rendered(wide: wide)
            let title = metricTitle(metric, name: name(metric.name))
            sections.append((markdown ? "### \(title)\n\n" : "\(title)\n") + (markdown ? table.renderMarkdown() : table.renderText(color: color)))
            var notes = cupedLine(metric).map { ["  " + $0] } ?? []
            notes += diagnosticLines(metric).map { "  " + $0 }
            if let best = probabilityBestLine(metric) { notes.append("  " + best) }
            if let clusters = clusterLine(metric, result: result) { notes.append("  " + name(clusters)) }
            if !notes.isEmpty { sections.append(notes.map { markdown ? $0 : prose(String($0.dropFirst(2)), first: "  ") }.joined(separator: "\n")) }
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
            sections += segmentSections(segments, result: result, markdown: markdown, color: color, confidence: confidence, wide: wide)
        }
        sections += timelineSections(result, markdown: markdown, confidence: confidence)
        sections.append(markdown ? legend(result) : prose(legend(result)))
        return sections.joined(separator: "\n\n")
    }

    /// Running text for the terminal, wrapped at its 100 columns like the tables.
    static func prose(_ text: String, first: String = "") -> String {
        DecisionText.wrap(text, indent: first + "  ", first: first)
    }
}
