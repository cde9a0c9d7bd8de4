// MARK: - Central moments

extension SufficientStatistics {
    /// Statistics of a sample with a covariate, given its means and central (co-)moments: what
    /// a SQL engine's power sums reduce to once Σy² − (Σy)²/n has been formed exactly.
    ///
    /// - Parameters:
    ///   - sumOfSquaredDeviations: Σ(y − ȳ)².
    ///   - covariateSumOfSquaredDeviations: Σ(x − x̄)².
    ///   - coMoment: Σ(x − x̄)(y − ȳ).
    public init(
        count: Int, mean: Double, sumOfSquaredDeviations: Double,
        covariateMean: Double, covariateSumOfSquaredDeviations: Double, coMoment: Double
    ) {
        self.init()
        guard count > 0 else { return }
        self.count = count
        self.shift = mean
        self.sumOfSquaredDeviations = max(0, sumOfSquaredDeviations)
        self.covariateShift = covariateMean
        self.covariateSumOfSquaredDeviations = max(0, covariateSumOfSquaredDeviations)
        self.coMoment = coMoment
    }
}
