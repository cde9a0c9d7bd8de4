/// Thompson-sampling traffic weights (Thompson 1933; Chapelle & Li 2011; Scott 2010, "A modern
/// Bayesian look at the multi-armed bandit"): each arm gets the share of traffic equal to its
/// posterior probability of being the best arm, with a floor so no arm starves.
///
/// P(best) comes from ``ProbabilityBest`` (numerical integration, deterministic, ≈1e-9) or, with
/// `draws`, from seeded Monte Carlo (standard error ≤ 0.5/√draws per arm):
/// ```
/// P(arm i is best) = ∫ f_i(u) Π_{j≠i} F_j(u) du          (Beta(1 + c, 1 + n − c) or N(ȳ, s²/n))
/// ```
/// Weights: w_i = P(best)_i, then every arm below `minimumShare` is raised to it and the others
/// are scaled down in proportion to their P(best) so the weights sum to 1 (water-filling, repeated
/// until no arm falls below the floor). Arms tied in P(best) stay tied.
public struct ThompsonAllocation: Sendable, Hashable {
    /// Posterior probability that each arm is best, in the order given.
    public var probabilityBest: [Double]
    /// Adaptive traffic weights (sum 1), in the order given.
    public var weights: [Double]

    /// - Parameters:
    ///   - posteriors: One per arm (at least two).
    ///   - minimumShare: The floor of every weight, in [0, 1/K].
    ///   - draws: Monte Carlo draws instead of numerical integration (nil: integrate).
    ///   - seed: The Monte Carlo generator's seed (MT19937).
    /// - Throws: ``StatsError`` when there are fewer than two arms, the floor is outside
    ///   [0, 1/K], a posterior is degenerate, or the integration fails.
    public init(posteriors: [ProbabilityBest.Posterior], minimumShare: Double, draws: Int? = nil, seed: UInt64 = 1) throws {
        let k = posteriors.count
        guard k >= 2 else { throw StatsError("a bandit needs at least two arms") }
        guard minimumShare >= 0, minimumShare * Double(k) <= 1 + 1e-12 else {
            throw StatsError("the minimum share \(minimumShare) must lie in [0, 1/\(k)] for \(k) arms")
        }
        guard posteriors.allSatisfy(\.isValid) else {
            throw StatsError("an arm's posterior is degenerate (no units, or a mean metric with zero variance)")
        }
        let best: [Double]
        if let draws {
            guard draws >= 1, draws <= 100_000_000 else { throw StatsError("draws must lie in [1, 100000000]") }
            best = Self.monteCarlo(posteriors, draws: draws, seed: seed)
        } else {
            best = ProbabilityBest.compute(posteriors)
        }
        guard best.allSatisfy(\.isFinite) else { throw StatsError("the numerical integration of P(best) failed") }
        probabilityBest = best
        weights = Self.floored(best, minimumShare: minimumShare)
    }

    /// Water-filling: arms below the floor get exactly the floor, the rest share what is left in
    /// proportion to `shares`.
    public static func floored(_ shares: [Double], minimumShare: Double) -> [Double] {
        let total = shares.reduce(0, +)
        var weights = shares.map { total > 0 ? $0 / total : 1 / Double(shares.count) }
        var pinned = Array(repeating: false, count: weights.count)
        while true {
            let newlyPinned = weights.indices.filter { !pinned[$0] && weights[$0] < minimumShare }
            if newlyPinned.isEmpty { break }
            for i in newlyPinned { pinned[i] = true }
            let free = weights.indices.filter { !pinned[$0] }
            let left = 1 - minimumShare * Double(weights.count - free.count)
            let freeTotal = free.reduce(0) { $0 + shares[$1] }
            for i in weights.indices {
                weights[i] = pinned[i] ? minimumShare : (freeTotal > 0 ? left * shares[i] / freeTotal : left / Double(free.count))
            }
            if free.isEmpty { break }
        }
        return weights
    }

    /// The share of draws in which each arm has the largest draw.
    static func monteCarlo(_ posteriors: [ProbabilityBest.Posterior], draws: Int, seed: UInt64) -> [Double] {
        let random = RandomSource(seed: seed)
        var wins = Array(repeating: 0, count: posteriors.count)
        for _ in 0..<draws {
            var bestArm = 0, bestValue = -Double.infinity
            for (i, posterior) in posteriors.enumerated() {
                let value: Double
                switch posterior {
                case .beta(let b): value = random.beta(b.a, b.b)
                case .normal(let mean, let se): value = random.normal(mean: mean, stdDev: se)
                }
                if value > bestValue {
                    bestValue = value
                    bestArm = i
                }
            }
            wins[bestArm] += 1
        }
        return wins.map { Double($0) / Double(draws) }
    }
}
