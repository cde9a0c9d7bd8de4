import Testing
@testable import TouchstoneStats
import TouchstoneTestSupport

@Suite("Quantiles, capping and the bootstrap")
struct RobustMetricTests {
    @Test func quantilesMatchNumpy() throws {
        let reference = try MethodReference.load().quantiles
        let sorted = reference.data.sorted()
        for (level, expected) in zip(reference.levels, reference.expected) {
            #expect(abs(Quantile.linear(sorted, level) - expected) <= 1e-12 * abs(expected))
        }
        #expect(Quantile.linear([], 0.5).isNaN)
        #expect(Quantile.linear([1, 2], 1.5).isNaN)
    }

    @Test func capRulesParseAndCap() {
        #expect(CapRule(argument: "P99") == .percentile(0.99))
        #expect(CapRule(argument: "250") == .value(250))
        #expect(CapRule(argument: "P0") == nil)
        #expect(CapRule(argument: "abc") == nil)
        let values = (1...100).map(Double.init)
        #expect(abs(CapRule.percentile(0.99).threshold(for: values) - 99.01) < 1e-12)
        #expect(values.capped(at: 50).max() == 50)
    }

    @Test func bootstrapIsReproducibleAndMatchesTheAnalyticStandardError() {
        let random = RandomSource(seed: 3)
        let control = (0..<200).map { _ in random.normal(mean: 10, stdDev: 2) }
        let treatment = (0..<200).map { _ in random.normal(mean: 10.5, stdDev: 2) }
        let first = Bootstrap.compare(control: control, treatment: treatment, statistic: Bootstrap.mean, replicates: 2_000, seed: 42)
        let second = Bootstrap.compare(control: control, treatment: treatment, statistic: Bootstrap.mean, replicates: 2_000, seed: 42)
        #expect(first == second)
        // Bootstrap SE of a difference of means → √(Σ (n−1)/n · s²/n); within Monte Carlo error (±5% at 2,000 replicates).
        func plugInVariance(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count) / Double(v.count)
        }
        let analytic = (plugInVariance(control) + plugInVariance(treatment)).squareRoot()
        #expect(abs(first.standardError / analytic - 1) < 0.05, "bootstrap SE \(first.standardError) vs \(analytic)")
        #expect(first.ci.contains(first.estimate))
        let median = Bootstrap.compare(control: control, treatment: treatment, replicates: 500, seed: 1)
        #expect(median.ci.isDefined && median.relativeCI.isDefined)
    }
}
