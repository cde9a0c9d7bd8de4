/// Cochran's Q test of heterogeneity: do k independent estimates of one effect differ by more
/// than their sampling error? Used for segment read-outs ("is the lift in Canada different
/// from the lift in the US?").
///
/// With estimates θᵢ, standard errors sᵢ and inverse-variance weights wᵢ = 1 / sᵢ²
/// (Cochran 1954; Higgins & Thompson 2002):
/// ```
/// θ̂  = Σ wᵢ θᵢ / Σ wᵢ                     (fixed-effect pooled estimate)
/// Q  = Σ wᵢ (θᵢ − θ̂)²  ~  χ²(k − 1) under homogeneity
/// I² = max(0, (Q − (k − 1)) / Q)          (share of variation beyond chance)
/// ```
/// Matches `statsmodels.stats.meta_analysis.combine_effects` (`q`, `i2`, and the fixed-effect
/// mean and its standard error √(1 / Σ wᵢ)).
public enum CochranQ {
    public struct Result: Sendable, Hashable, Codable {
        public var q: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
        public var iSquared: Double
        /// The fixed-effect (inverse-variance) pooled estimate and its standard error.
        public var pooledEstimate: Double
        public var pooledStandardError: Double
        /// Estimates used: those with a finite value and a finite, positive standard error.
        public var estimates: Int
        public var diagnostics: [Diagnostic]
    }

    /// The test over `estimates` (θᵢ, sᵢ); pairs with a non-finite value or a standard error that
    /// is not finite and positive are left out (and counted out in ``Result/estimates``).
    public static func test(_ estimates: [(estimate: Double, standardError: Double)]) -> Result {
        let usable = estimates.filter { $0.estimate.isFinite && $0.standardError.isFinite && $0.standardError > 0 }
        guard usable.count >= 2 else {
            return Result(
                q: .nan, degreesOfFreedom: 0, pValue: .nan, iSquared: .nan, pooledEstimate: .nan, pooledStandardError: .nan,
                estimates: usable.count,
                diagnostics: [Diagnostic(.insufficientData, "fewer than two estimates with a positive, finite standard error")])
        }
        let weights = usable.map { 1 / ($0.standardError * $0.standardError) }
        let totalWeight = weights.reduce(0, +)
        let pooled = zip(weights, usable).reduce(0) { $0 + $1.0 * $1.1.estimate } / totalWeight
        let q = zip(weights, usable).reduce(0) { sum, pair in
            let deviation = pair.1.estimate - pooled
            return sum + pair.0 * deviation * deviation
        }
        let degrees = usable.count - 1
        let iSquared = q > 0 ? max(0, (q - Double(degrees)) / q) : 0
        return Result(
            q: q, degreesOfFreedom: degrees, pValue: ChiSquared(degreesOfFreedom: Double(degrees)).survival(q),
            iSquared: iSquared, pooledEstimate: pooled, pooledStandardError: (1 / totalWeight).squareRoot(),
            estimates: usable.count, diagnostics: [])
    }
}
