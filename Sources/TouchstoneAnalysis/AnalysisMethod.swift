import TouchstoneStats

/// How `analyze` compares arms (`--method`).
public enum AnalysisMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fixed-horizon z / Welch tests (CUPED and ratio metrics by Welch on their moments).
    case frequentist
    /// Posterior probability to beat control, expected loss and credible intervals:
    /// exact beta-binomial for conversions without `--prior`, GrowthBook's Gaussian effect model otherwise.
    case bayesian
    /// Always-valid p-values and confidence sequences (mixture SPRT, GrowthBook's definition).
    case sequential
}
