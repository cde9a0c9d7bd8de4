import Foundation
import Testing
import TouchstoneStats
import TouchstoneTestSupport

/// Cochran's Q against statsmodels' `combine_effects` (Scripts/make_segment_reference.py) and by
/// simulation.
@Suite("Cochran's Q heterogeneity test")
struct CochranQTests {
    struct Case: Decodable {
        var estimates: [Double]
        var standardErrors: [Double]
        var q: Double
        var degreesOfFreedom: Int
        var pValue: Double
        var iSquared: Double
        var pooledEstimate: Double
        var pooledStandardError: Double
    }

    struct File: Decodable { var cases: [Case] }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "cochran_q", withExtension: "json", subdirectory: "Fixtures"))
        return try Fixtures.load(File.self, from: url).cases
    }

    @Test func matchesStatsmodels() throws {
        let cases = try Self.cases()
        #expect(cases.count == 12)
        for reference in cases {
            let result = CochranQ.test(Array(zip(reference.estimates, reference.standardErrors)).map { ($0, $1) })
            #expect(result.degreesOfFreedom == reference.degreesOfFreedom)
            #expect(result.estimates == reference.estimates.count)
            #expect(isClose(result.q, reference.q, relative: 1e-9), "Q \(result.q) vs \(reference.q)")
            #expect(isClose(result.pValue, reference.pValue, relative: 1e-9), "p \(result.pValue) vs \(reference.pValue)")
            #expect(isClose(result.iSquared, reference.iSquared, relative: 1e-9, absoluteFloor: 1e-12))
            #expect(isClose(result.pooledEstimate, reference.pooledEstimate, relative: 1e-9))
            #expect(isClose(result.pooledStandardError, reference.pooledStandardError, relative: 1e-9))
        }
    }

    @Test func unusableEstimatesAreLeftOut() {
        let result = CochranQ.test([(0.1, 0.02), (.nan, 0.02), (0.2, 0), (0.3, .infinity)])
        #expect(result.estimates == 1)
        #expect(result.pValue.isNaN)
        #expect(result.diagnostics.map(\.code) == [.insufficientData])
        let two = CochranQ.test([(0.1, 0.05), (0.2, 0.05), (.nan, 1)])
        // Two usable: Q = Σ w (θ − θ̂)² = 2 · 400 · 0.05² = 2.
        #expect(two.estimates == 2)
        #expect(isClose(two.q, 2, relative: 1e-12))
    }

    /// Under homogeneity Q ~ χ²(k − 1): the test rejects 5% of the time at α = 0.05.
    @Test func falsePositiveRateUnderHomogeneity() {
        let random = RandomSource(seed: 7)
        let replicates = 20_000
        var rejections = 0
        for _ in 0..<replicates {
            let estimates = (0..<5).map { index -> (Double, Double) in
                let se = 0.01 * Double(index + 1)
                return (0.03 + random.normal(stdDev: se), se)
            }
            if CochranQ.test(estimates).pValue < 0.05 { rejections += 1 }
        }
        let rate = Double(rejections) / Double(replicates)
        // ±3.3 standard errors of a binomial share at 20,000 draws.
        #expect(rate > 0.045 && rate < 0.055, "false-positive rate \(rate)")
    }
}
