import Foundation

/// One experiment of a config: who is eligible, how units are hashed, and the arms.
///
/// Built by ``ExperimentConfig`` (which validates every field); the assignment logic lives in
/// ``Assigner``.
public struct Experiment: Sendable {
    /// Unique key; also the default salt.
    public let key: String
    /// The hash function with the experiment's salt; changing the salt re-randomises.
    public let hash: SaltedHash
    /// The unit attribute whose value is hashed (`unit:`, default `id`).
    public let unit: String
    /// Share of eligible units enrolled, in [0, 1].
    public let coverage: Double
    public let variants: [Variant]
    /// The slice of a layer this experiment owns, if it shares one.
    public let layer: LayerAllocation?
    public let targeting: Condition?
    /// Unit id → variant index, for QA.
    public let forced: [String: Int]
    /// The experiment enrols units only in `start ..< end` (when given).
    public let start: Date?
    public let end: Date?
    /// Holdouts (keys of ``ExperimentConfig/holdouts``) that exclude units from this experiment.
    public let holdouts: [String]
    /// The variant bucket ranges at ``coverage``.
    public let ranges: BucketRanges
    /// The metrics `touchstone analyze --config` reads when no `--metric` is given.
    public let metrics: [ConfiguredMetric]

    public init(
        key: String, hash: SaltedHash, unit: String, coverage: Double, variants: [Variant],
        layer: LayerAllocation? = nil, targeting: Condition? = nil, forced: [String: Int] = [:],
        start: Date? = nil, end: Date? = nil, holdouts: [String] = [], metrics: [ConfiguredMetric] = []
    ) {
        self.key = key
        self.hash = hash
        self.unit = unit
        self.coverage = coverage
        self.variants = variants
        self.layer = layer
        self.targeting = targeting
        self.forced = forced
        self.start = start
        self.end = end
        self.holdouts = holdouts
        self.metrics = metrics
        self.ranges = BucketRanges(weights: variants.map(\.weight), coverage: coverage)
    }

    /// The configured weights, in variant order (for the SRM check).
    public var weights: [Double] { variants.map(\.weight) }

    /// `true` when the experiment is running at `date`.
    public func isActive(at date: Date) -> Bool {
        if let start, date < start { return false }
        if let end, date >= end { return false }
        return true
    }
}

/// One arm of an experiment.
public struct Variant: Sendable, Hashable, Codable {
    public let name: String
    /// Relative weight (any positive scale; normalised for bucketing).
    public let weight: Double

    public init(name: String, weight: Double) {
        self.name = name
        self.weight = weight
    }

    /// The 2^k arms of a full factorial over `factors`, equally weighted: `control` (no factor),
    /// each factor alone, then every combination joined by `+` in the order given, smaller
    /// combinations first (`[email, push]` → `control, email, push, email+push`).
    public static func factorial(_ factors: [String]) -> [Variant] {
        var names = ["control"]
        for size in 1...max(factors.count, 1) where size <= factors.count {
            names += combinations(of: factors, size: size).map { $0.joined(separator: "+") }
        }
        return names.map { Variant(name: $0, weight: 1) }
    }

    /// k-combinations in lexicographic order of positions.
    static func combinations(of items: [String], size: Int) -> [[String]] {
        var result: [[String]] = []
        var chosen: [Int] = []
        func extend(from start: Int) {
            if chosen.count == size {
                result.append(chosen.map { items[$0] })
                return
            }
            guard start < items.count else { return }
            for index in start..<items.count {
                chosen.append(index)
                extend(from: index + 1)
                chosen.removeLast()
            }
        }
        extend(from: 0)
        return result
    }
}
