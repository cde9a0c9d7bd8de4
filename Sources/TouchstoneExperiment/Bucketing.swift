/// Cumulative, half-open bucket ranges: which slice of [0, 1) each variant owns.
///
/// With weights normalised to sum to 1 and coverage c ∈ [0, 1], variant i owns
/// ```
/// [ Sᵢ, Sᵢ + c·wᵢ )      where Sᵢ = w₀ + … + wᵢ₋₁
/// ```
/// Each variant's slice starts at a fixed point and only its length scales with coverage, so
/// raising coverage extends every slice at its end: a unit already enrolled keeps its variant,
/// and only newcomers enter. This is GrowthBook's `getBucketRanges` layout, so GrowthBook-mode
/// experiments bucket exactly like the SDK.
public struct BucketRanges: Sendable, Hashable {
    /// `starts[i] ..< ends[i]` belongs to variant i.
    public let starts: [Double]
    public let ends: [Double]

    /// Ranges for relative `weights` (any positive scale) at `coverage`.
    ///
    /// Weights summing to 1 within GrowthBook's tolerance [0.99, 1.01] are used as given, as
    /// the SDK does; others are normalised. Callers validate weights first (finite, not
    /// negative, positive sum: ``ExperimentConfig`` does); coverage is clamped to [0, 1].
    public init(weights: [Double], coverage: Double) {
        let total = weights.reduce(0, +)
        let asGiven = (total >= 0.99 && total <= 1.01) || total <= 0
        let clamped = coverage.isNaN ? 0 : min(max(coverage, 0), 1)
        var starts: [Double] = [], ends: [Double] = []
        starts.reserveCapacity(weights.count)
        ends.reserveCapacity(weights.count)
        var cumulative = 0.0
        for weight in weights {
            // w / total, not w · (1 / total): 3 · (1 / 5) is 0.6000000000000001 where 3 / 5 is
            // the double 0.6 a config writing 0.6 gives. GrowthBook buckets are multiples of
            // 1/1000 (v1) or 1/10000 (v2), so a boundary one ulp off moves the units on it.
            let normalized = asGiven ? weight : weight / total
            starts.append(cumulative)
            ends.append(cumulative + clamped * normalized)
            cumulative += normalized
        }
        self.starts = starts
        self.ends = ends
    }

    /// Explicit ranges (`starts[i] ..< ends[i]` for variant i), e.g. from a GrowthBook payload.
    public init(starts: [Double], ends: [Double]) {
        let count = min(starts.count, ends.count)
        self.starts = Array(starts.prefix(count))
        self.ends = Array(ends.prefix(count))
    }

    /// GrowthBook's SDK rule exactly (`getBucketRanges`): weights of the wrong length or summing
    /// outside [0.99, 1.01] are replaced by equal weights.
    public static func growthBook(variations: Int, coverage: Double, weights: [Double]?) -> BucketRanges {
        let equal = variations < 1 ? [] : Array(repeating: 1 / Double(variations), count: variations)
        var chosen = weights ?? equal
        let total = chosen.reduce(0, +)
        if chosen.count != variations || total < 0.99 || total > 1.01 { chosen = equal }
        return BucketRanges(weights: chosen, coverage: coverage)
    }

    /// The variant owning `bucket`, or `nil` when it falls in no range (outside coverage).
    @inlinable
    public func variant(for bucket: Double) -> Int? {
        var index = 0
        while index < starts.count {
            if bucket >= starts[index] && bucket < ends[index] { return index }
            index += 1
        }
        return nil
    }
}
