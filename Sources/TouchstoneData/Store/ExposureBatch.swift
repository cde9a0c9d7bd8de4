import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exposure rows merged and sorted before they reach SQLite.
///
/// Unit ids arrive in random order, so upserting them as they come makes every row a B-tree
/// seek to a different page. Sorting by (experiment, unit) turns the writes into one ordered
/// sweep over the index, and merging a unit's repeat exposures (with the same rule as the SQL,
/// ``ExposureState``) sends SQLite one row per unit.
///
/// Rows hold pointers, not copies: a field that lies inside the batch's `source` (the file
/// being ingested, read once into a ``ByteBuffer``) is referenced in place, and only other
/// fields (unescaped ones, posted request bodies) are copied into a ``ByteArena``. Copying
/// every id into a growing array cost a third of the ingest's CPU in `memmove` and in the
/// kernel zeroing the pages of each reallocation.
///
/// `@unchecked Sendable`: the pointers target the `source` buffer and arenas this value keeps
/// alive (`owners`, `arena`), which are never written after the bytes are stored. A batch
/// built by one worker is handed whole to the writer.
struct ExposureBatch: @unchecked Sendable {
    struct Row {
        var experiment: UnsafePointer<UInt8>
        var unit: UnsafePointer<UInt8>
        var variant: UnsafePointer<UInt8>
        var experimentCount: Int
        var unitCount: Int
        var variantCount: Int
        var first: Int64
        var last: Int64
        var multi: Bool
    }

    /// The bytes fields are referenced in rather than copied.
    private let source: ByteBuffer?
    private let sourceStart: UnsafePointer<UInt8>?
    private let sourceEnd: UnsafePointer<UInt8>?
    /// The source and the workers' arenas of rows from ``appendInParallel(capacities:_:)``.
    private var owners: [AnyObject] = []
    private var arena = ByteArena()
    private var rows: [Row] = []

    /// A batch whose fields are all copied (for rows from short-lived buffers).
    init() {
        self.init(source: nil)
    }

    /// A batch that references fields lying inside `source` in place.
    init(source: ByteBuffer?) {
        self.source = source
        let buffer = source?.buffer
        sourceStart = buffer?.baseAddress.map { UnsafePointer($0) }
        sourceEnd = buffer.flatMap { buffer in buffer.baseAddress.map { UnsafePointer($0 + buffer.count) } }
    }

    mutating func reserveCapacity(_ count: Int) {
        rows.reserveCapacity(count)
    }

    /// The field's bytes in `source`, or a copy of them in the arena.
    @inline(__always)
    private func keep(_ field: UnsafeBufferPointer<UInt8>) -> UnsafePointer<UInt8> {
        if let base = field.baseAddress, let sourceStart, let sourceEnd, base >= sourceStart, base + field.count <= sourceEnd {
            return base
        }
        return arena.copy(field)
    }

    mutating func append(_ fields: ExposureFields) {
        rows.append(Row(
            experiment: keep(fields.experiment), unit: keep(fields.unitId), variant: keep(fields.variant),
            experimentCount: fields.experiment.count, unitCount: fields.unitId.count, variantCount: fields.variant.count,
            first: fields.timestamp, last: fields.timestamp, multi: false))
    }

    /// Where one parsing worker writes its rows: a region of the batch's new rows reserved for
    /// it, and its own arena for fields that must be copied.
    struct Sink {
        private let source: (start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)?
        fileprivate let arena = ByteArena()
        private let base: UnsafeMutablePointer<Row>
        private let capacity: Int
        fileprivate(set) var count = 0

        fileprivate init(source: ByteBuffer?, base: UnsafeMutablePointer<Row>, capacity: Int) {
            let buffer = source?.buffer
            self.source = buffer.flatMap { buffer in
                buffer.baseAddress.map { (start: UnsafePointer($0), end: UnsafePointer($0 + buffer.count)) }
            }
            self.base = base
            self.capacity = capacity
        }

        /// Adds one exposure. Regions are sized from line counts, which bound the rows; a
        /// region overflowing would be a bug in that bound, reported as an error, not a trap.
        mutating func append(_ fields: ExposureFields, name: String) throws {
            guard count < capacity else {
                throw DataError(file: name, message: "internal error: more exposure rows than lines in a chunk")
            }
            (base + count).initialize(to: Row(
                experiment: keep(fields.experiment), unit: keep(fields.unitId), variant: keep(fields.variant),
                experimentCount: fields.experiment.count, unitCount: fields.unitId.count, variantCount: fields.variant.count,
                first: fields.timestamp, last: fields.timestamp, multi: false))
            count += 1
        }

        @inline(__always)
        private func keep(_ field: UnsafeBufferPointer<UInt8>) -> UnsafePointer<UInt8> {
            if let base = field.baseAddress, let source, base >= source.start, base + field.count <= source.end { return base }
            return arena.copy(field)
        }
    }

    /// Appends rows written by `capacities.count` workers at once, worker `i` through a
    /// ``Sink`` of `capacities[i]` rows; the rows end up in worker order, so in file order when
    /// worker `i` parses the `i`-th chunk. The first error in worker order is thrown, and then
    /// nothing is appended.
    mutating func appendInParallel(capacities: [Int], _ fill: @Sendable (_ worker: Int, _ sink: inout Sink) throws -> Void) throws {
        let total = capacities.reduce(0, +)
        var starts: [Int] = []
        var offset = 0
        for capacity in capacities {
            starts.append(offset)
            offset += capacity
        }
        let offsets = starts
        let source = self.source
        let results = WorkerSlots<Result<Sink, any Error>>(count: capacities.count)
        let fresh = try [Row](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            let region = SendablePointer(base: base)
            Parallel.run(capacities.count) { worker in
                results[worker] = Result {
                    var sink = Sink(source: source, base: region.base + offsets[worker], capacity: capacities[worker])
                    try fill(worker, &sink)
                    return sink
                }
            }
            // Rows are trivial values, so leaving `initialized` at 0 on an error leaks nothing.
            var end = 0
            for worker in capacities.indices {
                guard let result = results[worker] else { continue }
                let sink = try result.get()
                if end != offsets[worker] { (base + end).update(from: base + offsets[worker], count: sink.count) }
                end += sink.count
            }
            initialized = end
        }
        for worker in capacities.indices {
            if case .success(let sink)? = results[worker] { owners.append(sink.arena) }
        }
        if let source = self.source { owners.append(source) }
        if rows.isEmpty { rows = fresh } else { rows.append(contentsOf: fresh) }
    }

    /// Rows appended since the last write.
    var count: Int { rows.count }

    mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        owners.removeAll()
        arena = ByteArena()
    }

    /// Byte-wise order, which is SQLite's BINARY collation for UTF-8 text.
    @inline(__always)
    private static func compare(_ x: UnsafePointer<UInt8>, _ xCount: Int, _ y: UnsafePointer<UInt8>, _ yCount: Int) -> Int32 {
        let common = min(xCount, yCount)
        let order = common == 0 ? 0 : memcmp(x, y, common)
        if order != 0 { return order }
        return xCount == yCount ? 0 : (xCount < yCount ? -1 : 1)
    }

    /// A row's place in the sort: an 8-byte big-endian prefix of its unit id, and the row.
    fileprivate struct SortKey {
        var prefix: UInt64
        var row: Int
    }

    /// The rows' keys grouped by experiment (in BINARY order of the experiment) and cut into
    /// buckets: each bucket is a range of `keys` holding every row of a range of unit-id
    /// prefixes, and sorting each bucket on its own gives all rows in (experiment, unit) order.
    ///
    /// The prefix is compared first and the bytes only when prefixes tie, so most comparisons
    /// are one integer compare; zero padding keeps the prefix order equal to the byte order
    /// because ids never contain NUL (``ExposureLogReader`` refuses it). A large experiment is
    /// cut at quantiles of a sample of its prefixes, so the writer can start on the first
    /// bucket while the others are still being sorted (``write(with:transactionRows:begin:commit:rollback:)``).
    /// Rows with equal prefixes always share a bucket, so every unit's repeats meet there.
    private func bucketedKeys() -> (keys: [SortKey], buckets: [Range<Int>]) {
        var experiments: [(UnsafePointer<UInt8>, Int)] = []
        var known: [[UInt8]: Int] = [:]
        var experimentOf = [Int](repeating: 0, count: rows.count)
        var last = -1
        for (index, row) in rows.enumerated() {
            // Logs usually hold one experiment, or runs of one: the previous row's is checked
            // first, so the dictionary (and its key allocation) is reached only on a change.
            if last < 0 || Self.compare(experiments[last].0, experiments[last].1, row.experiment, row.experimentCount) != 0 {
                let key = Array(UnsafeBufferPointer(start: row.experiment, count: row.experimentCount))
                if let found = known[key] {
                    last = found
                } else {
                    experiments.append((row.experiment, row.experimentCount))
                    last = experiments.count - 1
                    known[key] = last
                }
            }
            experimentOf[index] = last
        }
        let experimentRank = experiments.indices.sorted {
            Self.compare(experiments[$0].0, experiments[$0].1, experiments[$1].0, experiments[$1].1) < 0
        }
        var rankOf = [Int](repeating: 0, count: experiments.count)
        for (rank, experiment) in experimentRank.enumerated() { rankOf[experiment] = rank }
        // All keys in one array, grouped by experiment rank (a counting sort): no per-group
        // array grows, which cost a tenth of the ingest's time in the kernel zeroing the fresh
        // pages of every reallocation.
        var groupStart = [Int](repeating: 0, count: experiments.count + 1)
        for experiment in experimentOf { groupStart[rankOf[experiment] + 1] += 1 }
        for rank in experiments.indices { groupStart[rank + 1] += groupStart[rank] }
        var next = groupStart
        var keys = [SortKey](repeating: SortKey(prefix: 0, row: 0), count: rows.count)
        for (index, row) in rows.enumerated() {
            var prefix: UInt64 = 0
            if row.unitCount >= 8 {
                prefix = UInt64(bigEndian: UnsafeRawPointer(row.unit).loadUnaligned(as: UInt64.self))
            } else {
                for offset in 0..<8 {
                    prefix <<= 8
                    if offset < row.unitCount { prefix |= UInt64(row.unit[offset]) }
                }
            }
            let rank = rankOf[experimentOf[index]]
            keys[next[rank]] = SortKey(prefix: prefix, row: index)
            next[rank] += 1
        }
        var buckets: [Range<Int>] = []
        var scratch: [SortKey] = []
        var bucketOf: [Int32] = []
        for rank in experiments.indices {
            let group = groupStart[rank]..<groupStart[rank + 1]
            guard group.count >= Self.bucketRows * 2 else {
                if !group.isEmpty { buckets.append(group) }
                continue
            }
            // Pivots at quantiles of 32 sampled prefixes per bucket; a key's bucket is the
            // number of pivots not above its prefix, so equal prefixes share a bucket.
            let count = min(Self.maximumBuckets, group.count / Self.bucketRows)
            var sample = stride(from: group.lowerBound, to: group.upperBound, by: max(1, group.count / (32 * count)))
                .map { keys[$0].prefix }
            sample.sort()
            // Padded with UInt64.max to 2^k - 1 entries for a search without unpredictable
            // branches (a bucket per key is a million searches); `min` undoes the padding.
            var pivots = (1..<count).map { sample[$0 * sample.count / count] }
            let realPivots = pivots.count
            var padded = 1
            while padded - 1 < realPivots { padded <<= 1 }
            pivots += repeatElement(UInt64.max, count: padded - 1 - realPivots)
            bucketOf.removeAll(keepingCapacity: true)
            var sizes = [Int](repeating: 0, count: count)
            pivots.withUnsafeBufferPointer { pivots in
                for index in group {
                    let prefix = keys[index].prefix
                    var position = 0
                    var step = padded >> 1
                    while step > 0 {
                        position &+= pivots[position &+ step &- 1] <= prefix ? step : 0
                        step >>= 1
                    }
                    let bucket = min(position, realPivots)
                    bucketOf.append(Int32(bucket))
                    sizes[bucket] += 1
                }
            }
            var starts = [Int](repeating: 0, count: count)
            for bucket in 1..<count { starts[bucket] = starts[bucket - 1] + sizes[bucket - 1] }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: keys[group])
            var fill = starts
            for (offset, key) in scratch.enumerated() {
                let bucket = Int(bucketOf[offset])
                keys[group.lowerBound + fill[bucket]] = key
                fill[bucket] += 1
            }
            for bucket in 0..<count where sizes[bucket] > 0 {
                let start = group.lowerBound + starts[bucket]
                buckets.append(start..<start + sizes[bucket])
            }
        }
        return (keys, buckets)
    }

    /// Rows per bucket a large experiment is cut into (at most ``maximumBuckets``): small
    /// enough that sorting the first bucket, which the writer waits for, is a few milliseconds.
    private static let bucketRows = 1 << 15
    private static let maximumBuckets = 64

    /// Sorts one bucket's keys by unit id and merges each unit's rows into its first row (with
    /// the rule of ``ExposureState``); the merged rows' indices are left at the start of
    /// `keys`, and their number returned. Touches only this bucket's rows, so buckets can be
    /// sorted on one thread while another writes the rows of earlier ones.
    fileprivate static func sortAndMerge(_ keys: UnsafeMutableBufferPointer<SortKey>, rows: UnsafeMutablePointer<Row>) -> Int {
        var keys = keys
        keys.sort { a, b in
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            let x = rows[a.row], y = rows[b.row]
            return compare(x.unit, x.unitCount, y.unit, y.unitCount) < 0
        }
        var merged = 0
        var position = 0
        while position < keys.count {
            let key = keys[position]
            var next = position + 1
            // Different prefixes are different units: the row is only read when prefixes tie.
            if next < keys.count, keys[next].prefix == key.prefix {
                var row = rows[key.row]
                while next < keys.count, keys[next].prefix == key.prefix {
                    let other = rows[keys[next].row]
                    guard compare(other.unit, other.unitCount, row.unit, row.unitCount) == 0 else { break }
                    let variantOrder = compare(other.variant, other.variantCount, row.variant, row.variantCount)
                    if other.first < row.first || (other.first == row.first && variantOrder < 0) {
                        row.variant = other.variant
                        row.variantCount = other.variantCount
                    }
                    row.first = min(row.first, other.first)
                    row.last = max(row.last, other.last)
                    row.multi = row.multi || variantOrder != 0
                    next += 1
                }
                rows[key.row] = row
            }
            keys[merged].row = key.row
            merged += 1
            position = next
        }
        return merged
    }

    /// Upserts every row through `statement` inside the caller's transaction and empties the batch.
    mutating func write(with statement: ExposureStore.Upserts) throws {
        try write(with: statement, transactionRows: .max, begin: {}, commit: { _ in }, rollback: {})
    }

    /// Upserts the rows through `statements`, merged per (experiment, unit) and in key order,
    /// `transactionRows` store rows per transaction opened by `begin` and closed by `commit`
    /// (which gets the log rows written so far); empties the batch.
    ///
    /// SQLite's single writer is most of an ingest's time, so a large batch is sorted bucket
    /// by bucket (``bucketedKeys()``) on a second thread while this one writes the buckets
    /// already merged: the sort costs the writer only its first bucket.
    mutating func write(
        with statements: ExposureStore.Upserts, transactionRows: Int,
        begin: () throws -> Void, commit: (_ logRows: Int) throws -> Void, rollback: () -> Void
    ) throws {
        defer { removeAll() }
        guard !rows.isEmpty else { return }
        // The statements are rewound without clearing bindings inside the loop; clear them
        // when done so none is left pointing into this batch's bytes.
        defer {
            statements.single.reset()
            statements.wide.reset()
        }
        var (keys, buckets) = bucketedKeys()
        let background = buckets.count > 1 && rows.count >= Self.bucketRows * 2
        let merged = UnsafeMutablePointer<Int>.allocate(capacity: buckets.count)
        merged.initialize(repeating: 0, count: buckets.count)
        defer { merged.deallocate() }
        try rows.withUnsafeMutableBufferPointer { rowBuffer in
            try keys.withUnsafeMutableBufferPointer { keyBuffer in
                guard let rowBase = rowBuffer.baseAddress, let keyBase = keyBuffer.baseAddress else { return }
                func bucketKeys(_ bucket: Int) -> UnsafeMutableBufferPointer<SortKey> {
                    UnsafeMutableBufferPointer(start: keyBase + buckets[bucket].lowerBound, count: buckets[bucket].count)
                }
                merged[0] = Self.sortAndMerge(bucketKeys(0), rows: rowBase)
                // Buckets 1… are sorted in order on the sorter, which signals `ready` after each;
                // this thread waits for bucket b's signal before reading it, and for all of them
                // before leaving (the sorter uses the rows and keys until it is done).
                let ready = DispatchSemaphore(value: 0)
                var signalled = 0
                defer {
                    if background {
                        while signalled < buckets.count - 1 {
                            ready.wait()
                            signalled += 1
                        }
                    }
                }
                if background {
                    let shared = SorterState(keys: keyBase, rows: rowBase, merged: merged, buckets: buckets)
                    DispatchQueue.global().async {
                        for bucket in 1..<shared.buckets.count {
                            let range = shared.buckets[bucket]
                            shared.merged[bucket] = Self.sortAndMerge(
                                UnsafeMutableBufferPointer(start: shared.keys + range.lowerBound, count: range.count), rows: shared.rows)
                            ready.signal()
                        }
                    }
                } else {
                    for bucket in 1..<buckets.count { merged[bucket] = Self.sortAndMerge(bucketKeys(bucket), rows: rowBase) }
                }

                // The write cursor: `offset` merged rows of `bucket` are written, and the buckets
                // before it hold `logRowsBefore` log rows.
                var bucket = 0, offset = 0, logRowsBefore = 0
                /// Moves past finished buckets, waiting for the sorter where needed.
                func settle() {
                    while bucket < buckets.count {
                        if background, bucket > signalled {
                            ready.wait()
                            signalled += 1
                        }
                        guard offset == merged[bucket] else { return }
                        logRowsBefore += buckets[bucket].count
                        bucket += 1
                        offset = 0
                    }
                }
                let wideRows = ExposureStore.Upserts.wideRows
                var indices = [Int](repeating: 0, count: wideRows)
                settle()
                while bucket < buckets.count {
                    try begin()
                    var inTransaction = 0
                    do {
                        while inTransaction < transactionRows {
                            let want = min(wideRows, transactionRows - inTransaction)
                            var count = 0
                            while count < want {
                                settle()
                                guard bucket < buckets.count else { break }
                                let available = min(want - count, merged[bucket] - offset)
                                let start = buckets[bucket].lowerBound + offset
                                for k in 0..<available { indices[count + k] = keyBase[start + k].row }
                                count += available
                                offset += available
                            }
                            guard count > 0 else { break }
                            let wide = count == wideRows
                            let statement = wide ? statements.wide : statements.single
                            var done = 0
                            while done < count {
                                let rowsInStatement = wide ? wideRows : 1
                                for k in 0..<rowsInStatement {
                                    let row = rowBase[indices[done + k]]
                                    let first = Int32(k * 6)
                                    statement.bindStatic(first + 1, UnsafeBufferPointer(start: row.experiment, count: row.experimentCount))
                                    statement.bindStatic(first + 2, UnsafeBufferPointer(start: row.unit, count: row.unitCount))
                                    statement.bindStatic(first + 3, UnsafeBufferPointer(start: row.variant, count: row.variantCount))
                                    statement.bind(first + 4, row.first)
                                    statement.bind(first + 5, row.last)
                                    statement.bind(first + 6, row.multi ? 1 : 0)
                                }
                                try statement.step()
                                statement.rewind()
                                done += rowsInStatement
                            }
                            inTransaction += count
                            if count < want { break }
                        }
                    } catch {
                        rollback()
                        throw error
                    }
                    settle()
                    let partial = bucket < buckets.count && merged[bucket] > 0
                        ? Int((Double(buckets[bucket].count) * Double(offset) / Double(merged[bucket])).rounded(.down)) : 0
                    try commit(logRowsBefore + partial)
                }
            }
        }
    }
}

/// What the sorting thread of ``ExposureBatch/write(with:transactionRows:begin:commit:rollback:)``
/// shares with the writer: it writes only the keys and rows of buckets not yet signalled ready,
/// and the writer reads only those that were.
private struct SorterState: @unchecked Sendable {
    let keys: UnsafeMutablePointer<ExposureBatch.SortKey>
    let rows: UnsafeMutablePointer<ExposureBatch.Row>
    let merged: UnsafeMutablePointer<Int>
    let buckets: [Range<Int>]
}

/// A pointer handed to parallel workers that each use a disjoint part of what it points to.
private struct SendablePointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>
}
