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
///
/// The per-unit state (seeds, salts, bucket ranges, layer slices, holdout shares) is copied into
/// memory owned by the assigner and read through plain pointers, so assigning a unit touches no
/// reference count: on several cores, shared reference counts bounce between caches and cost
/// more than the hash.
public struct BatchAssigner: @unchecked Sendable {
    /// One salted hash, without references (``SaltedHash`` holds its salt as a `String`).
    @usableFromInline struct Hash {
        @usableFromInline let algorithm: HashAlgorithm
        @usableFromInline let seed: UInt64
        @usableFromInline let saltPrefix: FNV1a
        /// The salt's UTF-16 code units (GrowthBook v1 hashes `id + salt`).
        @usableFromInline let saltUnits: UnsafePointer<UInt16>
        @usableFromInline let saltCount: Int

        /// ``SaltedHash/bucket(utf8:)``.
        @inlinable
        func bucket(_ bytes: UnsafeRawBufferPointer) -> Double {
            switch algorithm {
            case .touchstone:
                return Double(XXH64.hash(bytes, seed: seed) >> 11) * 0x1p-53
            case .growthbookV1:
                var hasher = FNV1a()
                hasher.combine(utf8: bytes)
                for index in 0..<saltCount { hasher.combine(saltUnits[index]) }
                return Double(hasher.state % 1000) / 1000
            case .growthbookV2:
                var inner = saltPrefix
                inner.combine(utf8: bytes)
                var outer = FNV1a()
                outer.combineDecimal(inner.state)
                return Double(outer.state % 10000) / 10000
            }
        }
    }

    /// One experiment, prepared.
    @usableFromInline struct Slot {
        @usableFromInline let hash: Hash
        /// ``BucketRanges`` `starts` and `ends`.
        @usableFromInline let starts: UnsafePointer<Double>
        @usableFromInline let ends: UnsafePointer<Double>
        @usableFromInline let variantCount: Int
        /// `inactive` or `not targeted` when the experiment turns away every unforced unit.
        @usableFromInline let fixedReason: Assignment.Reason?
        @usableFromInline let hasForced: Bool
        @usableFromInline let layer: Hash?
        @usableFromInline let layerLower: Double
        @usableFromInline let layerUpper: Double
        @usableFromInline let holdouts: UnsafePointer<Hash>
        @usableFromInline let holdoutShares: UnsafePointer<Double>
        @usableFromInline let holdoutCount: Int
    }

    /// Owns the memory the slots point into.
    @usableFromInline final class Storage: @unchecked Sendable {
        var allocations: [UnsafeMutableRawPointer] = []

        func copy<T>(_ values: [T]) -> UnsafePointer<T> {
            let memory = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            memory.initialize(from: values, count: values.count)
            allocations.append(UnsafeMutableRawPointer(memory))
            return UnsafePointer(memory)
        }

        deinit {
            // Everything stored is trivial (numbers, pointers): no deinitialisation needed.
            for memory in allocations { memory.deallocate() }
        }
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
    @usableFromInline let storage: Storage
    @usableFromInline let slots: UnsafePointer<Slot>
    /// Forced ids per slot: compared as `String`s (canonical equivalence), as ``Assigner`` does.
    @usableFromInline let forced: [[String: Int]]

    /// Prepares the experiments at `indices` of `config` for evaluation at `date`.
    public init(config: ExperimentConfig, experiments indices: [Int], at date: Date) {
        let assigner = Assigner(config: config)
        let storage = Storage()
        func prepare(_ hash: SaltedHash) -> Hash {
            let units = Array(hash.salt.utf16)
            return Hash(
                algorithm: hash.algorithm, seed: hash.seed, saltPrefix: hash.saltPrefix,
                saltUnits: storage.copy(units), saltCount: units.count)
        }
        let none: [String: String] = [:]
        experiments = indices.map { config.experiments[$0] }
        forced = experiments.map(\.forced)
        slots = storage.copy(indices.map { index in
            let experiment = config.experiments[index]
            var fixed: Assignment.Reason?
            if !experiment.isActive(at: date) {
                fixed = .inactive
            } else if let targeting = experiment.targeting, !targeting.matches(none) {
                fixed = .notTargeted
            }
            let holdouts = assigner.holdoutsByExperiment[index]
            return Slot(
                hash: prepare(experiment.hash), starts: storage.copy(experiment.ranges.starts),
                ends: storage.copy(experiment.ranges.ends), variantCount: min(experiment.ranges.starts.count, experiment.ranges.ends.count),
                fixedReason: fixed, hasForced: !experiment.forced.isEmpty,
                layer: experiment.layer.map { prepare($0.hash) }, layerLower: experiment.layer?.lower ?? 0,
                layerUpper: experiment.layer?.upper ?? 1,
                holdouts: storage.copy(holdouts.map { prepare($0.hash) }), holdoutShares: storage.copy(holdouts.map(\.share)),
                holdoutCount: holdouts.count)
        })
        self.storage = storage
    }

    /// The outcome of the id `id` (valid UTF-8, not empty) in experiment `slot` (an index into
    /// ``experiments``).
    @inlinable
    public func assign(slot: Int, id: UnsafeRawBufferPointer) -> Outcome {
        let prepared = slots[slot]
        let bucket = prepared.hash.bucket(id)
        if prepared.hasForced, let variant = forced[slot][String(decoding: id, as: UTF8.self)] {
            return Outcome(variant, .forced, bucket)
        }
        if let reason = prepared.fixedReason { return Outcome(nil, reason, bucket) }
        for index in 0..<prepared.holdoutCount where prepared.holdouts[index].bucket(id) < prepared.holdoutShares[index] {
            return Outcome(nil, .holdout, bucket)
        }
        if let layer = prepared.layer {
            let position = layer.bucket(id)
            if !(position >= prepared.layerLower && position < prepared.layerUpper) { return Outcome(nil, .excludedByLayer, bucket) }
        }
        // BucketRanges.variant(for:): the first range holding the bucket.
        for variant in 0..<prepared.variantCount where bucket >= prepared.starts[variant] && bucket < prepared.ends[variant] {
            return Outcome(variant, .enrolled, bucket)
        }
        return Outcome(nil, .coverage, bucket)
    }
}

/// Counts of ``BatchAssigner`` outcomes per experiment, mergeable across chunks counted on
/// different cores; ``EnrolmentSummary/init(_:)`` turns them into the summary `assign` prints.
public struct AssignmentTally: Sendable, Hashable {
    /// Per experiment: units per variant, then units per ``Assignment/Reason`` (in `allCases`
    /// order) for the units in no variant; experiment k starts at `offsets[k]`.
    @usableFromInline var counts: [Int]
    @usableFromInline let offsets: [Int]
    /// Where experiment k's reason counts start.
    @usableFromInline let reasonOffsets: [Int]
    let experiments: [Experiment]
    let date: Date

    public init(_ assigner: BatchAssigner, at date: Date) {
        experiments = assigner.experiments
        var offsets: [Int] = [], reasonOffsets: [Int] = [], total = 0
        for experiment in experiments {
            offsets.append(total)
            reasonOffsets.append(total + experiment.variants.count)
            total += experiment.variants.count + Assignment.Reason.allCases.count
        }
        self.offsets = offsets
        self.reasonOffsets = reasonOffsets
        counts = Array(repeating: 0, count: total)
        self.date = date
    }

    @inlinable
    public mutating func add(slot: Int, _ outcome: BatchAssigner.Outcome) {
        if let variant = outcome.variantIndex {
            counts[offsets[slot] + variant] += 1
        } else {
            counts[reasonOffsets[slot] + outcome.reason.ordinal] += 1
        }
    }

    public mutating func merge(_ other: AssignmentTally) {
        for index in counts.indices { counts[index] += other.counts[index] }
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
            let variants = experiment.variants.count
            let counts = Array(tally.counts[tally.offsets[slot]..<(tally.offsets[slot] + variants + reasons.count)])
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
