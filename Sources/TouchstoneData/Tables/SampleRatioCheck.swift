import TouchstoneStats

/// The sample-ratio-mismatch check of observed unit counts against configured weights: the one
/// rule `analyze` and `exposures` share, so both report the same arms, expectations and warnings.
///
/// The tested arms are the configured variants (in configured order) and then every observed
/// variant the configuration lacks; names are compared as bytes (``ByteKey``). A mismatch between
/// configuration and data is a result, not an error:
/// - a configured variant with no units is tested with 0 observed units (and a warning);
/// - an observed variant with no configured weight is expected to have 0 units, which makes the
///   mismatch certain (and a warning).
/// Without weights every observed variant gets weight 1. The χ² test itself is
/// ``SampleRatioMismatch/test(observed:weights:threshold:)``.
public struct SampleRatioCheck: Sendable {
    /// The arms in the order tested.
    public let variants: [String]
    public let observed: [Int]
    public let weights: [Double]
    public let result: SampleRatioMismatch.Result
    /// What the user should know about configuration and data disagreeing.
    public let warnings: [String]

    /// - Throws: ``StatsError`` when the weights cannot define expectations (all zero, or none
    ///   positive where units were observed is still a result; only impossible weights throw).
    public init(observed counts: [(variant: String, units: Int)], weights configured: [(variant: String, weight: Double)]?, threshold: Double) throws {
        var units: [ByteKey: Int] = [:]
        for (variant, count) in counts { units[ByteKey(variant), default: 0] += count }
        var variants: [String] = []
        var weights: [Double] = []
        var warnings: [String] = []
        if let configured {
            var weighted = Set<ByteKey>()
            for (variant, weight) in configured where weighted.insert(ByteKey(variant)).inserted {
                variants.append(variant)
                weights.append(weight)
                if weight > 0, units[ByteKey(variant)] == nil {
                    warnings.append("Variant '\(variant)' has weight \(weight) but no units in the data: counted as 0 in the SRM check.")
                }
            }
            var seen = Set<ByteKey>()
            let unweighted = counts.map(\.variant).filter { !weighted.contains(ByteKey($0)) && seen.insert(ByteKey($0)).inserted }
            if !unweighted.isEmpty {
                let names = unweighted.map { "'\($0)'" }.joined(separator: ", ")
                warnings.append("Variant(s) \(names) have units but no configured weight: expected 0 in the SRM check.")
            }
            variants += unweighted
            weights += unweighted.map { _ in 0 }
        } else {
            var seen = Set<ByteKey>()
            variants = counts.map(\.variant).filter { seen.insert(ByteKey($0)).inserted }
            weights = variants.map { _ in 1 }
        }
        let observed = variants.map { units[ByteKey($0)] ?? 0 }
        self.variants = variants
        self.observed = observed
        self.weights = weights
        self.warnings = warnings
        self.result = try SampleRatioMismatch.test(observed: observed, weights: weights, threshold: threshold)
    }
}
