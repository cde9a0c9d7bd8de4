import Testing
import TouchstoneStats
import TouchstoneTestSupport

@Suite("Sufficient statistics")
struct SufficientStatisticsTests {
    private func sample(_ count: Int, seed: UInt64, offset: Double = 0) -> [(Double, Double)] {
        let random = RandomSource(seed: seed)
        return (0..<count).map { _ in
            let x = random.normal(mean: 5, stdDev: 2)
            return (offset + 0.7 * x + random.normal(mean: 0, stdDev: 1), x)
        }
    }

    private func aggregate(_ rows: some Collection<(Double, Double)>) -> SufficientStatistics {
        var statistics = SufficientStatistics()
        for (y, x) in rows { statistics.add(y, covariate: x) }
        return statistics
    }

    @Test func mergingPartsEqualsAggregatingAllAtOnce() {
        let rows = sample(10_001, seed: 7)
        let whole = aggregate(rows)
        for split in [1, 17, 5_000, 10_000] {
            let merged = aggregate(rows[..<split]) + aggregate(rows[split...])
            #expect(merged.count == whole.count)
            #expect(isClose(merged.mean, whole.mean, relative: 1e-13))
            #expect(isClose(merged.sumOfSquaredDeviations, whole.sumOfSquaredDeviations, relative: 1e-12))
            #expect(isClose(merged.covariateMean, whole.covariateMean, relative: 1e-13))
            #expect(isClose(merged.covariateSumOfSquaredDeviations, whole.covariateSumOfSquaredDeviations, relative: 1e-12))
            #expect(isClose(merged.coMoment, whole.coMoment, relative: 1e-12))
        }
    }

    @Test func mergingIsAssociativeAcrossManyChunks() {
        let rows = sample(4_096, seed: 11)
        let whole = aggregate(rows)
        var merged = SufficientStatistics()
        for start in stride(from: 0, to: rows.count, by: 100) {
            merged.merge(aggregate(rows[start..<min(start + 100, rows.count)]))
        }
        #expect(merged.count == whole.count)
        #expect(isClose(merged.variance, whole.variance, relative: 1e-12))
        #expect(isClose(merged.covariance, whole.covariance, relative: 1e-12))
    }

    @Test func mergingWithEmptyIsIdentity() {
        let statistics = aggregate(sample(10, seed: 3))
        #expect(statistics + SufficientStatistics() == statistics)
        #expect(SufficientStatistics() + statistics == statistics)
    }

    @Test func momentsMatchTwoPassFormulas() {
        let values = [2.0, 4, 4, 4, 5, 5, 7, 9]
        let statistics = SufficientStatistics(values)
        #expect(statistics.mean == 5)
        #expect(isClose(statistics.variance, 32.0 / 7.0, relative: 1e-15))
        #expect(isClose(statistics.sum, 40, relative: 1e-15))
        #expect(isClose(statistics.sumOfSquares, 232, relative: 1e-15))
    }

    /// Values near 1e15 with a spread of about 1: naive Σy² − (Σy)²/n loses every digit.
    @Test func largeMeansKeepTheirVariance() {
        let random = RandomSource(seed: 99)
        let values = (0..<10_000).map { _ in 1e15 + random.normal(mean: 0, stdDev: 1) }
        // Reference: two-pass variance on the offsets, which are exact in Double.
        let offsets = values.map { $0 - 1e15 }
        let offsetMean = offsets.reduce(0, +) / Double(offsets.count)
        let twoPass = offsets.map { ($0 - offsetMean) * ($0 - offsetMean) }.reduce(0, +) / Double(offsets.count - 1)
        let halves = SufficientStatistics(values[..<5_000]) + SufficientStatistics(values[5_000...])
        #expect(isClose(SufficientStatistics(values).variance, twoPass, relative: 1e-6))
        #expect(isClose(halves.variance, twoPass, relative: 1e-6))
    }

    @Test func proportionsAreExactForCounts() {
        let statistics = SufficientStatistics.proportion(units: 1_000_000_000_000, conversions: 50_000_000_000)
        #expect(statistics.count == 1_000_000_000_000)
        #expect(statistics.mean == 0.05)
        #expect(isClose(statistics.populationVariance, 0.05 * 0.95, relative: 1e-14))
        let merged = SufficientStatistics.proportion(units: 600, conversions: 60)
            + SufficientStatistics.proportion(units: 400, conversions: 20)
        #expect(isClose(merged.mean, 0.08, relative: 1e-15))
        #expect(isClose(merged.populationVariance, 0.08 * 0.92, relative: 1e-14))
    }

    @Test func powerSumsRoundTrip() {
        let statistics = SufficientStatistics([1.5, 2.5, 10, -3])
        let rebuilt = SufficientStatistics(count: 4, sum: statistics.sum, sumOfSquares: statistics.sumOfSquares)
        #expect(isClose(rebuilt.mean, statistics.mean, relative: 1e-15))
        #expect(isClose(rebuilt.variance, statistics.variance, relative: 1e-13))
    }
}
