import Testing
import TouchstoneStats

/// Fieller's interval against the quadratic solved by numpy (`Scripts/make_reference_quantiles.py`).
@Suite struct FiellerIntervalTests {
    static var cases: [QuantileReference.FiellerCase] { QuantileReference.shared?.fieller ?? [] }

    @Test func fixtureLoads() throws {
        #expect(try QuantileReference.load().fieller.count == 10)
    }

    @Test("equals the closed form's roots; unbounded exactly when g ≥ 1", arguments: cases)
    func matchesTheReference(_ c: QuantileReference.FiellerCase) throws {
        let alternative = try #require(Alternative(rawValue: c.alternative))
        let distribution = StudentT(degreesOfFreedom: c.degreesOfFreedom ?? .infinity)
        let result = FiellerInterval.relative(
            treatment: c.treatment, treatmentVariance: c.treatmentVariance, control: c.control,
            controlVariance: c.controlVariance, covariance: c.covariance, alpha: c.alpha, alternative: alternative,
            upperQuantile: distribution.upperQuantile)
        expectClose(result.g, c.g, 1e-12, "\(c.label) g")
        #expect(result.isBounded == c.bounded, "\(c.label)")
        // The control is significantly different from 0 at the same level exactly when bounded.
        let z = abs(c.control) / c.controlVariance.squareRoot()
        let critical = distribution.upperQuantile(alternative == .twoSided ? c.alpha / 2 : c.alpha)
        #expect((z > critical) == c.bounded, "\(c.label)")
        guard let expected = c.relativeCI else {
            #expect(!result.relativeCI.isDefined)
            return
        }
        for (actual, wanted, end) in [(result.relativeCI.lower, expected[0], "lower"), (result.relativeCI.upper, expected[1], "upper")] {
            if let wanted {
                expectClose(actual, wanted, 1e-9, "\(c.label) \(end)", floor: 1e-12)
            } else {
                #expect(actual.isInfinite, "\(c.label) \(end) = \(actual)")
            }
        }
    }

    @Test func agreesWithTheDeltaMethodWhenTheControlIsPrecise() {
        // g → 0: Fieller's interval tends to the delta method's.
        let result = FiellerInterval.relative(treatment: 10.2, treatmentVariance: 1e-4, control: 10, controlVariance: 1e-4, alpha: 0.05)
        let z = Normal.upperQuantile(0.025)
        let se = (1e-4 / 100 + 10.2 * 10.2 * 1e-4 / 1e4).squareRoot()
        expectClose(result.relativeCI.lower, 0.02 - z * se, 1e-3, "lower")
        expectClose(result.relativeCI.upper, 0.02 + z * se, 1e-3, "upper")
    }
}
