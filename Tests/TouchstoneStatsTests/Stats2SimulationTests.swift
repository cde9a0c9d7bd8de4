import Testing
import TouchstoneStats

/// Part two's guarantees by simulation with fixed seeds, on summary statistics so the suite
/// stays fast: peeking, coverage and CUPED's variance reduction.
@Suite("Simulation: sequential peeking, coverage, CUPED")
struct Stats2SimulationTests {
    static let replicates = 2_000

    /// A/A experiments peeked after each of 20 batches. The fixed-horizon z test is exact at
    /// its single planned look, badly inflated when peeked; the mixture SPRT and the
    /// O'Brien–Fleming group-sequential design (5 looks) hold α.
    @Test func peekingInflatesTheNaiveTestButNotTheSequentialOnes() throws {
        let random = RandomSource(seed: 20260401)
        let batches = 20, batch = 500, p = 0.1
        let design = try GroupSequentialDesign.obrienFleming(looks: 5)
        var naiveFinal = 0, naivePeeking = 0, msprt = 0, groupSequential = 0
        for _ in 0..<Self.replicates {
            var c = (units: 0, conversions: 0), t = (units: 0, conversions: 0)
            var rejectedNaive = false, rejectedSequential = false, rejectedGroup = false
            for look in 1...batches {
                c.units += batch
                c.conversions += random.binomial(trials: batch, probability: p)
                t.units += batch
                t.conversions += random.binomial(trials: batch, probability: p)
                let z = TwoProportionZTest.compare(control: c, treatment: t)
                if z.pValue < 0.05 { rejectedNaive = true }
                if look == batches, z.pValue < 0.05 { naiveFinal += 1 }
                let moments = EffectMoments(
                    control: .proportion(units: c.units, conversions: c.conversions),
                    treatment: .proportion(units: t.units, conversions: t.conversions), kind: .proportion)
                if MixtureSPRT.compare(moments, alpha: 0.05, tuning: Double(2 * batches * batch)).pValue < 0.05 {
                    rejectedSequential = true
                }
                // Group-sequential looks after batches 4, 8, …, 20 (information fractions 0.2 … 1).
                if look % 4 == 0, abs(z.statistic) >= design.boundaries[look / 4 - 1] { rejectedGroup = true }
            }
            if rejectedNaive { naivePeeking += 1 }
            if rejectedSequential { msprt += 1 }
            if rejectedGroup { groupSequential += 1 }
        }
        let n = Double(Self.replicates)
        let rates = (final: Double(naiveFinal) / n, peeking: Double(naivePeeking) / n,
                     msprt: Double(msprt) / n, group: Double(groupSequential) / n)
        #expect(rates.final >= 0.04 && rates.final <= 0.06, "fixed-horizon z test at its one look: \(rates.final)")
        #expect(rates.peeking > 0.15, "z test peeked 20 times: \(rates.peeking)")
        #expect(rates.msprt <= 0.05, "mixture SPRT peeked 20 times: \(rates.msprt)")
        #expect(rates.group >= 0.035 && rates.group <= 0.06, "O'Brien–Fleming, 5 looks: \(rates.group)")
    }

    /// CUPED on data with correlation ρ: the adjusted effect's variance across replicates is
    /// (1 − ρ²) of the unadjusted one, the reported reduction says so, and 95% intervals cover.
    @Test(arguments: [0.5, 0.8])
    func cupedShrinksVarianceByRhoSquared(rho: Double) {
        let random = RandomSource(seed: 99)
        let n = 200, effect = 0.3
        var plain: [Double] = [], adjusted: [Double] = [], reported: [Double] = []
        var covered = 0
        for _ in 0..<Self.replicates {
            var c = SufficientStatistics(), t = SufficientStatistics()
            for arm in 0..<2 {
                for _ in 0..<n {
                    let x = random.normal(mean: 5, stdDev: 2)
                    let y = 5 + (arm == 1 ? effect : 0) + rho * (x - 5) + (1 - rho * rho).squareRoot() * random.normal(stdDev: 2)
                    if arm == 0 { c.add(y, covariate: x) } else { t.add(y, covariate: x) }
                }
            }
            let adjustment = RegressionAdjustment(control: c, treatment: t)
            plain.append(adjustment.unadjusted.absoluteEffect)
            adjusted.append(adjustment.adjusted.absoluteEffect)
            reported.append(adjustment.varianceReduction)
            if WelchTTest.compare(adjustment.adjusted).absoluteCI.contains(effect) { covered += 1 }
        }
        func variance(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
        }
        let empirical = 1 - variance(adjusted) / variance(plain)
        let meanReported = reported.reduce(0, +) / Double(reported.count)
        #expect(abs(empirical - rho * rho) < 0.05, "empirical reduction \(empirical) vs ρ² = \(rho * rho)")
        #expect(abs(meanReported - rho * rho) < 0.02, "reported reduction \(meanReported) vs ρ² = \(rho * rho)")
        let coverage = Double(covered) / Double(Self.replicates)
        #expect(coverage >= 0.93 && coverage <= 0.97, "CUPED interval coverage \(coverage)")
    }

    /// HC3 intervals of a 2×2 channel design with unequal cell variances cover the planted
    /// main effects and interaction; the mixture SPRT's confidence sequence covers at least 95%.
    @Test func factorialAndSequentialIntervalsCover() {
        let random = RandomSource(seed: 31)
        let means = ["control": 10.0, "email": 11.0, "push": 10.5, "email+push": 12.5]
        let sds = ["control": 3.0, "email": 4.0, "push": 5.0, "email+push": 6.0]
        let truth = ["email": 1.0, "push": 0.5, "email:push": 1.0]
        let n = 150
        var covered = ["email": 0, "push": 0, "email:push": 0]
        var sequentialCovered = 0
        for _ in 0..<Self.replicates {
            let cells = ["control", "email", "push", "email+push"].map { variant -> FactorialRegression.Cell in
                let sd = sds[variant] ?? 1, mean = means[variant] ?? 0
                // Cell summaries drawn exactly: ȳ ~ N(μ, σ²/n), M2 ~ σ² χ²_{n−1}.
                let cellMean = random.normal(mean: mean, stdDev: sd / Double(n).squareRoot())
                let m2 = sd * sd * random.gamma(shape: Double(n - 1) / 2, scale: 2)
                return FactorialRegression.Cell(
                    variant: variant, combination: ChannelCombination(variant: variant, control: "control"),
                    statistics: SufficientStatistics(count: n, mean: cellMean, stdDev: (m2 / Double(n - 1)).squareRoot()))
            }
            let fit = FactorialRegression.fit(cells: cells, kind: .mean, covariance: .hc3)
            for effect in fit.effects where effect.term != "(intercept)" {
                if let value = truth[effect.term], effect.ci.contains(value) { covered[effect.term, default: 0] += 1 }
            }
            let sequential = MixtureSPRT.compare(
                EffectMoments(control: cells[0].statistics, treatment: cells[1].statistics, kind: .mean), tuning: 300)
            if sequential.absoluteCI.contains(1.0) { sequentialCovered += 1 }
        }
        for (term, count) in covered {
            let coverage = Double(count) / Double(Self.replicates)
            #expect(coverage >= 0.93 && coverage <= 0.97, "HC3 coverage of \(term): \(coverage)")
        }
        #expect(Double(sequentialCovered) / Double(Self.replicates) >= 0.95)
    }

    /// Flat-prior Gaussian credible intervals are frequentist intervals: 93–97% coverage.
    @Test func bayesianCredibleIntervalsCover() {
        let random = RandomSource(seed: 8)
        let n = 5_000, pc = 0.1, pt = 0.11
        var covered = 0
        for _ in 0..<Self.replicates {
            let result = GaussianEffectTest.compare(
                control: .proportion(units: n, conversions: random.binomial(trials: n, probability: pc)),
                treatment: .proportion(units: n, conversions: random.binomial(trials: n, probability: pt)),
                kind: .proportion)
            if result.relativeCI.contains(pt / pc - 1) { covered += 1 }
        }
        let coverage = Double(covered) / Double(Self.replicates)
        #expect(coverage >= 0.93 && coverage <= 0.97, "credible interval coverage \(coverage)")
    }
}
