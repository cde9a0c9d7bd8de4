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

    /// The order of rows by (experiment, unit) in SQLite's BINARY collation.
    ///
    /// Sorting compares an 8-byte big-endian prefix of the unit id first and falls back to
    /// the bytes only when prefixes tie: most comparisons are then one integer compare instead
    /// of two `memcmp` calls through a closure. Zero padding keeps the prefix order equal to
    /// the byte order because ids never contain NUL (``ExposureLogReader`` refuses it).
    private func sortedOrder() -> [Int] {
        struct Key: Sendable { var prefix: UInt64; var row: Int }
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
        var keys = [Key](repeating: Key(prefix: 0, row: 0), count: rows.count)
        for (index, row) in rows.enumerated() {
            var prefix: UInt64 = 0
            for offset in 0..<8 {
                prefix <<= 8
                if offset < row.unitCount { prefix |= UInt64(row.unit[offset]) }
            }
            let rank = rankOf[experimentOf[index]]
            keys[next[rank]] = Key(prefix: prefix, row: index)
            next[rank] += 1
        }
        // A large group is partitioned in place at a sampled median prefix, and the two ranges
        // are sorted on two cores: keys with equal prefixes land on the same side, so the sorted
        // ranges follow each other in order.
        var ranges: [Range<Int>] = []
        for rank in experiments.indices {
            let group = groupStart[rank]..<groupStart[rank + 1]
            guard group.count >= 1 << 16 else {
                if !group.isEmpty { ranges.append(group) }
                continue
            }
            var sample = stride(from: group.lowerBound, to: group.upperBound, by: group.count / 1_024).map { keys[$0].prefix }
            sample.sort()
            let pivot = sample[sample.count / 2]
            var split = group.lowerBound
            for index in group where keys[index].prefix < pivot {
                keys.swapAt(split, index)
                split += 1
            }
            ranges.append(group.lowerBound..<split)
            ranges.append(split..<group.upperBound)
        }
        let tasks = ranges
        rows.withUnsafeBufferPointer { rows in
            let shared = SendableRows(rows: rows)
            keys.withUnsafeMutableBufferPointer { keys in
                guard let base = keys.baseAddress else { return }
                let target = SendablePointer(base: base)
                Parallel.run(tasks.count) { task in
                    let rows = shared.rows
                    var range = UnsafeMutableBufferPointer(start: target.base + tasks[task].lowerBound, count: tasks[task].count)
                    range.sort { a, b in
                        if a.prefix != b.prefix { return a.prefix < b.prefix }
                        let x = rows[a.row], y = rows[b.row]
                        return Self.compare(x.unit, x.unitCount, y.unit, y.unitCount) < 0
                    }
                }
            }
        }
        let order = keys.map { $0.row }
        return order
    }

    /// Upserts every row through `statement` inside the caller's transaction and empties the batch.
    mutating func write(with statement: ExposureStore.Upserts) throws {
        try write(with: statement, transactionRows: .max, begin: {}, commit: { _, _ in }, rollback: {})
    }

    /// Upserts the rows through `statement`, merged per (experiment, unit) and in key order,
    /// `transactionRows` store rows per transaction opened by `begin` and closed by `commit`
    /// (which gets the store rows written so far and their total); empties the batch.
    mutating func write(
        with statements: ExposureStore.Upserts, transactionRows: Int,
        begin: () throws -> Void, commit: (_ written: Int, _ total: Int) throws -> Void, rollback: () -> Void
    ) throws {
        defer { removeAll() }
        guard !rows.isEmpty else { return }
        // The statements are rewound without clearing bindings inside the loop; clear them
        // when done so none is left pointing into this batch's bytes.
        defer {
            statements.single.reset()
            statements.wide.reset()
        }
        var order = sortedOrder()
        // Merge in place: each key's rows fold into its first row in `order`, and `order` keeps
        // only those (no second array of rows). The commit callback reports progress against
        // the number of store rows.
        var mergedCount = 0
        rows.withUnsafeMutableBufferPointer { rows in
            var position = 0
            while position < order.count {
                let index = order[position]
                var row = rows[index]
                var next = position + 1
                while next < order.count {
                    let other = rows[order[next]]
                    guard Self.compare(other.unit, other.unitCount, row.unit, row.unitCount) == 0,
                        Self.compare(other.experiment, other.experimentCount, row.experiment, row.experimentCount) == 0
                    else { break }
                    let variantOrder = Self.compare(other.variant, other.variantCount, row.variant, row.variantCount)
                    if other.first < row.first || (other.first == row.first && variantOrder < 0) {
                        row.variant = other.variant
                        row.variantCount = other.variantCount
                    }
                    row.first = min(row.first, other.first)
                    row.last = max(row.last, other.last)
                    row.multi = row.multi || variantOrder != 0
                    next += 1
                }
                rows[index] = row
                order[mergedCount] = index
                mergedCount += 1
                position = next
            }
        }
        var written = 0
        while written < mergedCount {
            let end = min(mergedCount, written + transactionRows)
            try begin()
            do {
                var next = written
                while next < end {
                    let wide = end - next >= ExposureStore.Upserts.wideRows
                    let statement = wide ? statements.wide : statements.single
                    let count = wide ? ExposureStore.Upserts.wideRows : 1
                    for offset in 0..<count {
                        let row = rows[order[next + offset]]
                        let first = Int32(offset * 6)
                        statement.bindStatic(first + 1, UnsafeBufferPointer(start: row.experiment, count: row.experimentCount))
                        statement.bindStatic(first + 2, UnsafeBufferPointer(start: row.unit, count: row.unitCount))
                        statement.bindStatic(first + 3, UnsafeBufferPointer(start: row.variant, count: row.variantCount))
                        statement.bind(first + 4, row.first)
                        statement.bind(first + 5, row.last)
                        statement.bind(first + 6, row.multi ? 1 : 0)
                    }
                    try statement.step()
                    statement.rewind()
                    next += count
                }
            } catch {
                rollback()
                throw error
            }
            written = end
            try commit(written, mergedCount)
        }
    }
}

/// A pointer handed to parallel workers that each use a disjoint part of what it points to.
private struct SendablePointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>
}

/// The rows of a batch read by the sorting workers while the batch is not mutated.
private struct SendableRows: @unchecked Sendable {
    let rows: UnsafeBufferPointer<ExposureBatch.Row>
}
