import Foundation
import Testing
import TouchstoneStats
import TouchstoneTestSupport

/// Reference cases written by Scripts/make_bandit_reference.py (scipy quad).
struct BanditReference: Decodable {
    struct Arm: Decodable {
        var units: Int?
        var conversions: Int?
        var mean: Double?
        var standardError: Double?
    }

    struct Case: Decodable {
        var label: String
        var model: String
        var arms: [Arm]
        var minimumShare: Double
        var probabilityBest: [Double]
        var weights: [Double]
    }

    var cases: [Case]

    static func load() throws -> BanditReference {
        guard let url = Bundle.module.url(forResource: "bandit", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Fixtures.load(BanditReference.self, from: url)
    }
}

@Suite("Thompson-sampling allocation against scipy, and its regret and holdback by simulation")
struct ThompsonAllocationTests {
    static func posteriors(_ c: BanditReference.Case) -> [ProbabilityBest.Posterior] {
        c.arms.map { arm in
            if c.model == "beta" {
                let n = Double(arm.units ?? 0), x = Double(arm.conversions ?? 0)
                return .beta(BetaDistribution(1 + x, 1 + n - x))
            }
            return .normal(mean: arm.mean ?? .nan, standardError: arm.standardError ?? .nan)
        }
    }

    @Test func probabilityBestEqualsScipyIntegration() throws {
        for c in try BanditReference.load().cases {
            let allocation = try ThompsonAllocation(posteriors: Self.posteriors(c), minimumShare: c.minimumShare)
            #expect(allocation.probabilityBest.count == c.probabilityBest.count)
            for (a, b) in zip(allocation.probabilityBest, c.probabilityBest) {
                #expect(abs(a - b) <= 1e-4, "\(c.label): P(best) \(a) vs scipy \(b)")
                // Far tighter in fact; 1e-4 is the acceptance bound.
                #expect(abs(a - b) <= 1e-7, "\(c.label): P(best) \(a) vs scipy \(b)")
            }
            for (a, b) in zip(allocation.weights, c.weights) { #expect(abs(a - b) <= 1e-7, "\(c.label): weight \(a) vs \(b)") }
            #expect(abs(allocation.weights.reduce(0, +) - 1) < 1e-12)
            #expect(allocation.weights.allSatisfy { $0 >= c.minimumShare - 1e-15 })
        }
    }

    @Test func monteCarloAgreesWithinItsError() throws {
        let draws = 200_000
        for c in try BanditReference.load().cases {
            let mc = try ThompsonAllocation(posteriors: Self.posteriors(c), minimumShare: c.minimumShare, draws: draws, seed: 11)
            for (a, b) in zip(mc.probabilityBest, c.probabilityBest) {
                // 5 standard errors of a binomial share.
                let se = (max(b * (1 - b), 1e-6) / Double(draws)).squareRoot()
                #expect(abs(a - b) <= 5 * se + 1e-5, "\(c.label): MC \(a) vs \(b)")
            }
            let again = try ThompsonAllocation(posteriors: Self.posteriors(c), minimumShare: c.minimumShare, draws: draws, seed: 11)
            #expect(again == mc, "same seed, same answer")
        }
    }

    @Test func refusesWhatCannotMeanAnything() {
        let two: [ProbabilityBest.Posterior] = [.beta(BetaDistribution(2, 3)), .beta(BetaDistribution(3, 2))]
        #expect(throws: StatsError("the minimum share 0.6 must lie in [0, 1/2] for 2 arms")) {
            try ThompsonAllocation(posteriors: two, minimumShare: 0.6)
        }
        #expect(throws: StatsError("a bandit needs at least two arms")) {
            try ThompsonAllocation(posteriors: [two[0]], minimumShare: 0)
        }
        #expect(throws: StatsError.self) {
            try ThompsonAllocation(posteriors: [two[0], .normal(mean: 1, standardError: 0)], minimumShare: 0)
        }
    }

    /// Three conversion arms (10%, 11%, 13%), 20 batches of 600 units, 100 replicates. Thompson
    /// allocation (weights recomputed after every batch, floor 1%) with a 20% holdback assigned
    /// uniformly: its expected regret Σ(p_best − p_arm) is far below equal allocation's, and
    /// the holdback's estimate of p₃ − p₁ is unbiased.
    @Test func lowerRegretThanEqualAllocationAndUnbiasedHoldback() throws {
        let rates = [0.10, 0.11, 0.13], batches = 20, batchSize = 600, replicates = 100, holdback = 0.2
        let random = RandomSource(seed: 424242)
        var thompsonRegret = 0.0, equalRegret = 0.0
        var holdbackEstimates: [Double] = [], adaptiveEstimates: [Double] = []
        for _ in 0..<replicates {
            var units = [0, 0, 0], conversions = [0, 0, 0]
            var holdUnits = [0, 0, 0], holdConversions = [0, 0, 0]
            var weights = [1.0 / 3, 1.0 / 3, 1.0 / 3]
            for _ in 0..<batches {
                for _ in 0..<batchSize {
                    let inHoldback = random.uniform() < holdback
                    var arm = 0
                    if inHoldback {
                        arm = random.integer(below: 3)
                    } else {
                        let u = random.uniform()
                        arm = u < weights[0] ? 0 : (u < weights[0] + weights[1] ? 1 : 2)
                    }
                    let converted = random.bernoulli(rates[arm])
                    units[arm] += 1
                    if converted { conversions[arm] += 1 }
                    if inHoldback {
                        holdUnits[arm] += 1
                        if converted { holdConversions[arm] += 1 }
                    }
                    thompsonRegret += (rates[2] - rates[arm]) / Double(replicates)
                }
                let posteriors = (0..<3).map {
                    ProbabilityBest.Posterior.beta(BetaDistribution(1 + Double(conversions[$0]), 1 + Double(units[$0] - conversions[$0])))
                }
                weights = try ThompsonAllocation(posteriors: posteriors, minimumShare: 0.01).weights
            }
            equalRegret += Double(batches * batchSize) * (rates[2] - rates.reduce(0, +) / 3) / Double(replicates)
            func rate(_ c: [Int], _ n: [Int], _ i: Int) -> Double { Double(c[i]) / Double(max(1, n[i])) }
            holdbackEstimates.append(rate(holdConversions, holdUnits, 2) - rate(holdConversions, holdUnits, 0))
            let adaptiveUnits = (0..<3).map { units[$0] - holdUnits[$0] }
            let adaptiveConversions = (0..<3).map { conversions[$0] - holdConversions[$0] }
            adaptiveEstimates.append(rate(adaptiveConversions, adaptiveUnits, 2) - rate(adaptiveConversions, adaptiveUnits, 0))
        }
        #expect(thompsonRegret < 0.5 * equalRegret, "regret \(thompsonRegret) vs equal allocation \(equalRegret)")
        let mean = holdbackEstimates.reduce(0, +) / Double(replicates)
        let sd = (holdbackEstimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replicates - 1)).squareRoot()
        let truth = rates[2] - rates[0]
        #expect(abs(mean - truth) < 3 * sd / Double(replicates).squareRoot(), "holdback mean \(mean) vs \(truth), sd \(sd)")
        print("bandit simulation: regret \(thompsonRegret) vs \(equalRegret); holdback Δ \(mean) ± \(sd / Double(replicates).squareRoot()); adaptive-arm Δ \(adaptiveEstimates.reduce(0, +) / Double(replicates))")
    }
}
