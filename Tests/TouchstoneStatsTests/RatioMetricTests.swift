import Testing
@testable import TouchstoneStats
import TouchstoneTestSupport

@Suite("Ratio metrics (delta method) against gbstats")
struct RatioMetricTests {
    @Test func ratioMatchesGbstats() throws {
        for c in try MethodReference.load().ratio {
            func arm(_ m: MethodReference.RatioMoments) -> RatioStatistics {
                RatioStatistics(
                    count: m.count, numeratorMean: m.numeratorMean, numeratorStdDev: m.numeratorStdDev,
                    denominatorMean: m.denominatorMean, denominatorStdDev: m.denominatorStdDev, covariance: m.covariance)
            }
            let control = arm(c.control), treatment = arm(c.treatment)
            expectClose(control.unitVariance, c.expected.unitVariance[0], 1e-8, "\(c.label) control variance")
            expectClose(treatment.unitVariance, c.expected.unitVariance[1], 1e-8, "\(c.label) treatment variance")
            let result = WelchTTest.compare(EffectMoments(control: control, treatment: treatment))
            expectClose(result.pValue, c.expected.absolute.pValue ?? .nan, 1e-6, "\(c.label) p")
            expectClose(result.absoluteCI.lower, c.expected.absolute.ci[0], 1e-8, "\(c.label) CI lower", floor: 1e-2)
            expectClose(result.absoluteCI.upper, c.expected.absolute.ci[1], 1e-8, "\(c.label) CI upper", floor: 1e-2)
            expectClose(result.relativeCI.lower, c.expected.relative.ci[0], 1e-8, "\(c.label) rel CI lower", floor: 1e-2)
            expectClose(result.relativeCI.upper, c.expected.relative.ci[1], 1e-8, "\(c.label) rel CI upper", floor: 1e-2)
        }
    }
}
