/// A normal prior N(mean, stdDev²) on the effect, or the improper flat prior.
///
/// As in GrowthBook (gbstats `GaussianPrior`, `prior_type="relative"`), the prior is stated on
/// the relative effect μ_t / μ_c − 1; for the absolute effect it is rescaled by the control
/// mean: N(mean·|μ̂_c|, (stdDev·μ̂_c)²).
public struct GaussianPrior: Sendable, Hashable, Codable {
    public var mean: Double
    public var stdDev: Double
    /// `false`: the flat (improper) prior, under which the posterior is the likelihood.
    public var isProper: Bool

    public init(mean: Double, stdDev: Double) {
        self.mean = mean
        self.stdDev = stdDev
        self.isProper = true
    }

    /// The flat prior (GrowthBook's default).
    public static let flat: GaussianPrior = {
        var prior = GaussianPrior(mean: 0, stdDev: 1)
        prior.isProper = false
        return prior
    }()

    /// Parses `MEAN,SD` (the `--prior` flag); nil unless SD > 0 and both are finite.
    public init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let mean = Double(parts[0]), let sd = Double(parts[1]),
            mean.isFinite, sd.isFinite, sd > 0
        else { return nil }
        self.init(mean: mean, stdDev: sd)
    }
}
