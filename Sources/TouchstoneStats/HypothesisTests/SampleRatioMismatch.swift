/// Sample-ratio-mismatch (SRM) check: do the arms hold the shares of units they were
/// configured to receive?
///
/// Pearson's chi-square goodness-of-fit test of the observed arm counts Oᵢ against
/// Eᵢ = N · wᵢ / Σw, with k − 1 degrees of freedom (k = arms with positive weight):
/// ```
/// χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ
/// ```
/// A mismatch is flagged when p < `threshold`; 0.001 is the conventional SRM threshold
/// (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled Experiments",
/// KDD 2019), strict because the check runs on every experiment.
public enum SampleRatioMismatch {
    public struct Result: Sendable, Hashable, Codable {
        public var chiSquare: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
        public var mismatch: Bool
        public var observed: [Int]
        public var expected: [Double]
        public var diagnostics: [Diagnostic]
    }

    /// Tests `observed` counts against configured `weights` (any positive scale).
    ///
    /// - Throws: ``StatsError`` when the lengths differ, fewer than two arms are given, a count
    ///   or weight is negative or not finite, or the weights sum to zero.
    public static func test(observed: [Int], weights: [Double], threshold: Double = 0.001) throws -> Result {
        guard observed.count == weights.count else {
            throw StatsError("SRM: \(observed.count) observed counts but \(weights.count) weights")
        }
        guard observed.count >= 2 else { throw StatsError("SRM needs at least two arms") }
        guard observed.allSatisfy({ $0 >= 0 }) else { throw StatsError("SRM: arm counts must not be negative") }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw StatsError("SRM: weights must be finite and not negative")
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { throw StatsError("SRM: the weights sum to zero") }
        guard threshold > 0, threshold < 1 else { throw StatsError("SRM threshold must lie in (0, 1)") }

        let total = Double(observed.reduce(0, +))
        let expected = weights.map { total * $0 / totalWeight }
        guard total > 0 else {
            return Result(
                chiSquare: .nan, degreesOfFreedom: 0, pValue: .nan, mismatch: false,
                observed: observed, expected: expected,
                diagnostics: [Diagnostic(.emptyArm, "no units observed in any arm")])
        }
        var chiSquare = 0.0
        var cells = 0
        for (count, expectation) in zip(observed, expected) {
            if expectation > 0 {
                let difference = Double(count) - expectation
                chiSquare += difference * difference / expectation
                cells += 1
            } else if count > 0 {
                // Units in an arm configured to receive none: an unambiguous mismatch.
                chiSquare = .infinity
            }
        }
        let degrees = cells - 1
        var diagnostics: [Diagnostic] = []
        var pValue: Double
        if chiSquare.isInfinite {
            pValue = 0
            diagnostics.append(Diagnostic(.noExpectedUnits, "units were observed in an arm with weight 0"))
        } else if degrees >= 1 {
            pValue = ChiSquared(degreesOfFreedom: Double(degrees)).survival(chiSquare)
        } else {
            pValue = .nan
            diagnostics.append(Diagnostic(.insufficientData, "fewer than two arms have a positive weight"))
        }
        return Result(
            chiSquare: chiSquare, degreesOfFreedom: max(degrees, 0), pValue: pValue,
            mismatch: pValue < threshold, observed: observed, expected: expected, diagnostics: diagnostics)
    }
}
