import Foundation
import TouchstoneAnalysis
import TouchstoneStats

// MARK: - Quantile metrics, Fieller intervals and clusters in the read-outs

extension AnalysisReport {
    /// The heading of a metric's value column: `rate`, `ratio`, `mean`, or `p90` for a quantile.
    static func valueHeading(_ metric: AnalysisResult.MetricResult) -> String {
        switch metric.kind {
        case .proportion: "rate"
        case .ratio: "ratio"
        case .mean: "mean"
        case .quantile: metric.quantile.map { "p" + NumberFormatting.significant($0 * 100, digits: 4) } ?? "quantile"
        }
    }

    /// An arm's value as the value column shows it (the sample quantile for quantile metrics).
    static func armValue(_ arm: AnalysisResult.Arm, metric: AnalysisResult.MetricResult, percentDigits: Int) -> String {
        switch metric.kind {
        case .proportion: String(format: "%.\(percentDigits)f%%", arm.mean * 100)
        case .quantile: NumberFormatting.significant(arm.quantileValue ?? .nan, digits: 6)
        case .mean, .ratio: NumberFormatting.significant(arm.mean, digits: 6)
        }
    }

    /// The relative interval's column heading suffix: " (Fieller)" when not the delta method.
    static func relativeIntervalNote(_ result: AnalysisResult) -> String {
        result.relativeInterval == .fieller ? " (Fieller)" : ""
    }

    /// The title of a metric's section: `Metric 'x' (mean)`, `Metric 'revenue:0.9' (quantile 0.9 of revenue)`.
    /// With a role: `Metric 'x' (mean, guardrail, margin 1%)`.
    static func metricTitle(_ metric: AnalysisResult.MetricResult, name: String) -> String {
        let role = roleText(metric).map { ", " + $0 } ?? ""
        guard metric.kind == .quantile, let q = metric.quantile else { return "Metric '\(name)' (\(metric.kind.rawValue)\(role))" }
        return "Metric '\(name)' (quantile \(NumberFormatting.significant(q, digits: 6)): difference and ratio of the arms' sample quantiles\(role))"
    }

    /// "clusters: control 20, treatment 21" when the arms were randomised in clusters.
    static func clusterLine(_ metric: AnalysisResult.MetricResult, result: AnalysisResult) -> String? {
        let parts = metric.arms.compactMap { arm in arm.clusters.map { "\(arm.variant) \($0)" } }
        guard let column = result.clusterColumn, !parts.isEmpty else { return nil }
        return "clusters (\(column), cluster-robust intervals): " + parts.joined(separator: ", ")
    }
}
