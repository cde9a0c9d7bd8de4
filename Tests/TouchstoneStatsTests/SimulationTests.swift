import Testing
import TouchstoneStats

/// Frequentist guarantees checked by simulation with fixed seeds, on summary statistics so the
/// runs are fast: the A/A false-positive rate is α, and 95% intervals cover the truth 95% of
/// the time. Bounds are about ±4 binomial standard errors around the nominal rate.
@Suite("Simulation: error rates and coverage")
struct SimulationTests {
    static let replicates = 4_000

    @Test func aaFalsePositiveRateOfTheZTest() {
        let random = RandomSource(seed: 2026)
        var rejections = 0
        for _ in 0..<Self.replicates {
            let n = 5_000
            let c = random.binomial(trials: n, probability: 0.1)
            let t = random.binomial(trials: n, probability: 0.1)
            if TwoProportionZTest.compare(control: (n, c), treatment: (n, t)).pValue < 0.05 { rejections += 1 }
        }
        let rate = Double(rejections) / Double(Self.replicates)
        #expect(rate >= 0.04 && rate <= 0.06, "A/A false-positive rate \(rate)")
    }

    @Test func aaFalsePositiveRateOfWelchOnSkewedData() {
        let random = RandomSource(seed: 42)
        var rejections = 0
        for _ in 0..<Self.replicates {
            var control = SufficientStatistics(), treatment = SufficientStatistics()
            for _ in 0..<400 {
                control.add(random.logNormal(mu: 0, sigma: 1))
                treatment.add(random.logNormal(mu: 0, sigma: 1))
            }
            if WelchTTest.compare(control: control, treatment: treatment).pValue < 0.05 { rejections += 1 }
        }
        let rate = Double(rejections) / Double(Self.replicates)
        #expect(rate >= 0.04 && rate <= 0.06, "A/A false-positive rate \(rate)")
    }

    @Test func intervalsCoverThePlantedEffect() {
        let random = RandomSource(seed: 7)
        var absoluteCovered = 0, relativeCovered = 0
        let pc = 0.2, pt = 0.22, n = 20_000
        for _ in 0..<Self.replicates {
            let result = TwoProportionZTest.compare(
                control: (n, random.binomial(trials: n, probability: pc)),
                treatment: (n, random.binomial(trials: n, probability: pt)))
            if result.absoluteCI.contains(pt - pc) { absoluteCovered += 1 }
            if result.relativeCI.contains(pt / pc - 1) { relativeCovered += 1 }
        }
        let absolute = Double(absoluteCovered) / Double(Self.replicates)
        let relative = Double(relativeCovered) / Double(Self.replicates)
        #expect(absolute >= 0.93 && absolute <= 0.97, "absolute coverage \(absolute)")
        #expect(relative >= 0.93 && relative <= 0.97, "relative coverage \(relative)")
    }

    @Test func powerCalculationDeliversItsPower() throws {
        // Design for 80% power, then simulate experiments of that size with the planted effect.
        let analysis = try PowerAnalysis(metric: .proportion(baseline: 0.1), relative: true, alpha: 0.05, power: 0.8)
        let n = Int(try analysis.samplePerArm(effect: 0.1).rounded(.up))
        let random = RandomSource(seed: 5)
        var rejections = 0
        for _ in 0..<Self.replicates {
            let result = TwoProportionZTest.compare(
                control: (n, random.binomial(trials: n, probability: 0.1)),
                treatment: (n, random.binomial(trials: n, probability: 0.11)))
            if result.pValue < 0.05 { rejections += 1 }
        }
        let rate = Double(rejections) / Double(Self.replicates)
        #expect(rate >= 0.775 && rate <= 0.825, "empirical power \(rate)")
    }
}
