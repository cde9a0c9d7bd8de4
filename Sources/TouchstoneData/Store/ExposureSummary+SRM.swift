import TouchstoneStats

extension ExposureSummary {
    /// The sample-ratio-mismatch check of the exposed counts against configured weights.
    public struct SRMCheck: Sendable {
        /// Arms in the order tested: the configured variants, then any observed variant the
        /// configuration does not have (weight 0, which forces a mismatch).
        public let variants: [String]
        public let weights: [Double]
        public let result: SampleRatioMismatch.Result
    }

    /// Tests the counts against `weights` (variant name → relative weight, in configured order);
    /// `nil` weights mean equal weights over the observed variants.
    ///
    /// The one place exposures call the SRM test, so the statistics stay in TouchstoneStats.
    public func srm(weights: [(variant: String, weight: Double)]?, threshold: Double = 0.001) throws -> SRMCheck {
        var arms = weights ?? variants.map { ($0.variant, 1.0) }
        for observed in variants where !arms.contains(where: { $0.variant == observed.variant }) {
            arms.append((observed.variant, 0))
        }
        let counts = arms.map { arm in variants.first { $0.variant == arm.variant }?.units ?? 0 }
        let result = try SampleRatioMismatch.test(observed: counts, weights: arms.map(\.weight), threshold: threshold)
        return SRMCheck(variants: arms.map(\.variant), weights: arms.map(\.weight), result: result)
    }
}
