import TouchstoneData
import TouchstoneStats

/// The result of `touchstone bandit`; property names are the JSON output contract
/// (`weights`, `probabilityBest`, `holdback`).
public struct BanditResult: Sendable, Hashable, Codable {
    /// The metric the arms compete on.
    public var metric: String
    /// `beta-binomial` (conversions: Beta(1 + c, 1 + n − c)) or `normal` (means: N(ȳ, s²/n)).
    public var model: String
    /// `integration` (deterministic quadrature) or `monte-carlo` (`--draws`, `--seed`).
    public var method: String
    public var draws: Int?
    public var seed: UInt64?
    /// Posterior probability that each arm is the best.
    public var probabilityBest: [String: Double]
    /// Adaptive traffic weights: P(best) floored at ``minimumShare`` and renormalised (sum 1).
    /// These are what `--write` puts into the config for the adaptive experiment.
    public var weights: [String: Double]
    /// The share of all units assigned with fixed equal weights (the holdback), 0 for none.
    public var holdback: Double
    public var minimumShare: Double
    /// Each arm's share of all traffic, holdback included: holdback/K + (1 − holdback)·weight.
    public var trafficShares: [String: Double]
    /// Arm order (the input's): JSON objects are unordered, the text report keeps this order.
    public var variants: [String]
    public var warnings: [String]
}

/// Thompson-sampling weights from the current per-arm results: the posterior probability that
/// each arm is best (``ThompsonAllocation``), floored at a minimum share, with an optional
/// holdback assigned at fixed equal weights.
///
/// Why the holdback: a bandit moves traffic towards arms that look good, so an arm's sample
/// mean is computed over periods with different shares and, because allocation reacts to noise,
/// it is biased (arms that had bad luck early get few units and keep their low estimate; Nie et
/// al. 2018, "Why adaptively collected data have negative bias"). Units in the holdback are
/// randomised with weights that never change, so comparisons *among holdback units only* are
/// ordinary randomised comparisons, unbiased. To use it, assign the holdback as its own
/// experiment key (same variants, equal weights, its share of the layer) and log its exposures
/// under that key; then `touchstone analyze --experiment KEY_holdback` is the effect estimate.
public enum BanditAllocation {
    public struct Settings: Sendable, Hashable {
        public var minimumShare: Double = 0.01
        public var holdback: Double = 0
        /// Monte Carlo draws instead of numerical integration.
        public var draws: Int?
        public var seed: UInt64 = 1
        public init(minimumShare: Double = 0.01, holdback: Double = 0, draws: Int? = nil, seed: UInt64 = 1) {
            self.minimumShare = minimumShare
            self.holdback = holdback
            self.draws = draws
            self.seed = seed
        }
    }

    /// One arm's current data.
    public struct Arm: Sendable, Hashable {
        public var variant: String
        public var units: Int
        public var mean: Double
        public var stdDev: Double
        public init(variant: String, units: Int, mean: Double, stdDev: Double) {
            self.variant = variant
            self.units = units
            self.mean = mean
            self.stdDev = stdDev
        }
    }

    /// The weights for arms of one metric of `kind` (proportion → Beta posteriors, mean → normal).
    public static func allocate(metric: String, kind: MetricKind, arms: [Arm], settings: Settings) throws -> BanditResult {
        guard settings.holdback >= 0, settings.holdback < 1 else {
            throw AnalysisError("--holdback \(settings.holdback) must lie in [0, 1)")
        }
        guard settings.minimumShare >= 0, settings.minimumShare * Double(arms.count) <= 1 + 1e-12 else {
            throw AnalysisError("--min-share \(settings.minimumShare) must lie in [0, 1/\(arms.count)] for \(arms.count) arms")
        }
        guard kind != .ratio, kind != .quantile else {
            throw AnalysisError("metric '\(metric)' is a \(kind == .ratio ? "ratio" : "quantile") metric: a bandit needs a conversion or mean metric")
        }
        if let pair = ByteKey.indistinguishablePair(in: arms.map(\.variant)) {
            throw AnalysisError(ByteKey.indistinguishableMessage(pair, kind: "variants"))
        }
        var names = Set<ByteKey>()
        for arm in arms where !names.insert(ByteKey(arm.variant)).inserted {
            throw AnalysisError("variant '\(arm.variant)' appears twice in the summary")
        }
        var warnings: [String] = []
        let posteriors: [ProbabilityBest.Posterior] = try arms.map { arm in
            guard arm.units > 0 else { throw AnalysisError("variant '\(arm.variant)' has no units: its posterior is the prior alone; give it units or leave it out") }
            switch kind {
            case .proportion:
                let conversions = (arm.mean * Double(arm.units)).rounded()
                guard conversions >= 0, conversions <= Double(arm.units) else {
                    throw AnalysisError("variant '\(arm.variant)': rate \(arm.mean) is not a proportion")
                }
                return .beta(BetaDistribution(1 + conversions, 1 + Double(arm.units) - conversions))
            case .mean, .ratio, .quantile:
                guard arm.units > 1, arm.stdDev.isFinite, arm.stdDev > 0 else {
                    throw AnalysisError("variant '\(arm.variant)': a mean metric needs at least 2 units and a positive standard deviation for its posterior")
                }
                return .normal(mean: arm.mean, standardError: arm.stdDev / Double(arm.units).squareRoot())
            }
        }
        if kind == .mean { warnings.append("'\(metric)' is a mean metric: arms are ranked by flat-prior normal posteriors N(ȳ, s²/n) of their unadjusted means") }
        let allocation: ThompsonAllocation
        do {
            allocation = try ThompsonAllocation(
                posteriors: posteriors, minimumShare: settings.minimumShare, draws: settings.draws, seed: settings.seed)
        } catch let error as StatsError {
            throw AnalysisError(error.message)
        }
        let variants = arms.map(\.variant)
        let k = Double(arms.count)
        let shares = allocation.weights.map { settings.holdback / k + (1 - settings.holdback) * $0 }
        warnings.append(
            "Bandit effect estimates are biased (allocation follows the data); estimate effects on the holdback only"
                + (settings.holdback > 0 ? " — units assigned with fixed equal weights, logged under their own experiment key." : " — none was asked for (--holdback 0), so no unbiased estimate is possible from this traffic."))
        return BanditResult(
            metric: metric, model: kind == .proportion ? "beta-binomial" : "normal",
            method: settings.draws == nil ? "integration" : "monte-carlo", draws: settings.draws,
            seed: settings.draws == nil ? nil : settings.seed,
            probabilityBest: Dictionary(zip(variants, allocation.probabilityBest), uniquingKeysWith: { a, _ in a }),
            weights: Dictionary(zip(variants, allocation.weights), uniquingKeysWith: { a, _ in a }),
            holdback: settings.holdback, minimumShare: settings.minimumShare,
            trafficShares: Dictionary(zip(variants, shares), uniquingKeysWith: { a, _ in a }),
            variants: variants, warnings: warnings)
    }

    /// From a per-arm summary table (`variant,units,conversions` or `variant,units,mean,stddev`).
    public static func allocate(_ table: ArmTable, settings: Settings) throws -> BanditResult {
        guard let metric = table.metrics.first else { throw AnalysisError("the summary holds no metric") }
        let arms = table.variants.map { variant in
            let s = metric.arms[ByteKey(variant)] ?? SufficientStatistics()
            return Arm(variant: variant, units: s.count, mean: s.mean, stdDev: s.count > 1 ? s.stdDev : 0)
        }
        return try allocate(metric: metric.name, kind: metric.kind, arms: arms, settings: settings)
    }

    /// From a saved `analyze --format json` result: the metric named (default: the first
    /// conversion or mean metric). Arm means are the unadjusted ones (CUPED adjusts effects, not
    /// the arms' reported means).
    public static func allocate(_ result: AnalysisResult, metric name: String?, settings: Settings) throws -> BanditResult {
        let candidates = result.metrics.filter { $0.kind != .ratio }
        let chosen: AnalysisResult.MetricResult
        if let name {
            guard let found = result.metrics.first(where: { $0.name == name }) else {
                throw AnalysisError("--metric '\(name)' is not in the result (metrics: \(result.metrics.map { "'\($0.name)'" }.joined(separator: ", ")))")
            }
            chosen = found
        } else {
            guard let first = candidates.first else { throw AnalysisError("the result has no conversion or mean metric") }
            chosen = first
        }
        let arms = chosen.arms.map { Arm(variant: $0.variant, units: $0.units, mean: $0.mean, stdDev: $0.stdDev) }
        return try allocate(metric: chosen.name, kind: chosen.kind, arms: arms, settings: settings)
    }
}
