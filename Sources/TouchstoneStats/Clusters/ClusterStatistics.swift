/// Mergeable sums of one arm of a cluster-randomised experiment: what a cluster-robust
/// (sandwich) variance of the arm's mean needs, without keeping the clusters.
///
/// With clusters g of n_g units and metric total s_g = Σ_{i∈g} yᵢ, the arm's mean is the ratio of
/// cluster sums ȳ = Σ s_g / Σ n_g, and its delta-method (equivalently, CR0 sandwich) variance is
/// ```
/// V(ȳ) = Σ_g (s_g − ȳ n_g)² / N²  =  (Σ s_g² − 2ȳ Σ s_g n_g + ȳ² Σ n_g²) / N²
/// ```
/// (Deng, Knoblich & Lu 2018, §3.3, "clustered randomization"). The five sums below add across
/// arms' partial aggregates when every cluster lies in one part.
public struct ClusterStatistics: Sendable, Hashable, Codable {
    /// G: the number of clusters.
    public var clusters: Int = 0
    /// N = Σ n_g: the number of units.
    public var units: Int = 0
    /// Σ s_g.
    public var sum: Double = 0
    /// Σ s_g².
    public var sumOfSquaredTotals: Double = 0
    /// Σ s_g n_g.
    public var sumOfTotalsTimesSizes: Double = 0
    /// Σ n_g².
    public var sumOfSquaredSizes: Double = 0

    public init() {}

    /// Adds one cluster of `size` units whose metric values add up to `total`.
    public mutating func addCluster(size: Int, total: Double) {
        clusters += 1
        units += size
        sum += total
        sumOfSquaredTotals += total * total
        let n = Double(size)
        sumOfTotalsTimesSizes += total * n
        sumOfSquaredSizes += n * n
    }

    /// Adds another part's clusters (which must be disjoint from this part's).
    public mutating func merge(_ other: ClusterStatistics) {
        clusters += other.clusters
        units += other.units
        sum += other.sum
        sumOfSquaredTotals += other.sumOfSquaredTotals
        sumOfTotalsTimesSizes += other.sumOfTotalsTimesSizes
        sumOfSquaredSizes += other.sumOfSquaredSizes
    }

    /// ȳ = Σ s_g / Σ n_g.
    public var mean: Double { units > 0 ? sum / Double(units) : .nan }

    /// V(ȳ) = Σ_g (s_g − ȳ n_g)² / N², without small-sample correction.
    public var meanVariance: Double {
        guard units > 0 else { return .nan }
        let m = mean, n = Double(units)
        // The expanded form can cancel to a tiny negative number when every cluster sits at the mean.
        let squares = sumOfSquaredTotals - 2 * m * sumOfTotalsTimesSizes + m * m * sumOfSquaredSizes
        return max(0, squares) / (n * n)
    }
}
