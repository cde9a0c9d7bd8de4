import Testing
import TouchstoneStats
import TouchstoneTestSupport

@Suite("CUPED against gbstats, and its variance reduction by simulation")
struct CUPEDTests {
    static let replicates = 2_000

    @Test func cupedMatchesGbstats() throws {
        for c in try MethodReference.load().cuped {
            func arm(_ m: MethodReference.CovariateMoments) -> SufficientStatistics {
                SufficientStatistics(
                    count: m.count, mean: m.mean, stdDev: m.stdDev, covariateMean: m.covariateMean,
                    covariateStdDev: m.covariateStdDev, covariance: m.covariance)
            }
            let adjustment = RegressionAdjustment(control: arm(c.control), treatment: arm(c.treatment))
            expectClose(adjustment.theta, c.expected.theta, 1e-8, "\(c.label) theta")
            let result = WelchTTest.compare(adjustment.adjusted)
            let tol = 1e-8  // gbstats works from raw power sums; the fixture from moments
            expectClose(result.absoluteEffect, c.expected.absolute.expected, tol, "\(c.label) effect", floor: 1e-6)
            expectClose(result.pValue, c.expected.absolute.pValue ?? .nan, 1e-6, "\(c.label) p")
            expectClose(result.absoluteCI.lower, c.expected.absolute.ci[0], tol, "\(c.label) CI lower", floor: 1e-3)
            expectClose(result.absoluteCI.upper, c.expected.absolute.ci[1], tol, "\(c.label) CI upper", floor: 1e-3)
            expectClose(result.relativeCI.lower, c.expected.relative.ci[0], tol, "\(c.label) rel CI lower", floor: 1e-4)
            expectClose(result.relativeCI.upper, c.expected.relative.ci[1], tol, "\(c.label) rel CI upper", floor: 1e-4)
            // Variance reduction ≈ ρ² on data built with correlation ρ.
            #expect(abs(adjustment.varianceReduction - c.rho * c.rho) < 0.05, "\(c.label): reduction \(adjustment.varianceReduction)")
        }
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
}
