import Foundation
import TouchstoneAnalysis

/// Renders a ``BanditResult`` (`touchstone bandit`).
public enum BanditReport {
    public static func json(_ result: BanditResult) throws -> String {
        try JSONOutput.encode(result)
    }

    /// The arms in input order with P(best), the adaptive weight and the share of all traffic,
    /// then the holdback and the bias warning.
    public static func table(_ result: BanditResult) -> String {
        var table = TextTable(["variant", "P(best)", "weight", "traffic share"])
        for variant in result.variants {
            let percent = { (value: Double?) in value.map { String(format: "%.2f%%", $0 * 100) } ?? "—" }
            table.append([
                TerminalText.sanitize(variant), percent(result.probabilityBest[variant]), percent(result.weights[variant]),
                percent(result.trafficShares[variant]),
            ])
        }
        let method = result.method == "integration"
            ? "numerical integration" : "Monte Carlo, \(result.draws ?? 0) draws, seed \(result.seed ?? 0)"
        var lines = [
            "Thompson sampling on '\(TerminalText.sanitize(result.metric))' (\(result.model) posteriors, \(method)); "
                + "minimum share \(String(format: "%g", result.minimumShare)), holdback \(String(format: "%g", result.holdback))",
            table.renderText(),
        ]
        if result.holdback > 0 {
            lines.append(
                "Holdback: \(String(format: "%g%%", result.holdback * 100)) of units get fixed equal weights (1/\(result.variants.count) each). "
                    + "Assign them as their own experiment key (same variants, equal weights) and log their exposures under it; "
                    + "analyse that key for effects.")
        }
        lines += result.warnings.map { "warning: \(TerminalText.sanitize($0))" }
        return TerminalText.sanitizeReport(lines.joined(separator: "\n\n"), allowingColor: false)
    }
}
