import Foundation

/// ``Assigner`` for the batch case: ids without attributes, given as UTF-8 bytes, for a fixed
/// set of experiments and one evaluation time.
///
/// Without attributes every rule of ``Assigner`` that does not hash the id is the same for all
/// units: the experiment's `unit` attribute is the id itself, the date decides `inactive` once,
/// and targeting sees no attributes, so it decides `not targeted` once. What remains per unit is
/// the forced-variant look-up, the holdouts, the layer and the bucket, evaluated in
/// ``Assigner``'s order, so that for every non-empty, valid UTF-8 id
/// ```
/// assign(slot: k, id: bytes) ≡ Assigner(config:).assign(experimentAt: experiments[k],
///                                 unitId: String(decoding: bytes, as: UTF8.self), at: date)
/// ```
/// (variant, reason and bucket; the tests check this on many ids and configs).
public struct BatchAssigner: Sendable {
    /// One experiment, prepared.
    @usableFromInline struct Slot: Sendable {
        @usableFromInline let hash: SaltedHash
        @usableFromInline let ranges: BucketRanges
        @usableFromInline let layer: LayerAllocation?
        @usableFromInline let holdouts: [Holdout]
        /// Forced ids: compared as `String`s (canonical equivalence), as ``Assigner`` does.
        @usableFromInline let forced: [String: Int]
        /// `inactive` or `not targeted` when the experiment turns away every unforced unit.
        @usableFromInline let fixedReason: Assignment.Reason?
    }

    /// The outcome for one unit in one experiment.
    public struct Outcome: Sendable, Hashable {
        public var variantIndex: Int?
        public var reason: Assignment.Reason
        public var bucket: Double

        @inlinable
        init(_ variantIndex: Int?, _ reason: Assignment.Reason, _ bucket: Double) {
            self.variantIndex = variantIndex
            self.reason = reason
            self.bucket = bucket
        }
    }

    /// The experiments assigned, in output order.
    public let experiments: [Experiment]
    @usableFromInline let slots: [Slot]

    /// Prepares the experiments at `indices` of `config` for evaluation at `date`.
    public init(config: ExperimentConfig, experiments indices: [Int], at date: Date) {
        let assigner = Assigner(config: config)
        let none: [String: String] = [:]
        experiments = indices.map { config.experiments[$0] }
        slots = indices.map { index in
            let experiment = config.experiments[index]
            var fixed: Assignment.Reason?
            if !experiment.isActive(at: date) {
                fixed = .inactive
            } else if let targeting = experiment.targeting, !targeting.matches(none) {
                fixed = .notTargeted
            }
            return Slot(
                hash: experiment.hash, ranges: experiment.ranges, layer: experiment.layer,
                holdouts: assigner.holdoutsByExperiment[index], forced: experiment.forced, fixedReason: fixed)
        }
    }

    /// The outcome of the id `id` (valid UTF-8, not empty) in experiment `slot` (an index into
    /// ``experiments``).
    @inlinable
    public func assign(slot: Int, id: UnsafeRawBufferPointer) -> Outcome {
        let prepared = slots[slot]
        let bucket = prepared.hash.bucket(utf8: id)
        if !prepared.forced.isEmpty, let variant = prepared.forced[String(decoding: id, as: UTF8.self)] {
            return Outcome(variant, .forced, bucket)
        }
        if let reason = prepared.fixedReason { return Outcome(nil, reason, bucket) }
        for holdout in prepared.holdouts where holdout.holds(utf8: id) { return Outcome(nil, .holdout, bucket) }
        if let layer = prepared.layer, !layer.contains(utf8: id) { return Outcome(nil, .excludedByLayer, bucket) }
        guard let variant = prepared.ranges.variant(for: bucket) else { return Outcome(nil, .coverage, bucket) }
        return Outcome(variant, .enrolled, bucket)
    }
}

/// Counts of ``BatchAssigner`` outcomes per experiment, mergeable across chunks counted on
/// different cores; ``EnrolmentSummary/init(_:)`` turns them into the summary `assign` prints.
public struct AssignmentTally: Sendable, Hashable {
    /// Per experiment: units per variant, then units per ``Assignment/Reason`` (in `allCases`
    /// order) for the units in no variant.
    @usableFromInline var counts: [[Int]]
    @usableFromInline let variantCounts: [Int]
    let experiments: [Experiment]
    let date: Date

    public init(_ assigner: BatchAssigner, at date: Date) {
        experiments = assigner.experiments
        variantCounts = assigner.experiments.map(\.variants.count)
        counts = variantCounts.map { Array(repeating: 0, count: $0 + Assignment.Reason.allCases.count) }
        self.date = date
    }

    @inlinable
    public mutating func add(slot: Int, _ outcome: BatchAssigner.Outcome) {
        if let variant = outcome.variantIndex {
            counts[slot][variant] += 1
        } else {
            counts[slot][variantCounts[slot] + outcome.reason.ordinal] += 1
        }
    }

    public mutating func merge(_ other: AssignmentTally) {
        for slot in counts.indices {
            for index in counts[slot].indices { counts[slot][index] += other.counts[slot][index] }
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.counts == rhs.counts && lhs.date == rhs.date }
    public func hash(into hasher: inout Hasher) { hasher.combine(counts) }
}

extension Assignment.Reason {
    /// Position in `allCases` (an array index for per-reason tables, without a search).
    @inlinable
    public var ordinal: Int {
        switch self {
        case .enrolled: 0
        case .forced: 1
        case .inactive: 2
        case .missingUnit: 3
        case .notTargeted: 4
        case .holdout: 5
        case .excludedByLayer: 6
        case .coverage: 7
        }
    }
}

extension EnrolmentSummary {
    /// The summary of a batch run, equal to ``init(_:experiments:at:)`` over the same outcomes.
    public init(_ tally: AssignmentTally) {
        let reasons = Assignment.Reason.allCases
        entries = tally.experiments.enumerated().map { slot, experiment in
            let variants = tally.variantCounts[slot]
            let counts = tally.counts[slot]
            var byReason: [Assignment.Reason: Int] = [:]
            for (ordinal, reason) in reasons.enumerated() where counts[variants + ordinal] > 0 {
                byReason[reason] = counts[variants + ordinal]
            }
            return Entry(
                experiment: experiment.key, reasons: byReason, units: counts.reduce(0, +),
                inactiveBecause: Self.inactivity(experiment, at: tally.date),
                variantNames: experiment.variants.map(\.name), variantUnits: Array(counts.prefix(variants)))
        }
    }
}
