// MARK: - Merging

extension SufficientStatistics {
    /// Combines the statistics of a disjoint set of units into these.
    ///
    /// With δ = ȳ_b − ȳ_a and n = n_a + n_b (Chan, Golub & LeVeque 1979, eq. 2.1):
    /// ```
    /// ȳ  = ȳ_a + δ · n_b / n
    /// M2 = M2_a + M2_b + δ² · n_a · n_b / n
    /// C  = C_a + C_b + δ_x · δ_y · n_a · n_b / n
    /// ```
    public mutating func merge(_ other: SufficientStatistics) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let na = Double(count), nb = Double(other.count)
        let n = na + nb
        // The other side's mean re-expressed against this side's shift; for nearby shifts the
        // difference of shifts is exact (Sterbenz), so no precision is lost at large means.
        let deltaY = ((other.shift - shift) + other.offsetMean) - offsetMean
        let deltaX = ((other.covariateShift - covariateShift) + other.covariateOffsetMean) - covariateOffsetMean
        let weight = na * nb / n
        offsetMean += deltaY * nb / n
        covariateOffsetMean += deltaX * nb / n
        sumOfSquaredDeviations += other.sumOfSquaredDeviations + deltaY * deltaY * weight
        covariateSumOfSquaredDeviations += other.covariateSumOfSquaredDeviations + deltaX * deltaX * weight
        coMoment += other.coMoment + deltaX * deltaY * weight
        count += other.count
    }

    /// The statistics of the union of two disjoint sets of units.
    public static func + (lhs: SufficientStatistics, rhs: SufficientStatistics) -> SufficientStatistics {
        var merged = lhs
        merged.merge(rhs)
        return merged
    }

    /// Aggregates the values of a sample (and its covariate, if given) in one pass.
    public init(_ values: some Sequence<Double>) {
        self.init()
        for value in values { add(value) }
    }
}
