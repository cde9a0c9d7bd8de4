/// Mergeable first and second moments of a vector (y, x₁, …, x_k) per unit: the sufficient
/// statistics of a metric y and k pre-period covariates, for CUPED with several covariates.
///
/// Accumulated in the shifted Welford form (as ``SufficientStatistics``), so values near 1e15
/// with a small spread keep their co-moments; two partial aggregates combine with
/// ``merge(_:)`` by Chan, Golub & LeVeque (1979, eq. 2.1) generalised to a matrix:
/// ```
/// δ  = m_b − m_a            m = m_a + δ · n_b / n
/// C  = C_a + C_b + δ δᵀ · n_a n_b / n        C_ij = Σ (v_i − m_i)(v_j − m_j)
/// ```
/// Component 0 is the metric, components 1…k the covariates.
public struct JointMoments: Sendable, Hashable, Codable {
    /// Number of units.
    public private(set) var count: Int
    /// Number of components d = 1 + k.
    public let dimension: Int
    /// The first unit's values (the shifts the means are kept against).
    public private(set) var shifts: [Double]
    /// Means of v − ``shifts``.
    public private(set) var offsetMeans: [Double]
    /// C_ij = Σ (v_i − m_i)(v_j − m_j), row-major d × d.
    public private(set) var coMoments: [Double]

    /// The moments of no units, for `dimension` components.
    public init(dimension: Int) {
        let d = max(1, dimension)
        self.count = 0
        self.dimension = d
        self.shifts = Array(repeating: 0, count: d)
        self.offsetMeans = Array(repeating: 0, count: d)
        self.coMoments = Array(repeating: 0, count: d * d)
    }

    /// Adds one unit's values (metric first, then the covariates); `values.count` must equal
    /// ``dimension`` (shorter input is padded with zeros, longer truncated, never trapped on).
    public mutating func add(_ values: [Double]) {
        let d = dimension
        if count == 0 {
            for i in 0..<d { shifts[i] = i < values.count ? values[i] : 0 }
        }
        count += 1
        let n = Double(count)
        // Scratch space on the stack: this runs once per unit and metric.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * d) { scratch in
            for i in 0..<d {
                let offset = (i < values.count ? values[i] : 0) - shifts[i]
                let delta = offset - offsetMeans[i]
                offsetMeans[i] += delta / n
                scratch[i] = delta
                scratch[d + i] = offset - offsetMeans[i]
            }
            // Welford (1962): the old mean's deviation times the new one's; both triangles are
            // filled from the same products, so the matrix stays exactly symmetric.
            for i in 0..<d {
                for j in i..<d {
                    let product = scratch[i] * scratch[d + j]
                    coMoments[i * d + j] += product
                    if j != i { coMoments[j * d + i] += product }
                }
            }
        }
    }

    /// Combines the moments of a disjoint set of units (of the same dimension) into these.
    public mutating func merge(_ other: JointMoments) {
        guard other.count > 0, other.dimension == dimension else { return }
        guard count > 0 else {
            self = other
            return
        }
        let d = dimension
        let na = Double(count), nb = Double(other.count), n = na + nb
        let delta = (0..<d).map { ((other.shifts[$0] - shifts[$0]) + other.offsetMeans[$0]) - offsetMeans[$0] }
        let weight = na * nb / n
        for i in 0..<d {
            offsetMeans[i] += delta[i] * nb / n
            for j in 0..<d { coMoments[i * d + j] += other.coMoments[i * d + j] + delta[i] * delta[j] * weight }
        }
        count += other.count
    }

    /// The union of two disjoint sets of units.
    public static func + (lhs: JointMoments, rhs: JointMoments) -> JointMoments {
        var merged = lhs
        merged.merge(rhs)
        return merged
    }

    /// The mean of component `i` (0: the metric).
    public func mean(_ i: Int) -> Double {
        i >= 0 && i < dimension ? shifts[i] + offsetMeans[i] : .nan
    }

    /// C_ij, the co-moment of components i and j (Σ of products of deviations).
    public func coMoment(_ i: Int, _ j: Int) -> Double {
        i >= 0 && j >= 0 && i < dimension && j < dimension ? coMoments[i * dimension + j] : .nan
    }

    /// The sample variance of component `i` (n − 1 denominator); NaN for n < 2.
    public func variance(_ i: Int) -> Double {
        count > 1 ? coMoment(i, i) / Double(count - 1) : .nan
    }

    /// The metric's statistics alone (count, mean, sum of squared deviations).
    public var metric: SufficientStatistics {
        SufficientStatistics(count: count, mean: mean(0), stdDev: count > 1 ? variance(0).squareRoot() : 0)
    }

    /// Covariate `i`'s (1…k) statistics alone.
    public func covariate(_ i: Int) -> SufficientStatistics {
        SufficientStatistics(count: count, mean: mean(i), stdDev: count > 1 ? variance(i).squareRoot() : 0)
    }
}
