import TouchstoneExperiment

/// What pass 1 of ``AssignmentStream`` learnt about one chunk, kept for pass 2: where each id
/// lies, its ``UnitIdScanner/Traits``, and its outcome in every experiment. With it pass 2 only
/// formats — it neither finds the lines again (`memchr`, a table look-up per byte) nor hashes
/// again (a fifth of the CPU by the profile before; docs/scale.md has the counts after).
///
/// Memory per id: 8 bytes of span, 1 of traits, and per experiment 4 bytes of outcome (CSV)
/// or 12 (JSON, which prints the bucket). A chunk keeps its record only while it stays within
/// `budget` bytes (``AssignmentStream`` gives twice the chunk's input bytes, so the records
/// never hold more than twice the input; ids of 15 bytes take 13 bytes a row in CSV, 21 in
/// JSON); past it the record is dropped and pass 2 scans and hashes that chunk again, as before.
final class ScannedChunk: @unchecked Sendable {
    /// An id's bytes: `start` is relative to the chunk's first byte.
    struct Span {
        var start: UInt32
        var count: UInt32
    }

    let experiments: Int
    let keepsBuckets: Bool
    private let budget: Int
    private let chunkStart: Int
    private let chunkBytes: Int
    private(set) var count = 0
    private var capacity = 0
    private(set) var isAbandoned: Bool
    private(set) var spans: UnsafeMutablePointer<Span>?
    private(set) var traits: UnsafeMutablePointer<UInt8>?
    /// Per id and experiment (id-major): ``code(_:)``.
    private(set) var codes: UnsafeMutablePointer<UInt32>?
    /// Per id and experiment, JSON only.
    private(set) var buckets: UnsafeMutablePointer<Double>?

    init(chunk: UnitIdScanner.Chunk, experiments: Int, keepsBuckets: Bool, budget: Int) {
        self.experiments = experiments
        self.keepsBuckets = keepsBuckets
        self.budget = budget
        chunkStart = chunk.range.lowerBound
        chunkBytes = chunk.range.count
        // Offsets within the chunk must fit a `UInt32`; a chunk of 4 GB (one huge line) is
        // simply scanned twice.
        isAbandoned = chunk.range.count > Int(UInt32.max)
    }

    deinit { release() }

    var bytesPerId: Int { MemoryLayout<Span>.stride + 1 + experiments * (4 + (keepsBuckets ? 8 : 0)) }

    /// An outcome in 32 bits: the reason's ordinal in the low 3 bits, variant index + 1 above
    /// (0: no variant). `nil` for a variant index too large to encode, or a reason past the
    /// eighth should one be added (the record is dropped, never a wrong row).
    @inline(__always)
    static func code(_ outcome: BatchAssigner.Outcome) -> UInt32? {
        let variant = outcome.variantIndex.map { $0 + 1 } ?? 0
        guard variant < 1 << 29, outcome.reason.ordinal < 8 else { return nil }
        return UInt32(truncatingIfNeeded: variant << 3 | outcome.reason.ordinal)
    }

    @inline(__always)
    static func variant(_ code: UInt32) -> Int? {
        let stored = Int(code >> 3)
        return stored == 0 ? nil : stored - 1
    }

    @inline(__always)
    static func reasonOrdinal(_ code: UInt32) -> Int { Int(code & 7) }

    /// Starts the record of the next id; `false` once the record is abandoned. The caller then
    /// stores the id's outcomes with ``set(_:slot:)``.
    @inline(__always)
    func begin(_ id: UnsafeRawBufferPointer, _ traits: UnitIdScanner.Traits, in buffer: UnsafeRawPointer) -> Bool {
        if isAbandoned { return false }
        if count == capacity, !grow() { return false }
        guard let spans, let traitBytes = self.traits else { return false }
        // `id` lies inside the chunk, which is shorter than 4 GB (checked at init).
        let start = id.baseAddress.map { buffer.distance(to: $0) - chunkStart } ?? 0
        spans[count] = Span(start: UInt32(truncatingIfNeeded: start), count: UInt32(truncatingIfNeeded: id.count))
        traitBytes[count] = traits.rawValue
        count += 1
        return true
    }

    /// Stores the outcome in experiment `slot` of the id begun last.
    @inline(__always)
    func set(_ outcome: BatchAssigner.Outcome, slot: Int) {
        guard !isAbandoned, count > 0, let codes else { return }
        guard let code = Self.code(outcome) else {
            abandon()
            return
        }
        let row = (count - 1) * experiments + slot
        codes[row] = code
        if keepsBuckets, let buckets { buckets[row] = outcome.bucket }
    }

    /// Doubles the capacity within the budget; abandons the record when it cannot.
    private func grow() -> Bool {
        // First guess: lines of 16 bytes (ids like `user-123456789`, a UUID is 37).
        let wanted = capacity == 0 ? max(chunkBytes / 16, 64) : capacity * 2
        let affordable = budget / max(bytesPerId, 1)
        let next = min(wanted, affordable)
        guard next > capacity else {
            abandon()
            return false
        }
        spans = reallocate(spans, from: capacity, to: next)
        traits = reallocate(traits, from: capacity, to: next)
        codes = reallocate(codes, from: capacity * experiments, to: next * experiments)
        if keepsBuckets { buckets = reallocate(buckets, from: capacity * experiments, to: next * experiments) }
        capacity = next
        return true
    }

    private func reallocate<T>(_ old: UnsafeMutablePointer<T>?, from oldCount: Int, to newCount: Int) -> UnsafeMutablePointer<T> {
        let memory = UnsafeMutablePointer<T>.allocate(capacity: max(newCount, 1))
        if let old {
            // Only trivial values are stored (integers, doubles): moving is copying.
            memory.moveInitialize(from: old, count: oldCount)
            old.deallocate()
        }
        return memory
    }

    /// Drops the record (pass 2 scans and hashes this chunk again).
    func abandon() {
        isAbandoned = true
        release()
    }

    /// Frees the memory (once pass 2 has formatted the chunk); the record is empty after.
    func release() {
        spans?.deallocate()
        traits?.deallocate()
        codes?.deallocate()
        buckets?.deallocate()
        (spans, traits, codes, buckets) = (nil, nil, nil, nil)
        count = 0
        capacity = 0
    }
}
