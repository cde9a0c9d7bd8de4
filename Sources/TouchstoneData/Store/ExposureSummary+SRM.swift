import TouchstoneStats

extension ExposureSummary {
    public typealias SRMCheck = SampleRatioCheck

    /// The sample-ratio-mismatch check of the exposed counts against `weights` (variant name →
    /// relative weight, in configured order); `nil` weights mean equal weights over the observed
    /// variants. The rule is ``SampleRatioCheck``'s, shared with `analyze`.
    public func srm(weights: [(variant: String, weight: Double)]?, threshold: Double = 0.001) throws -> SampleRatioCheck {
        try SampleRatioCheck(observed: variants, weights: weights, threshold: threshold)
    }
}
