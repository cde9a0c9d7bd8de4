import Testing
import TouchstoneStats

/// Coverage of the asymptotic quantile-difference interval by simulation (fixed seeds): skewed
/// continuous data and counts with ties, at the median and p90. A/A (true difference 0) and a
/// planted shift of the treatment arm (true difference = the shift).
@Suite("Simulation: quantile interval coverage")
struct QuantileCoverageTests {
    static let replicates = 2_000
    static let units = 500

    /// Coverage of 95% intervals and the share of runs refused for ties.
    static func coverage(seed: UInt64, level: Double, shift: Double, draw: (RandomSource) -> Double) -> (coverage: Double, tied: Int) {
        let random = RandomSource(seed: seed)
        var covered = 0, defined = 0, tied = 0
        for _ in 0..<replicates {
            let control = (0..<units).map { _ in draw(random) }.sorted()
            let treatment = (0..<units).map { _ in draw(random) + shift }.sorted()
            let result = QuantileTest.compare(controlSorted: control, treatmentSorted: treatment, quantile: level)
            guard result.comparison.absoluteCI.isDefined else {
                if result.comparison.diagnostics.contains(where: { $0.code == .tiedQuantile }) { tied += 1 }
                continue
            }
            defined += 1
            if result.comparison.absoluteCI.contains(shift) { covered += 1 }
        }
        return (Double(covered) / Double(max(defined, 1)), tied)
    }

    /// Negative-binomial counts with mean 50 and size 3 (a gamma–Poisson mixture): many ties.
    static func counts(_ random: RandomSource) -> Double {
        Double(random.poisson(mean: random.gamma(shape: 3, scale: 50.0 / 3)))
    }

    @Test("log-normal data, median and p90", arguments: [(0.5, UInt64(11)), (0.9, UInt64(12))])
    func logNormal(level: Double, seed: UInt64) {
        let result = Self.coverage(seed: seed, level: level, shift: 2) { $0.logNormal(mu: 1, sigma: 1) }
        #expect(result.tied == 0)
        #expect(result.coverage >= 0.93 && result.coverage <= 0.97, "coverage \(result.coverage)")
    }

    @Test("counts with ties, median and p90", arguments: [(0.5, UInt64(21)), (0.9, UInt64(22))])
    func countsWithTies(level: Double, seed: UInt64) {
        // Shifts by whole counts keep the data discrete.
        let result = Self.coverage(seed: seed, level: level, shift: 3, draw: Self.counts)
        #expect(result.tied * 100 <= Self.replicates * 35, "\(result.tied) runs refused for ties")
        #expect(result.coverage >= 0.93 && result.coverage <= 0.97, "coverage \(result.coverage)")
    }
}
