import Foundation
import TouchstoneAnalysis
import TouchstoneStats

// MARK: - CUPED and balance lines

extension AnalysisReport {
    /// One line per metric for what CUPED did, however many arms: the covariates, θ, and the
    /// variance reduction (its range over the comparisons when there are several, since θ is
    /// pooled per comparison).
    static func cupedLine(_ metric: AnalysisResult.MetricResult) -> String? {
        let fits = metric.comparisons.compactMap(\.cuped)
        guard let first = fits.first else { return nil }
        let names = (first.covariates ?? [first.covariate]).map { "'\(name($0))'" }.joined(separator: ", ")
        var line = "CUPED on \(first.covariates == nil ? "covariate" : "covariates") \(names)"
        if fits.count == 1 {
            if let coefficients = first.coefficients {
                line += ", θ = (" + coefficients.map { NumberFormatting.significant($0) }.joined(separator: ", ") + ")"
            } else {
                line += ", θ = \(NumberFormatting.significant(first.theta))"
            }
        }
        let reductions = fits.map(\.varianceReduction).filter(\.isFinite)
        if let low = reductions.min(), let high = reductions.max() {
            let percent = { (value: Double) in String(format: "%.1f%%", value * 100) }
            line += low == high || fits.count == 1
                ? ": variance reduced by \(percent(low))"
                : ": variance reduced by \(percent(low)) to \(percent(high)) across \(fits.count) comparisons"
        }
        if let dropped = first.dropped, !dropped.isEmpty {
            line += " (left out as constant or collinear: " + dropped.map { "'\(name($0))'" }.joined(separator: ", ") + ")"
        }
        return line
    }

    /// The diagnostics of a metric's comparisons, a message shared by several arms said once.
    static func diagnosticLines(_ metric: AnalysisResult.MetricResult) -> [String] {
        var order: [String] = [], variants: [String: [String]] = [:]
        for comparison in metric.comparisons {
            for diagnostic in comparison.diagnostics ?? [] {
                if variants[diagnostic.message] == nil { order.append(diagnostic.message) }
                variants[diagnostic.message, default: []].append(comparison.variant)
            }
        }
        return order.map { message in
            let arms = variants[message] ?? []
            let label = arms.count > 1 && arms.count == metric.comparisons.count
                ? "all \(arms.count) comparisons" : arms.map { name($0) }.joined(separator: ", ")
            return "note (\(label)): \(name(message))"
        }
    }

    /// "Covariate balance: …": one line when every covariate is balanced, else the worst tests.
    static func balanceLine(_ result: AnalysisResult) -> String? {
        guard let balance = result.balance, !balance.isEmpty else { return nil }
        let largest = balance.map { abs($0.standardizedDifference) }.filter { !$0.isNaN }.max() ?? .nan
        let smallest = balance.map(\.adjustedPValue).filter { !$0.isNaN }.min() ?? .nan
        let covariates = Set(balance.map(\.covariate)).count
        let flagged = balance.filter { $0.adjustedPValue < BalanceCheck.defaultThreshold }
        var line = "Covariate balance (\(covariates) covariate\(covariates == 1 ? "" : "s") × \(balance.count / max(1, covariates)) arm\(balance.count / max(1, covariates) == 1 ? "" : "s")): "
            + "largest |std. diff.| \(NumberFormatting.significant(largest, digits: 3)), smallest Bonferroni p = \(NumberFormatting.pValue(smallest))"
        line += flagged.isEmpty ? " → ok" : " → IMBALANCED"
        return line
    }
}
