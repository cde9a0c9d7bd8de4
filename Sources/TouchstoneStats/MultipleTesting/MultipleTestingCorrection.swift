/// Adjustment of p-values for a family of comparisons (arms × metrics).
///
/// - `bonferroni`: p̃ᵢ = min(1, m·pᵢ).
/// - `holm`: step-down (Holm 1979): with p₍₁₎ ≤ … ≤ p₍ₘ₎,
///   p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1) p₍ⱼ₎). Controls the family-wise error rate, uniformly
///   more powerful than Bonferroni.
/// - `bh`: Benjamini–Hochberg (1995) step-up: p̃₍ᵢ₎ = min_{j ≥ i} min(1, m p₍ⱼ₎ / j). Controls the
///   false discovery rate under independence or positive dependence.
///
/// These are statsmodels' `multipletests` methods `bonferroni`, `holm` and `fdr_bh`. NaN p-values
/// (undefined comparisons) are left NaN and not counted in the family size m.
public enum MultipleTestingCorrection: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case bonferroni
    case holm
    case bh

    /// The adjusted p-values, in the order given.
    public func adjust(_ pValues: [Double]) -> [Double] {
        var adjusted = pValues
        let order = pValues.indices.filter { !pValues[$0].isNaN }.sorted { pValues[$0] < pValues[$1] }
        let m = Double(order.count)
        guard !order.isEmpty else { return adjusted }
        switch self {
        case .none:
            break
        case .bonferroni:
            for index in order { adjusted[index] = min(1, m * pValues[index]) }
        case .holm:
            var running = 0.0
            for (rank, index) in order.enumerated() {
                running = max(running, min(1, (m - Double(rank)) * pValues[index]))
                adjusted[index] = running
            }
        case .bh:
            var running = 1.0
            for (rank, index) in order.enumerated().reversed() {
                running = min(running, m * pValues[index] / Double(rank + 1))
                adjusted[index] = min(1, running)
            }
        }
        return adjusted
    }
}
